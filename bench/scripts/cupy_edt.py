#!/usr/bin/env python3
"""Peer of `voxelforge bench edt`: cupyx.scipy.ndimage.distance_transform_edt of the same
edge^3 mask (EdtBench.mask's formula) on the same GPU, timed per call with a synchronisation,
and, given VoxelForge's --output .npy, a voxel-for-voxel comparison (and one against SciPy on the
host when the edge is small enough to wait for).

    python3 cupy_edt.py EDGE STEPS [voxelforge_distances.npy]
"""
import sys
import time

import numpy as np


def mask(edge):
    x, y, z = np.meshgrid(np.arange(edge), np.arange(edge), np.arange(edge), indexing="ij")
    c = edge / 2.0
    d2 = (x - c) ** 2 + (y - c) ** 2 + (z - c) ** 2
    lo, hi = edge // 8, edge // 3
    box = (x >= lo) & (x < hi) & (y >= lo) & (y < hi) & (z >= lo) & (z < hi)
    hole = (31 * x.astype(np.int64) + 17 * y + 7 * z) % 1013 == 0
    return (((d2 < 0.16 * edge * edge) | box) & ~hole).astype(np.uint8)


def main():
    edge, steps = int(sys.argv[1]), int(sys.argv[2])
    theirs = sys.argv[3] if len(sys.argv) > 3 else None
    m = mask(edge)
    print(f"cupyx distance_transform_edt of a {edge}^3 uint8 mask ({100.0 * m.mean():.1f}% foreground), float64 then float32")
    import cupy as cp
    from cupyx.scipy import ndimage as cnd
    dm = cp.asarray(m)
    times = []
    out = None
    for s in range(steps):
        cp.cuda.Device().synchronize()
        t0 = time.perf_counter()
        out = cnd.distance_transform_edt(dm, float64_distances=False)
        cp.cuda.Device().synchronize()
        times.append((time.perf_counter() - t0) * 1e3)
        print(f"call {s + 1:3d}  {times[-1]:9.2f} ms")
    tail = sorted(times[len(times) // 2:])
    print(f"steady: {tail[len(tail) // 2]:.2f} ms (median of the last {len(tail)})")
    mine = cp.asnumpy(out).astype(np.float32)
    if theirs:
        vf = np.load(theirs)
        diff = np.abs(vf.astype(np.float64) - mine.astype(np.float64))
        print(f"voxelforge vs cupy: max |diff| {diff.max():.3g}, voxels differing by > 1e-4: {(diff > 1e-4).sum()} of {diff.size}, "
              f"bitwise equal: {(vf == mine).mean() * 100:.4f}%")
    if edge <= 128:
        from scipy import ndimage
        ref = ndimage.distance_transform_edt(m).astype(np.float32)
        print(f"cupy vs scipy: max |diff| {np.abs(ref.astype(np.float64) - mine).max():.3g}")


if __name__ == "__main__":
    main()
