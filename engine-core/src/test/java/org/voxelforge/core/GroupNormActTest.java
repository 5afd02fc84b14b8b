package org.voxelforge.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Backend.groupNormAct and its backward on the CPU against the two ops they fuse (groupNorm, then
 * leakyRelu; leakyReluBackward, then groupNormBackward): bit for bit in float32 (the same kernels on
 * the same values: the pre-activation is recomputed, not approximated) and to rounding in float64,
 * for relu, a leaky slope, a negative slope and no activation, with and without the affine.
 */
class GroupNormActTest {
    private static final Backend B = Backends.cpu();
    private final RandomGenerator rng = new RandomGenerator(45);

    @Test void equalsNormThenActivation() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (double slope : new double[] {0, 0.01, -0.3, 1}) {
                for (boolean affine : new boolean[] {true, false}) {
                    for (int groups : new int[] {1, 3}) {
                        try (TensorScope scope = new TensorScope()) {
                            check(dt, slope, affine, groups);
                        }
                    }
                }
            }
        }
    }

    private void check(DType dt, double slope, boolean affine, int groups) {
        String what = dt.label() + " slope " + slope + " affine " + affine + " groups " + groups;
        Tensor x = rng.fill(RandomGenerator.Distribution.NORMAL, 0.5, 2, dt, 2, 6, 3, 4, 5);
        Tensor dy = rng.fill(RandomGenerator.Distribution.NORMAL, 0, 1, dt, 2, 6, 3, 4, 5);
        Tensor gamma = affine ? rng.fill(RandomGenerator.Distribution.UNIFORM, -1.5, 1.5, dt, 6) : null;
        Tensor beta = affine ? rng.fill(RandomGenerator.Distribution.UNIFORM, -1, 1, dt, 6) : null;

        Tensor[] norm = B.groupNorm(x, gamma, beta, groups, 1e-5);
        Tensor wantY = B.leakyRelu(norm[0], slope);
        Tensor[] got = B.groupNormAct(x, gamma, beta, groups, 1e-5, slope);
        double tol = dt == DType.FLOAT32 ? 0 : 1e-12;
        close(what + " y", wantY, got[0], tol);
        close(what + " mean", norm[1], got[1], 0);
        close(what + " rstd", norm[2], got[2], 0);

        Tensor d = B.leakyReluBackward(norm[0], dy, slope);
        Tensor[] want = B.groupNormBackward(x, d, gamma, norm[1], norm[2], groups);
        Tensor[] grads = B.groupNormActBackward(x, dy, gamma, beta, got[1], got[2], groups, slope);
        for (int i = 0; i < 3; i++) {
            if (want[i] == null) assertNull(grads[i], what + " gradient " + i);
            else close(what + " gradient " + i, want[i], grads[i], tol);
        }
    }

    @Test void activationActuallyApplies() {
        Tensor x = rng.fill(RandomGenerator.Distribution.NORMAL, 0, 1, DType.FLOAT32, 1, 2, 4, 4, 4);
        float[] y = B.groupNormAct(x, null, null, 2, 1e-5, 0)[0].toFloatArray();
        float[] plain = B.groupNorm(x, null, null, 2, 1e-5)[0].toFloatArray();
        int negatives = 0;
        for (int i = 0; i < y.length; i++) {
            assertTrue(y[i] >= 0, "relu output " + y[i] + " at " + i);
            if (plain[i] < 0) negatives++;
            else assertEquals(plain[i], y[i], 0f);
        }
        assertTrue(negatives > 0, "the test input must have negative normalised values");
    }

    @Test void badBetaIsNamed() {
        Tensor x = Tensor.zeros(DType.FLOAT32, 1, 4, 2, 2, 2), dy = Tensor.zeros(DType.FLOAT32, 1, 4, 2, 2, 2);
        Tensor[] r = B.groupNormAct(x, Tensor.zeros(DType.FLOAT32, 4), null, 2, 1e-5, 0.1);
        var e = assertThrows(ShapeMismatchException.class,
                () -> B.groupNormActBackward(x, dy, Tensor.zeros(DType.FLOAT32, 4), Tensor.zeros(DType.FLOAT32, 3), r[1], r[2], 2, 0.1));
        assertTrue(e.getMessage().contains("affine parameters must be [4]"), e.getMessage());
    }

    private static void close(String what, Tensor want, Tensor got, double tol) {
        assertArrayEquals(want.dims(), got.dims(), what + " shape");
        double[] w = want.toDoubleArray(), g = got.toDoubleArray();
        for (int i = 0; i < w.length; i++) {
            if (tol == 0) assertEquals(Double.doubleToLongBits(w[i] + 0.0), Double.doubleToLongBits(g[i] + 0.0), what + " at " + i + ": " + w[i] + " vs " + g[i]);
            else assertEquals(w[i], g[i], tol * Math.max(1, Math.abs(w[i])), what + " at " + i);
        }
    }
}
