package org.voxelforge.train.metrics;

import java.util.Arrays;

/** Percentiles and summary statistics with NumPy's defaults. */
public final class Percentiles {
    private Percentiles() {}

    /** {@code np.percentile(values, q)} (linear interpolation between closest ranks); NaN if empty. */
    public static double linear(double[] values, double q) {
        if (values.length == 0) return Double.NaN;
        double[] v = values.clone();
        Arrays.sort(v);
        double pos = q / 100.0 * (v.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(v.length - 1, lo + 1);
        return v[lo] + (v[hi] - v[lo]) * (pos - lo);
    }

    public static double mean(double[] v) {
        if (v.length == 0) return Double.NaN;
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    /** Population standard deviation ({@code np.std}, ddof = 0). */
    public static double std(double[] v) {
        if (v.length == 0) return Double.NaN;
        double m = mean(v), s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return Math.sqrt(s / v.length);
    }

    /** The non-NaN values (summary rows ignore NaN, as np.nanmean does). */
    public static double[] finite(double[] v) {
        return Arrays.stream(v).filter(x -> !Double.isNaN(x)).toArray();
    }
}
