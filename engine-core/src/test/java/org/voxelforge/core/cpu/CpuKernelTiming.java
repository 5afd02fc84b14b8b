package org.voxelforge.core.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.voxelforge.core.Backends;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;

/**
 * A quick timing main for iterating on Sgemm and the conv3d kernels (not a test, not a benchmark
 * of record: the JMH harness in bench/ is). Prints the best of a few runs in process CPU time,
 * which the other tenants of a shared machine disturb far less than wall time.
 *
 * <p>Run (after test-compile): {@code java --add-modules jdk.incubator.vector -Dvoxelforge.threads=2
 * -cp engine-core/target/classes:engine-core/target/test-classes org.voxelforge.core.cpu.CpuKernelTiming [reps] [what...]}
 * where what is gemm, c32 (32->32 @ 64^3) or c320 (320->320 @ 8^3); conv runs on all pool threads.
 */
public final class CpuKernelTiming {
    private CpuKernelTiming() {}

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        java.util.List<String> what = args.length > 1 ? java.util.List.of(args).subList(1, args.length)
                : java.util.List.of("gemm", "c32", "c320");
        System.out.println("kernel " + Sgemm.kernelName() + ", KC=" + Sgemm.KC + " MC=" + Sgemm.MC + " NC=" + Sgemm.NC
                + ", pool threads " + org.voxelforge.core.Parallel.threads());
        for (String w : what) {
            switch (w) {
                case "gemm" -> gemm(reps, 1024);
                case "c32" -> conv(reps, 2, 32, 64);
                case "c320" -> conv(reps, 2, 320, 8);
                default -> throw new IllegalArgumentException("unknown: " + w);
            }
        }
    }

    private static void gemm(int reps, int n) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment a = arena.allocate(4L * n * n, 64), b = arena.allocate(4L * n * n, 64), c = arena.allocate(4L * n * n, 64);
            SplittableRandom r = new SplittableRandom(1);
            for (long i = 0; i < (long) n * n; i++) {
                a.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextGaussian());
                b.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextGaussian());
            }
            double flops = 2.0 * n * n * n;
            for (int t : new int[] {1, 2}) {
                double ms = best(reps, () -> Sgemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n, t));
                System.out.printf("gemm %d^3 %d thr: %8.1f ms cpu  %6.1f GFLOP/s per cpu-second%n", n, t, ms, flops / ms / 1e6);
            }
        }
    }

    private static void conv(int reps, int batch, int ch, int size) {
        Conv3dParams p = Conv3dParams.of(1, 1);
        double flops = 2.0 * batch * ch * ch * Math.pow(size, 3) * 27;
        try (Tensor x = random(1, batch, ch, size, size, size); Tensor w = random(2, ch, ch, 3, 3, 3);
             Tensor g = random(3, batch, ch, size, size, size)) {
            String name = ch + "->" + ch + "@" + size + "^3";
            report(name, "fwd", best(reps, () -> Backends.cpu().conv3d(x, w, null, p).close()), flops);
            report(name, "bwdData", best(reps, () -> Backends.cpu().conv3dBackwardData(g, w, x.shape(), p).close()), flops);
            report(name, "bwdWeight", best(reps, () -> Backends.cpu().conv3dBackwardWeight(g, x, w.shape(), p).close()), flops);
        }
    }

    private static void report(String name, String pass, double ms, double flops) {
        System.out.printf("conv %-12s %-9s %8.1f ms cpu  %6.1f GFLOP/s per cpu-second%n", name, pass, ms, flops / ms / 1e6);
    }

    private static Tensor random(long key, int... dims) {
        Tensor t = Tensor.zeros(DType.FLOAT32, dims);
        t.backend().fillRandom(t, RandomGenerator.Distribution.NORMAL, 0, 1, key, 0);
        return t;
    }

    private static double best(int reps, Runnable r) {
        r.run();
        r.run();
        double cpu = Double.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            long c0 = cpuNanos();
            r.run();
            cpu = Math.min(cpu, (cpuNanos() - c0) / 1e6);
        }
        return cpu;
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * CPU time of all live Java threads, summed: nanosecond-resolution per-thread clocks, where the
     * process clock ticks in 10 ms. The pool threads live for the whole run, so nothing is lost.
     */
    private static long cpuNanos() {
        long sum = 0;
        for (long id : THREADS.getAllThreadIds()) {
            long t = THREADS.getThreadCpuTime(id);
            if (t > 0) sum += t;
        }
        return sum;
    }
}
