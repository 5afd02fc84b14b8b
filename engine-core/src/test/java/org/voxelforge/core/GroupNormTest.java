package org.voxelforge.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Backend.groupNorm and groupNormBackward against textbook double loops: statistics per (sample,
 * group), the affine, and the closed-form gradients, on float32 and float64, groups 1, 2 and C,
 * a permuted (non-contiguous) input and a large mean.
 */
class GroupNormTest {
    private static final Backend B = Backends.cpu();
    private final RandomGenerator rng = new RandomGenerator(44);

    /** {y, dx, dgamma, dbeta} for x [N, C, S] (flattened), by the definition, in double. */
    private static double[][] reference(double[] x, double[] dy, double[] gamma, double[] beta, int n, int c, int s, int groups, double eps) {
        int cg = c / groups, m = cg * s;
        double[] y = new double[x.length], dx = new double[x.length], dg = new double[c], db = new double[c];
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < groups; g++) {
                int base = (b * c + g * cg) * s;
                double mean = 0, var = 0;
                for (int i = 0; i < m; i++) mean += x[base + i];
                mean /= m;
                for (int i = 0; i < m; i++) var += (x[base + i] - mean) * (x[base + i] - mean);
                var /= m;
                double r = 1 / Math.sqrt(var + eps), sumD = 0, sumDX = 0;
                for (int i = 0; i < m; i++) {
                    int ch = g * cg + i / s;
                    double xh = (x[base + i] - mean) * r, d = dy[base + i] * gamma[ch];
                    y[base + i] = xh * gamma[ch] + beta[ch];
                    dg[ch] += dy[base + i] * xh;
                    db[ch] += dy[base + i];
                    sumD += d;
                    sumDX += d * xh;
                }
                for (int i = 0; i < m; i++) {
                    int ch = g * cg + i / s;
                    double xh = (x[base + i] - mean) * r;
                    dx[base + i] = r * (dy[base + i] * gamma[ch] - sumD / m - xh * sumDX / m);
                }
            }
        }
        return new double[][] {y, dx, dg, db};
    }

    @Test void matchesTheDefinition() {
        int n = 2, c = 6, d = 3, h = 4, w = 5, s = d * h * w;
        for (DType dt : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            for (int groups : new int[] {1, 2, 6}) {
                for (double offset : new double[] {0, 300}) {
                    try (TensorScope scope = new TensorScope()) {
                        Tensor x = rng.fill(RandomGenerator.Distribution.NORMAL, offset, 2, dt, n, c, d, h, w);
                        Tensor dy = rng.fill(RandomGenerator.Distribution.NORMAL, 0, 1, dt, n, c, d, h, w);
                        Tensor gamma = rng.fill(RandomGenerator.Distribution.UNIFORM, 0.5, 1.5, dt, c), beta = rng.fill(RandomGenerator.Distribution.UNIFORM, -1, 1, dt, c);
                        double[][] want = reference(x.toDoubleArray(), dy.toDoubleArray(), gamma.toDoubleArray(), beta.toDoubleArray(), n, c, s, groups, 1e-5);
                        // the same values as a permuted view: the op must not assume a dense input
                        Tensor xp = Tensor.zeros(dt, w, h, d, c, n).permute(4, 3, 2, 1, 0);
                        xp.copy_(x);
                        for (Tensor in : new Tensor[] {x, xp}) {
                            Tensor[] f = B.groupNorm(in, gamma, beta, groups, 1e-5);
                            Tensor[] b = B.groupNormBackward(in, dy, gamma, f[1], f[2], groups);
                            String tag = dt + " groups " + groups + " mean " + offset + (in == xp ? " permuted" : "");
                            // float32 inputs: the mean is rounded to float before subtracting, so errors scale with it
                            double tol = dt == DType.FLOAT64 ? 1e-9 : 3e-6 * (1 + offset / 2);
                            close(tag + " y", want[0], f[0].toDoubleArray(), tol);
                            close(tag + " dx", want[1], b[0].toDoubleArray(), tol);
                            close(tag + " dgamma", want[2], b[1].toDoubleArray(), dt == DType.FLOAT64 ? 1e-9 : 1e-4 * (1 + offset / 2));
                            close(tag + " dbeta", want[3], b[2].toDoubleArray(), dt == DType.FLOAT64 ? 1e-9 : 1e-5);
                        }
                    }
                }
            }
        }
    }

    @Test void withoutAffineAndBadInput() {
        try (TensorScope scope = new TensorScope()) {
            Tensor x = rng.fill(RandomGenerator.Distribution.NORMAL, 0, 1, DType.FLOAT32, 2, 4, 7);
            Tensor[] f = B.groupNorm(x, null, null, 2, 1e-5);
            double[] y = f[0].toDoubleArray();
            for (int row = 0; row < 4; row++) { // each (sample, group) row: mean 0, variance 1
                double m = 0, v = 0;
                for (int i = 0; i < 14; i++) m += y[row * 14 + i] / 14;
                for (int i = 0; i < 14; i++) v += (y[row * 14 + i] - m) * (y[row * 14 + i] - m) / 14;
                assertEquals(0, m, 1e-6);
                assertEquals(1, v, 1e-3);
            }
            Tensor[] b = B.groupNormBackward(x, x, null, f[1], f[2], 2);
            assertEquals(null, b[1]);
            assertThrows(IllegalArgumentException.class, () -> B.groupNorm(x, null, null, 3, 1e-5));
            assertThrows(ShapeMismatchException.class, () -> B.groupNorm(x, Tensor.zeros(DType.FLOAT32, 3), null, 2, 1e-5));
            assertThrows(ShapeMismatchException.class, () -> B.groupNormBackward(x, x, null, f[1], f[1].reshape(4), 2));
            assertThrows(IllegalArgumentException.class, () -> B.groupNorm(Tensor.zeros(DType.INT32, 2, 4, 3), null, null, 2, 1e-5));
        }
    }

    private static void close(String what, double[] want, double[] got, double tol) {
        assertEquals(want.length, got.length, what);
        double scale = 1;
        for (double v : want) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], tol * scale, what + " at " + i);
    }
}
