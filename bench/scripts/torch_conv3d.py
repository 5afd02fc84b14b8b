"""PyTorch CPU peer for Conv3dBenchmark / Conv3dTiming: the same conv3d shapes (batch 2,
3x3x3, padding 1, float32) on 2 threads. Prints the best of a few runs after one warm-up.

Run with Debian's Python, which has python3-torch (.ci/install-torch.sh):
    /usr/bin/python3 bench/scripts/torch_conv3d.py [reps] [SHAPE...]
"""
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
SHAPES = {"C32_64": (2, 32, 32, 64), "C32_128": (2, 32, 32, 128), "C320_8": (2, 320, 320, 8)}


def best(reps, fn):
    fn()
    t = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        t = min(t, (time.perf_counter() - t0) * 1e3)
    return t


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    names = sys.argv[2:] or list(SHAPES)
    print("torch %s conv3d float32, %d threads, mkldnn %s" % (torch.__version__, torch.get_num_threads(),
                                                             torch.backends.mkldnn.is_available()))
    for name in names:
        n, cin, cout, s = SHAPES[name]
        flops = 2.0 * n * cout * s ** 3 * cin * 27
        x = torch.randn(n, cin, s, s, s)
        w = torch.randn(cout, cin, 3, 3, 3)
        with torch.no_grad():
            ms = best(reps, lambda: F.conv3d(x, w, padding=1))
        print("%-8s %-9s %9.1f ms  %6.1f GFLOP/s" % (name, "forward", ms, flops / (ms * 1e6)))
        if s <= 64:
            xg = x.clone().requires_grad_(True)
            wg = w.clone().requires_grad_(True)
            g = torch.randn(n, cout, s, s, s)

            def step():
                xg.grad = None
                wg.grad = None
                F.conv3d(xg, wg, padding=1).backward(g)

            # autograd runs the forward too; subtract it to get the two backward passes, then per pass
            ms_b = (best(reps, step) - ms) / 2
            print("%-8s %-9s %9.1f ms  %6.1f GFLOP/s" % (name, "backward", ms_b, flops / (ms_b * 1e6)))


if __name__ == "__main__":
    main()
