package org.voxelforge.cli.selftest;

import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.cpu.Sgemm;

/**
 * {@link Sgemm} (the Vector API micro-kernel when the module is present, else the scalar one)
 * against a double-precision triple loop written here, on sizes that leave edge tiles in every
 * direction. The error of each element is measured against the sum of |a_ip b_pj| (see
 * {@link ErrorBound}).
 */
final class SgemmCheck {
    private SgemmCheck() {}

    static SelfTestCheck of(int m, int n, int k, boolean transA, long seed) {
        String name = "cpu sgemm " + m + "x" + n + "x" + k + (transA ? " (A transposed)" : "");
        return SelfTestCheck.of(name, () -> run(name, m, n, k, transA, seed));
    }

    private static SelfTestResult run(String name, int m, int n, int k, boolean transA, long seed) {
        RandomGenerator rng = new RandomGenerator(seed);
        float[] a = uniform(rng, m * k), b = uniform(rng, k * n);
        int lda = transA ? m : k;
        float[] c = new float[m * n];
        java.util.Arrays.fill(c, Float.NaN); // beta = 0 must not read C
        Sgemm.sgemm(transA, false, m, n, k, 1f, a, 0, lda, b, 0, n, 0f, c, 0, n);

        Reference ref = reference(a, transA, lda, b, m, n, k);
        ErrorBound.Worst w = ErrorBound.worstRatio(c, ref.want(), ref.scale());
        return SelfTestResult.compare(name, w.ratio(), ErrorBound.float32SumBound(k),
                w.ratio() <= ErrorBound.float32SumBound(k) ? "kernel " + Sgemm.kernelName() : "kernel " + Sgemm.kernelName() + "; worst " + w.where());
    }

    /** C = op(A) B in double, and the sum of |terms| of each element (the scale of its rounding error). */
    record Reference(double[] want, double[] scale) {}

    static Reference reference(float[] a, boolean transA, int lda, float[] b, int m, int n, int k) {
        double[] want = new double[m * n], scale = new double[m * n];
        double[] row = new double[k];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) row[p] = transA ? a[p * lda + i] : a[i * lda + p];
            for (int j = 0; j < n; j++) {
                double s = 0, abs = 0;
                for (int p = 0; p < k; p++) {
                    double t = row[p] * b[p * n + j];
                    s += t;
                    abs += Math.abs(t);
                }
                want[i * n + j] = s;
                scale[i * n + j] = abs;
            }
        }
        return new Reference(want, scale);
    }

    static float[] uniform(RandomGenerator rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rng.nextDouble() * 2 - 1);
        return v;
    }
}
