package org.voxelforge.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

/** Random data and tolerance-aware comparisons for the conv, pool and upsample tests. */
final class ConvTestSupport {
    private ConvTestSupport() {}

    static double[] randn(long seed, int n) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextGaussian();
        return v;
    }

    static int numel(int... dims) { return (int) Shape.of(dims).numel(); }

    static Tensor tensor(DType dt, double[] v, int... dims) { return Tensor.of(dt, v, dims); }

    /** Max |a-b| must be within tol * (1 + max|b|): relative to the data's scale. */
    static void assertClose(String what, double[] expected, double[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 1;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > tol * scale) {
                assertArrayEquals(expected, actual, tol * scale, what + ": first difference at flat index " + i);
            }
        }
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
