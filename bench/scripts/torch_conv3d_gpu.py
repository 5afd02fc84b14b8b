"""PyTorch peer of `voxelforge bench conv3d --device cuda`: one 3x3x3 conv3d (padding 1, no bias,
float32, cudnn.benchmark on, TF32 off as VoxelForge's default) forward, backward data and backward
weight per repetition on one GPU, each repetition ended by a synchronisation. Prints every
repetition and the median of the last half, like the VoxelForge command.

    python3 bench/scripts/torch_conv3d_gpu.py [channels=32] [patch=128] [batch=2] [steps=20]
"""
import statistics
import sys
import time

import torch
import torch.nn.functional as F


def main():
    a = [int(v) for v in sys.argv[1:5]] + [None] * 4
    c, patch, batch, steps = [v if v is not None else d for v, d in zip(a[:4], (32, 128, 2, 20))]
    torch.backends.cudnn.benchmark = True
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    g = torch.Generator(device="cuda").manual_seed(3)
    x = torch.randn(batch, c, patch, patch, patch, device="cuda", generator=g)
    w = torch.randn(c, c, 3, 3, 3, device="cuda", generator=g) * 0.05
    print("torch %s cudnn %s, %s: conv3d %d -> %d, input [%d, %d, %d^3]: forward + backward data + backward weight"
          % (torch.__version__, torch.backends.cudnn.version(), torch.cuda.get_device_name(), c, c, batch, c, patch))
    ms = []
    for s in range(steps):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        y = F.conv3d(x, w, padding=1)
        gx = torch.nn.grad.conv3d_input(x.shape, w, y, padding=1)
        gw = torch.nn.grad.conv3d_weight(x, w.shape, y, padding=1)
        torch.cuda.synchronize()
        ms.append((time.perf_counter() - t0) * 1e3)
        print("rep %3d  %9.2f ms" % (s + 1, ms[-1]))
        del y, gx, gw
    print("steady: %.2f ms (median of the last %d)" % (statistics.median(ms[len(ms) // 2:]), len(ms) - len(ms) // 2))


if __name__ == "__main__":
    main()
