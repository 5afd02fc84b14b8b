package org.voxelforge.core.cpu;

/**
 * The sgemm micro-kernel's own speed on one thread with every operand in L1: the ceiling the
 * conv3d paths are measured against. Times {@code multiplyAdd} (A and B packed, as the GEMM and
 * slab paths run it) and {@code multiplyAddRowsA} (A's rows read in place at a stride, as the row
 * and slab weight-gradient paths run it) for a few depths and row strides, best of 5 rounds.
 * It sits in the kernels' package because they are package-private.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar
 * org.voxelforge.core.cpu.MicroKernelTiming}
 */
public final class MicroKernelTiming {
    private MicroKernelTiming() {}

    public static void main(String[] args) {
        SgemmMicroKernel k = SgemmKernels.BEST;
        System.out.printf("micro-kernel %s, 1 thread, operands in L1, GFLOP/s (best of 5 rounds)%n", k.describe());
        int[][] cases = {{64, 64}, {128, 128}, {128, 320}, {320, 320}};
        for (int[] c : cases) {
            double[] best = time(k, c[0], c[1]);
            System.out.printf("kc %4d  A row stride %4d   packed A %6.1f   A read in place %6.1f%n", c[0], c[1], best[0], best[1]);
        }
    }

    /** {best packed GFLOP/s, best in-place GFLOP/s} for depth kc and A rows {@code stride} floats apart. */
    private static double[] time(SgemmMicroKernel k, int kc, int stride) {
        int mr = k.mr(), nr = k.nr();
        float[] x = new float[stride * mr + kc], bp = new float[kc * nr], ap = new float[kc * mr], acc = new float[mr * nr];
        for (int i = 0; i < x.length; i++) x[i] = 1e-3f * (i % 7);
        for (int i = 0; i < bp.length; i++) bp[i] = 1e-3f * (i % 5);
        for (int i = 0; i < ap.length; i++) ap[i] = 1e-3f * (i % 3);
        int[] rows = new int[mr];
        for (int i = 0; i < mr; i++) rows[i] = i * stride;
        long flops = 2L * mr * nr * kc;
        int calls = (int) (4e9 / flops);
        double packed = 0, inPlace = 0;
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) k.multiplyAdd(kc, ap, 0, bp, 0, acc, 0, nr);
            long t1 = System.nanoTime();
            for (int i = 0; i < calls; i++) k.multiplyAddRowsA(kc, x, rows, 0, 0, bp, 0, acc, 0, nr);
            long t2 = System.nanoTime();
            packed = Math.max(packed, calls * (double) flops / (t1 - t0));
            inPlace = Math.max(inPlace, calls * (double) flops / (t2 - t1));
        }
        if (Float.isNaN(acc[0])) throw new AssertionError("unreachable: keeps acc alive");
        return new double[] {packed, inPlace};
    }
}
