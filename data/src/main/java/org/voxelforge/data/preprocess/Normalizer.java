package org.voxelforge.data.preprocess;

import org.voxelforge.data.analysis.Intensities;

/**
 * The intensity transforms of {@link IntensityMode}, on one image's voxels. {@code region} (may
 * be null for "all voxels") selects the voxels whose statistics are used; voxels outside the
 * region are set to 0 afterwards when {@code zeroOutside}.
 */
public final class Normalizer {
    private Normalizer() {}

    /** Clip to [lo, hi], subtract mean, divide by std (1 when std is 0). */
    public static void windowZScore(double[] v, double lo, double hi, double mean, double std) {
        double s = std > 0 ? std : 1;
        for (int i = 0; i < v.length; i++) v[i] = (Math.max(lo, Math.min(hi, v[i])) - mean) / s;
    }

    /** MIST's MR normalization: own 0.5/99.5 window over the region, then z-score over the region. */
    public static void perImageZScore(double[] v, boolean[] region, boolean zeroOutside) {
        double[] sel = select(v, region);
        if (sel.length == 0) return;
        double[] p = Intensities.percentiles(sel, 0.5, 99.5);
        double[] ms = Intensities.meanStd(Intensities.clip(sel, p[0], p[1]));
        windowZScore(v, p[0], p[1], ms[0], ms[1]);
        if (zeroOutside) zeroOutside(v, region);
    }

    public static void percentileRescale(double[] v, boolean[] region, boolean zeroOutside) {
        double[] sel = select(v, region);
        if (sel.length == 0) return;
        double[] p = Intensities.percentiles(sel, 2, 98);
        double span = p[1] > p[0] ? p[1] - p[0] : 1;
        for (int i = 0; i < v.length; i++) v[i] = Math.max(0, Math.min(1, (v[i] - p[0]) / span));
        if (zeroOutside) zeroOutside(v, region);
    }

    public static void minMaxNonzero(double[] v) {
        boolean[] nz = new boolean[v.length];
        for (int i = 0; i < v.length; i++) nz[i] = v[i] != 0;
        double[] sel = select(v, nz);
        if (sel.length == 0) return;
        double[] p = Intensities.percentiles(sel, 1, 99);
        double span = p[1] > p[0] ? p[1] - p[0] : 1;
        for (int i = 0; i < v.length; i++) v[i] = nz[i] ? (Math.max(p[0], Math.min(p[1], v[i])) - p[0]) / span : 0;
    }

    /** The reference's landmarks: its percentiles 0, 1, ..., 100 over {@code region}. */
    public static double[] landmarks(double[] v, boolean[] region) {
        double[] qs = new double[101];
        for (int q = 0; q <= 100; q++) qs[q] = q;
        return Intensities.percentiles(select(v, region), qs);
    }

    /** Piecewise-linear histogram matching of the region's voxels onto {@code reference} landmarks. */
    public static void histogramMatch(double[] v, boolean[] region, double[] reference, boolean zeroOutside) {
        double[] src = landmarks(v, region);
        for (int i = 0; i < v.length; i++) {
            if (region == null || region[i] || !zeroOutside) v[i] = interpolate(v[i], src, reference);
        }
        if (zeroOutside) zeroOutside(v, region);
    }

    /**
     * {@code numpy.interp(x, xp, fp)} for non-decreasing xp: the ends outside, linear between the
     * landmarks around x; among repeated landmarks the last is used, as numpy does.
     */
    static double interpolate(double x, double[] xp, double[] fp) {
        int n = xp.length;
        if (x <= xp[0]) return x == xp[0] ? fp[lastIndexOf(xp, xp[0])] : fp[0];
        if (x >= xp[n - 1]) return fp[n - 1];
        int lo = 0, hi = n - 1; // largest lo with xp[lo] <= x
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (xp[mid] <= x) lo = mid; else hi = mid;
        }
        double span = xp[lo + 1] - xp[lo];
        return span == 0 ? fp[lo + 1] : fp[lo] + (fp[lo + 1] - fp[lo]) * (x - xp[lo]) / span;
    }

    private static int lastIndexOf(double[] a, double x) {
        int k = 0;
        while (k + 1 < a.length && a[k + 1] == x) k++;
        return k;
    }

    static double[] select(double[] v, boolean[] region) {
        if (region == null) return v.clone();
        int n = 0;
        for (boolean b : region) if (b) n++;
        double[] out = new double[n];
        int o = 0;
        for (int i = 0; i < v.length; i++) if (region[i]) out[o++] = v[i];
        return out;
    }

    private static void zeroOutside(double[] v, boolean[] region) {
        if (region == null) return;
        for (int i = 0; i < v.length; i++) if (!region[i]) v[i] = 0;
    }
}
