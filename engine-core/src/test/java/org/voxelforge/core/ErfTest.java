package org.voxelforge.core;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ErfTest {
    /** Reference values of erf to 16 digits (Abramowitz & Stegun table 7.1, extended with mpmath). */
    private static final double[][] KNOWN = {
            {0.0, 0.0}, {0.1, 0.1124629160182849}, {0.5, 0.5204998778130465}, {1.0, 0.8427007929497149},
            {1.5, 0.9661051464753108}, {2.0, 0.9953222650189527}, {2.9, 0.9999589021219005},
            {3.0, 0.9999779095030014}, {3.5, 0.9999992569016276}, {4.0, 0.9999999845827421},
            {5.0, 0.9999999999984626}, {7.0, 1.0},
    };

    @Test void matchesReferenceValuesAndIsOdd() {
        for (double[] kv : KNOWN) {
            assertEquals(kv[1], Erf.erf(kv[0]), 2e-16 + 4e-16 * kv[1], "erf(" + kv[0] + ")");
            assertEquals(-kv[1], Erf.erf(-kv[0]), 2e-16 + 4e-16 * kv[1], "erf(-" + kv[0] + ")");
        }
        assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
        assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY));
    }

    @Test void derivativeMatchesGaussianAcrossTheBranchPoint() {
        for (double x : new double[] {0.3, 1.7, 2.999, 3.0, 3.001, 4.5, 5.9}) {
            double h = 1e-5, numeric = (Erf.erf(x + h) - Erf.erf(x - h)) / (2 * h);
            assertEquals(2 / Math.sqrt(Math.PI) * Math.exp(-x * x), numeric, 1e-9, "d erf at " + x);
        }
    }

    @Test void tensorOpUsesItForEveryFloatPath() {
        try (TensorScope s = new TensorScope()) {
            float[] xs = new float[37];
            for (int i = 0; i < xs.length; i++) xs[i] = -4f + i * 0.22f;
            float[] y = Tensor.of(xs, xs.length).erf().toFloatArray();
            for (int i = 0; i < xs.length; i++) assertEquals((float) Erf.erf(xs[i]), y[i], 0f);
            assertEquals(DType.FLOAT32, Tensor.ofInts(new int[] {1}, 1).erf().dtype());
        }
    }
}
