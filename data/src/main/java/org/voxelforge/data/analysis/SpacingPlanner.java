package org.voxelforge.data.analysis;

import java.util.Arrays;
import java.util.List;

/**
 * MIST's rules for the target spacing and the patch size, written in one place.
 *
 * <ol>
 *   <li>Target spacing: the median spacing per axis. When the dataset is anisotropic (the largest
 *       median spacing over the smallest exceeds {@value #ANISOTROPY}), the low-resolution axis
 *       (the largest) takes the 10th percentile of that axis's spacings instead, so the thick
 *       slices are not made thicker still for most cases.</li>
 *   <li>Memory: while any case resampled to that spacing (after cropping) would need more than
 *       {@code maxCaseBytes} as float32 times its channels, every spacing grows by 25%.</li>
 *   <li>Patch size: per axis, the largest power of two at or below the median resampled
 *       (cropped) size, capped at {@code maxPatch}.</li>
 * </ol>
 */
public final class SpacingPlanner {
    public static final double ANISOTROPY = 3.0;

    private SpacingPlanner() {}

    /** True when max/min of {@code spacing} exceeds {@value #ANISOTROPY}. */
    public static boolean anisotropic(double[] spacing) {
        return max(spacing) / min(spacing) > ANISOTROPY;
    }

    /** The axis with the largest spacing (the first of equals). */
    public static int lowResAxis(double[] spacing) {
        int a = 0;
        for (int i = 1; i < spacing.length; i++) if (spacing[i] > spacing[a]) a = i;
        return a;
    }

    public static double[] targetSpacing(List<double[]> spacings) {
        double[] median = new double[3];
        for (int a = 0; a < 3; a++) median[a] = Intensities.percentile(column(spacings, a), 50);
        if (anisotropic(median)) {
            int low = lowResAxis(median);
            median[low] = Intensities.percentile(column(spacings, low), 10);
        }
        return median;
    }

    /** {@code round(dims * spacing / target)} per axis (at least 1), the shape after resampling. */
    public static int[] resampledShape(int[] dims, double[] spacing, double[] target) {
        int[] r = new int[3];
        for (int a = 0; a < 3; a++) r[a] = Math.max(1, (int) Math.rint(dims[a] * spacing[a] / target[a]));
        return r;
    }

    /** The target spacing grown by 25% steps until every case fits in {@code maxCaseBytes}. */
    public static double[] fitMemory(double[] target, List<int[]> dims, List<double[]> spacings, int channels,
                                     long maxCaseBytes) {
        double[] t = target.clone();
        for (int step = 0; step < 200; step++) {
            boolean fits = true;
            for (int c = 0; c < dims.size() && fits; c++) {
                int[] r = resampledShape(dims.get(c), spacings.get(c), t);
                fits = (double) r[0] * r[1] * r[2] * 4.0 * channels <= maxCaseBytes;
            }
            if (fits) return t;
            for (int a = 0; a < 3; a++) t[a] *= 1.25;
        }
        throw new IllegalArgumentException("analysis: no spacing up to 1.25^200 x " + Arrays.toString(target)
                + " fits a case in " + maxCaseBytes + " bytes; raise the limit");
    }

    public static int[] patchSize(List<int[]> resampledDims, int maxPatch) {
        int[] p = new int[3];
        for (int a = 0; a < 3; a++) {
            double[] col = new double[resampledDims.size()];
            for (int c = 0; c < col.length; c++) col[c] = resampledDims.get(c)[a];
            double med = Intensities.percentile(col, 50);
            int pow = Integer.highestOneBit(Math.max(1, (int) Math.floor(med)));
            p[a] = Math.min(pow, maxPatch);
        }
        return p;
    }

    private static double[] column(List<double[]> rows, int a) {
        double[] c = new double[rows.size()];
        for (int i = 0; i < c.length; i++) c[i] = rows.get(i)[a];
        return c;
    }

    private static double max(double[] v) { return Arrays.stream(v).max().orElseThrow(); }

    private static double min(double[] v) { return Arrays.stream(v).min().orElseThrow(); }
}
