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
SHAPES = {"C32_64": (2, 32, 32, 64), "C32_128": (2, 32, 32, 128), "C64_32": (2, 64, 64, 32),
          "C128_16": (2, 128, 128, 16), "C320_8": (2, 320, 320, 8)}


def best(reps, fn):
    """Fastest of reps runs after a warm-up: (wall ms, process cpu ms). On a shared machine the
    cpu figure is the fair one; wall time mostly measures the other tenants."""
    fn()
    wall = cpu = float("inf")
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall = min(wall, (time.perf_counter() - t0) * 1e3)
        cpu = min(cpu, (time.process_time() - c0) * 1e3)
    return wall, cpu


def report(name, pass_, ms, flops):
    print("%-8s %-9s %9.1f ms wall %9.1f ms cpu  %6.1f GFLOP/s per cpu-second"
          % (name, pass_, ms[0], ms[1], flops / (ms[1] * 1e6)))


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
        report(name, "forward", ms, flops)
        if s <= 64:
            xg = x.clone().requires_grad_(True)
            wg = w.clone().requires_grad_(True)
            g = torch.randn(n, cout, s, s, s)

            def step():
                xg.grad = None
                wg.grad = None
                F.conv3d(xg, wg, padding=1).backward(g)

            # autograd runs the forward too; subtract it to get the two backward passes, then per pass
            total = best(reps, step)
            report(name, "backward", [(total[i] - ms[i]) / 2 for i in range(2)], flops)


if __name__ == "__main__":
    main()
