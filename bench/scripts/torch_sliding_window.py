"""PyTorch peer of `voxelforge bench predict`: the same U-Net (torch_unet_step.UNet, eval mode) over one
4-channel case with nnU-Net's sliding window (overlap 0.5, steps spread evenly, Gaussian importance
weights with sigma = patch / 8, windows batched, softmax, accumulate and divide), on one device.

    python3 bench/scripts/torch_sliding_window.py [base=32] [stages=5] [patch=128] [batch=2] [reps=3] [max=320]
        [X=240] [Y=240] [Z=155] [device=cuda] [compile=0]
Prints each case's milliseconds, the median of the last half, and the peak device memory.
"""
import math
import statistics
import sys
import time

import numpy as np
import torch

from torch_unet_step import UNet


def steps(size, patch, overlap=0.5):
    target = patch * (1 - overlap)
    n = int(math.ceil((size - patch) / target)) + 1
    if n == 1:
        return [0]
    return [int(np.round(i * (size - patch) / (n - 1))) for i in range(n)]


def gaussian(patch, device, sigma_scale=1 / 8):
    c = (patch - 1) / 2
    x = torch.arange(patch, dtype=torch.float64) - c
    g1 = torch.exp(-x ** 2 / (2 * (patch * sigma_scale) ** 2))
    g = g1[:, None, None] * g1[None, :, None] * g1[None, None, :]
    g = g / g.max()
    g[g == 0] = g[g > 0].min()
    return g.float().to(device)


def main():
    a = sys.argv[1:]
    ints = [int(v) for v in a[:9]] + [None] * 9
    base, stages, patch, batch, reps, maxf, X, Y, Z = [v if v is not None else d for v, d in
                                                       zip(ints[:9], (32, 5, 128, 2, 3, 320, 240, 240, 155))]
    device = a[9] if len(a) > 9 else "cuda"
    compiled = len(a) > 10 and a[10] == "1"
    if device != "cpu":
        torch.backends.cudnn.benchmark = True
    torch.manual_seed(1)
    net = UNet(base, stages, maxf).to(device).eval()
    model = torch.compile(net) if compiled else net
    image = torch.randn(4, X, Y, Z, device=device)
    w = gaussian(patch, device)
    starts = [(x, y, z) for x in steps(X, patch) for y in steps(Y, patch) for z in steps(Z, patch)]
    print("torch %s %s: sliding window over [4, %d, %d, %d], patch %d^3, %d windows, batch %d, compile %s"
          % (torch.__version__, device, X, Y, Z, patch, len(starts), batch, compiled))
    ms = []
    for r in range(reps):
        if device != "cpu":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        with torch.no_grad():
            acc = torch.zeros(4, X, Y, Z, device=device)
            wsum = torch.zeros(X, Y, Z, device=device)
            for i in range(0, len(starts), batch):
                chunk = starts[i:i + batch]
                win = torch.stack([image[:, x:x + patch, y:y + patch, z:z + patch] for x, y, z in chunk])
                p = torch.softmax(model(win)[0], 1) * w
                for k, (x, y, z) in enumerate(chunk):
                    acc[:, x:x + patch, y:y + patch, z:z + patch] += p[k]
                    wsum[x:x + patch, y:y + patch, z:z + patch] += w
            out = (acc / wsum).cpu()
        ms.append((time.perf_counter() - t0) * 1e3)
        print("case %3d  %9.2f ms" % (r + 1, ms[-1]))
    print("steady: %.2f ms (median of the last %d)" % (statistics.median(ms[len(ms) // 2:]), len(ms) - len(ms) // 2))
    if device != "cpu":
        print("peak device memory: %.1f MiB allocated" % (torch.cuda.max_memory_allocated() / 2 ** 20))


if __name__ == "__main__":
    main()
