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

    /**
     * The output buffer a conv path writes into: the bias pre-filled per output channel, as
     * CpuConv3d does (kept by beta = 1), or zeros without bias (b null).
     */
    static float[] outputWithBias(double[] b, long numel, long outPlane, int cout) {
        float[] y = new float[(int) numel];
        if (b != null) for (int i = 0; i < y.length; i++) y[i] = (float) b[(int) (i / outPlane % cout)];
        return y;
    }

    /** Values exactly representable in float32, so the float64 reference sees the same inputs. */
    static double[] randn(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }
}
