#!/usr/bin/python3
"""nibabel peer of NiftiReadBench: best wall time of `reps` full reads (nib.load + get_fdata, i.e.
decompressed, scaled voxels in memory) after one warm-up, per file.

Run with Debian's Python (install: .ci/install-test-deps.sh):
    /usr/bin/python3 bench/scripts/nibabel_read.py REPS FILE...
"""
import sys
import time

import nibabel as nib

reps = int(sys.argv[1])
print("nibabel", nib.__version__)
for f in sys.argv[2:]:
    nib.load(f).get_fdata()  # warm-up
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        nib.load(f).get_fdata()
        times.append(time.perf_counter() - t0)
    print(f"{f}: best {min(times) * 1000:.1f} ms")
