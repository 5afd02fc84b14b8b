package org.voxelforge.core.cpu;

import java.util.SplittableRandom;

/** Inputs for the float32 conv-path tests, which compare against the float64 direct loops. */
final class ConvPathTestData {
    private ConvPathTestData() {}

    static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }

    static int numel(int[] d) {
        int n = 1;
        for (int v : d) n *= v;
        return n;
    }

    /** Values exactly representable in float32, so the float64 reference sees the same inputs. */
    static double[] randn(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }
}
