package org.voxelforge.data.analysis;

import java.util.Arrays;

/** Percentiles, Otsu's threshold and moments of voxel values, each as its reference library defines it. */
public final class Intensities {
    private Intensities() {}

    /**
     * {@code numpy.percentile(values, q)} with NumPy's default linear interpolation:
     * position {@code (n - 1) * q / 100} in the sorted values.
     */
    public static double percentile(double[] values, double q) {
        return percentiles(values, q)[0];
    }

    public static double[] percentiles(double[] values, double... qs) {
        if (values.length == 0) throw new IllegalArgumentException("percentile: no values (an empty region?)");
        double[] s = values.clone();
        Arrays.sort(s);
        double[] r = new double[qs.length];
        for (int i = 0; i < qs.length; i++) r[i] = sortedPercentile(s, qs[i]);
        return r;
    }

    /** Percentile of already sorted values. */
    public static double sortedPercentile(double[] sorted, double q) {
        if (q < 0 || q > 100) throw new IllegalArgumentException("percentile: q = " + q + " must lie in [0, 100]");
        double pos = (sorted.length - 1) * q / 100.0;
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double f = pos - lo;
        return sorted[lo] + (sorted[hi] - sorted[lo]) * f;
    }

    /**
     * Otsu's threshold as {@code skimage.filters.threshold_otsu(values, nbins=256)}: a 256-bin
     * histogram over [min, max], the bin centre that maximizes the between-class variance;
     * the foreground is {@code value > threshold}. A constant input returns its value.
     */
    public static double otsu(double[] values) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double v : values) { min = Math.min(min, v); max = Math.max(max, v); }
        if (!(max > min)) return min;
        int bins = 256;
        long[] hist = new long[bins];
        double width = (max - min) / bins;
        for (double v : values) hist[Math.min(bins - 1, (int) ((v - min) / width))]++;
        double[] centers = new double[bins];
        for (int b = 0; b < bins; b++) centers[b] = min + (b + 0.5) * width;
        // class weights and means for every split "bins <= b | bins > b"
        double[] w1 = new double[bins], m1 = new double[bins];
        double cw = 0, cs = 0;
        for (int b = 0; b < bins; b++) {
            cw += hist[b];
            cs += hist[b] * centers[b];
            w1[b] = cw;
            m1[b] = cw > 0 ? cs / cw : 0;
        }
        double best = -1;
        int arg = 0;
        double total = cw, totalSum = cs;
        for (int b = 0; b < bins - 1; b++) {
            double w2 = total - w1[b];
            if (w1[b] == 0 || w2 == 0) continue;
            double m2 = (totalSum - m1[b] * w1[b]) / w2;
            double between = w1[b] * w2 * (m1[b] - m2) * (m1[b] - m2);
            if (between > best) { best = between; arg = b; }
        }
        return centers[arg];
    }

    /** Mean and population standard deviation (numpy's default ddof = 0). */
    public static double[] meanStd(double[] values) {
        if (values.length == 0) return new double[] {0, 1};
        double s = 0;
        for (double v : values) s += v;
        double mean = s / values.length, q = 0;
        for (double v : values) q += (v - mean) * (v - mean);
        return new double[] {mean, Math.sqrt(q / values.length)};
    }

    public static double[] clip(double[] values, double lo, double hi) {
        double[] r = new double[values.length];
        for (int i = 0; i < r.length; i++) r[i] = Math.max(lo, Math.min(hi, values[i]));
        return r;
    }
}
