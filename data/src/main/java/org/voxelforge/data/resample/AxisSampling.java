package org.voxelforge.data.resample;

/**
 * Where each output sample of one axis reads the input, and with which weights: for output
 * index {@code k}, the value is {@code sum_t weight[k*taps + t] * in[index[k*taps + t]]}.
 *
 * <p>Geometry is SciPy's {@code zoom(..., grid_mode=False)}: the first and last samples of
 * input and output coincide, so output {@code k} sits at input coordinate
 * {@code x = k * (nIn - 1) / (nOut - 1)} (0 when {@code nOut == 1}). Indices past the edges
 * are mirrored ({@code -1 -> 1}, {@code n -> n-2}), as SciPy does for mode 'constant' inside the
 * input's extent. Weights are those of {@code ni_splines.c}: order 0 picks
 * {@code floor(x + 0.5)}, order 1 is linear, order 3 the cubic B-spline kernel.
 *
 * <p>One documented difference: SciPy computes {@code x} for the last sample in floating point
 * and, when rounding lands it a hair beyond {@code nIn - 1} (e.g. 4 -> 188 samples), returns
 * the constant 0 there. We clamp {@code x} to {@code nIn - 1} instead, so the last sample is
 * the last input sample, as the geometry intends.
 */
public record AxisSampling(int inLength, int outLength, int taps, int[] index, double[] weight) {

    public static AxisSampling zoom(int inLength, int outLength, int order) {
        int taps = order + 1;
        int[] index = new int[outLength * taps];
        double[] weight = new double[outLength * taps];
        double step = outLength > 1 ? (double) (inLength - 1) / (outLength - 1) : 1.0;
        double[] w = new double[taps];
        for (int k = 0; k < outLength; k++) {
            double x = Math.min((double) k * step, inLength - 1);
            long start = (order & 1) == 1 ? (long) Math.floor(x) - order / 2 : (long) Math.floor(x + 0.5) - order / 2;
            weights(x, order, w);
            for (int t = 0; t < taps; t++) {
                index[k * taps + t] = mirror(start + t, inLength);
                weight[k * taps + t] = w[t];
            }
        }
        return new AxisSampling(inLength, outLength, taps, index, weight);
    }

    /** Interpolation weights for the {@code order + 1} samples starting at the filter start. */
    static void weights(double x, int order, double[] w) {
        switch (order) {
            case 0 -> w[0] = 1.0;
            case 1 -> {
                double f = x - Math.floor(x);
                w[0] = 1.0 - f;
                w[1] = 1.0 - w[0];
            }
            case 3 -> {
                double y = x - Math.floor(x), z = 1.0 - y;
                w[1] = (y * y * (y - 2.0) * 3.0 + 4.0) / 6.0;
                w[2] = (z * z * (z - 2.0) * 3.0 + 4.0) / 6.0;
                w[0] = z * z * z / 6.0;
                w[3] = 1.0 - w[0] - w[1] - w[2]; // the weights sum to 1
            }
            default -> throw new IllegalArgumentException("zoom: spline order " + order + " is not supported; expected 0, 1 or 3");
        }
    }

    /** Whole-sample mirror about the first and last samples, with period 2n-2. */
    static int mirror(long i, int n) {
        if (n <= 1) return 0;
        long period = 2L * n - 2;
        long m = Math.floorMod(i, period);
        return (int) (m >= n ? period - m : m);
    }
}
