package org.voxelforge.cli.selftest;

/**
 * How far a float32 result is from its float64 reference, measured against what float32
 * rounding can explain, so that one tolerance fits every size and every summation order.
 *
 * <p>For a sum of K products computed in float32 in any order (blocked, vectorised, FMA or
 * not), the classic bound is {@code |fl(s) - s| <= gamma_K * sum |terms|} with
 * {@code gamma_K ~ K u}, {@code u = 2^-24}. So each element's error is divided by the sum of
 * the absolute values of its terms (computed alongside the reference), and the largest of these
 * ratios is compared with {@code (K + 2) u}. A correct kernel stays far below it (errors are
 * random, so they grow like sqrt(K)); a wrong index or a dropped term lands far above.
 */
public final class ErrorBound {
    private ErrorBound() {}

    public static final double FLOAT32_UNIT_ROUNDOFF = 0x1.0p-24;

    /** The largest error-to-scale ratio and where it is. */
    public record Worst(double ratio, int index, double got, double want) {
        public String where() { return "element " + index + ": got " + got + ", reference " + want; }
    }

    /** Tolerance for ratios of a K-term float32 sum of products: {@code (K + 2) 2^-24}. */
    public static double float32SumBound(long terms) { return (terms + 2) * FLOAT32_UNIT_ROUNDOFF; }

    /**
     * max_i |got_i - want_i| / scale_i, where scale_i is the sum of |terms| of element i. An element
     * whose scale is 0 must be exactly equal (ratio 0, else infinite); a NaN gives an infinite ratio.
     */
    public static Worst worstRatio(float[] got, double[] want, double[] scale) {
        if (got.length != want.length || got.length != scale.length) {
            throw new IllegalArgumentException("error bound: result, reference and scale must have the same length, got "
                    + got.length + ", " + want.length + ", " + scale.length);
        }
        double worst = -1;
        int at = -1;
        for (int i = 0; i < got.length; i++) {
            double diff = Math.abs(got[i] - want[i]);
            double r = Double.isNaN(diff) ? Double.POSITIVE_INFINITY
                    : scale[i] == 0 ? (diff == 0 ? 0 : Double.POSITIVE_INFINITY) : diff / scale[i];
            if (r > worst) {
                worst = r;
                at = i;
            }
        }
        return at < 0 ? new Worst(0, -1, 0, 0) : new Worst(worst, at, got[at], want[at]);
    }

    /** As above for double results (e.g. a float32 result widened by a cast). */
    public static Worst worstRatio(double[] got, double[] want, double[] scale) {
        float[] f = new float[got.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) got[i];
        return worstRatio(f, want, scale);
    }

    /**
     * Distance of {@code got} from the float nearest to {@code want}, in units in the last place
     * of that float: 0 when equal (NaN equals NaN here), infinite when only one is NaN.
     */
    public static double ulps(float got, double want) {
        float w = (float) want;
        if (Float.isNaN(w) || Float.isNaN(got)) return Float.isNaN(w) && Float.isNaN(got) ? 0 : Double.POSITIVE_INFINITY;
        if (got == w) return 0;
        if (Float.isInfinite(w) || Float.isInfinite(got)) return Double.POSITIVE_INFINITY;
        return Math.abs((double) got - w) / Math.ulp(w);
    }
}
