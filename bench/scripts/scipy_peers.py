#!/usr/bin/python3
"""SciPy peers of EdtBenchmark and ResampleBenchmark, on the same inputs (built by the same
formulas as bench/src/main/java/org/voxelforge/bench/DataBenchVolumes.java).

Run with Debian's Python (install: .ci/install-scipy.sh):  /usr/bin/python3 bench/scripts/scipy_peers.py [runs]
Prints best and median wall-clock milliseconds of `runs` (default 3) after one warm-up, and the
least process CPU time of a run (steadier on a shared machine).
SciPy's ndimage is single-threaded.
"""
import sys
import time

import numpy as np
import scipy
from scipy import ndimage

SPHERES = [(64, 70, 90, 40), (180, 60, 150, 55), (120, 190, 60, 30),
           (200, 200, 200, 45), (40, 180, 210, 25), (128, 128, 128, 20)]


def spheres(inside):
    z, y, x = np.ogrid[:256, :256, :256]
    m = np.zeros((256, 256, 256), dtype=bool)
    for cz, cy, cx, r in SPHERES:
        m |= (z - cz) ** 2 + (y - cy) ** 2 + (x - cx) ** 2 <= r * r
    return m if inside else ~m


def volume():
    z, y, x = np.meshgrid(np.arange(240), np.arange(240), np.arange(155), indexing="ij")
    return np.sin(0.05 * z) * np.cos(0.07 * y) + ((z * 31 + y * 17 + x * 7) % 13) / 13.0


def bench(name, fn, runs):
    fn()
    ts, cpu = [], []
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1e3)
        cpu.append((time.process_time() - c0) * 1e3)
    ts.sort()
    print(f"{name:<34} wall best {ts[0]:9.1f} ms median {ts[len(ts) // 2]:9.1f} ms, cpu {min(cpu):9.1f} ms")


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    print(f"scipy {scipy.__version__}, numpy {np.__version__}")
    for which in ("inside", "outside"):
        m = spheres(which == "inside")
        bench(f"edt 256^3 {which}", lambda: ndimage.distance_transform_edt(m, sampling=(1.0, 0.8, 1.2)), runs)
    v = volume()
    for f in (0.8, 1.25):
        bench(f"zoom order=3 240x240x155 x{f}", lambda: ndimage.zoom(v, f, order=3), runs)


if __name__ == "__main__":
    main()
