package org.voxelforge.data.resample;

import org.voxelforge.core.Parallel;

/**
 * Turns samples into cubic B-spline coefficients, in place, one axis at a time: the causal and
 * anticausal recursive filter with pole {@code z = sqrt(3) - 2} (Unser, Aldroubi and Eden 1991)
 * with the mirror boundary ({@code f[-k] = f[k]}, {@code f[n-1+k] = f[n-1-k]}), which is what
 * SciPy's {@code spline_filter} uses for the modes 'mirror' and 'constant'.
 *
 * <p>The result is the unique coefficient array {@code c} with
 * {@code (c[i-1] + 4 c[i] + c[i+1]) / 6 = f[i]} under that boundary, so evaluating the spline at
 * the samples gives the samples back (the test checks exactly this).
 *
 * <p>The causal start value is a geometric sum over the whole line. We stop it once
 * {@code |z|^k} is below 1e-22 (about 38 terms), far under double precision; SciPy sums all
 * terms. Lines shorter than that are summed exactly as SciPy does.
 */
public final class BSplinePrefilter {
    /** sqrt(3) - 2, the pole of the cubic B-spline's inverse filter. */
    public static final double POLE = Math.sqrt(3.0) - 2.0;
    private static final int HORIZON = (int) Math.ceil(Math.log(1e-22) / Math.log(-POLE));
    private static final int BLOCK = 512; // inner-dimension columns one task filters together
    private static final int LINE_GROUP = 16; // contiguous lines filtered side by side

    private BSplinePrefilter() {}

    /** Filters a row-major array of shape {@code dims} along every axis, in place. */
    public static void filterAllAxes(double[] data, int[] dims) {
        for (int axis = 0; axis < dims.length; axis++) filterAxis(data, dims, axis);
    }

    /**
     * Filters along one axis, in place. The array is seen as (outer, n, inner); the filter runs
     * down the n rows of a block of inner columns at once, so memory is walked contiguously.
     */
    public static void filterAxis(double[] data, int[] dims, int axis) {
        int n = dims[axis];
        if (n <= 1) return; // SciPy leaves length-1 axes untouched
        long innerL = 1, outerL = 1;
        for (int a = axis + 1; a < dims.length; a++) innerL *= dims[a];
        for (int a = 0; a < axis; a++) outerL *= dims[a];
        int inner = (int) innerL;
        if (inner == 1) {
            filterContiguousLines(data, (int) outerL, n);
            return;
        }
        long blocksPerSlab = (innerL + BLOCK - 1) / BLOCK;
        long tasks = outerL * blocksPerSlab;
        long grain = Math.max(1, (1L << 15) / ((long) n * Math.min(inner, BLOCK)));
        Parallel.forRange(tasks, grain, (lo, hi) -> {
            double[] c0 = new double[Math.min(inner, BLOCK)];
            for (long t = lo; t < hi; t++) {
                long o = t / blocksPerSlab;
                int i0 = (int) (t - o * blocksPerSlab) * BLOCK;
                int i1 = Math.min(inner, i0 + BLOCK);
                filterColumns(data, (int) (o * n * inner), n, inner, i0, i1, c0);
            }
        });
    }

    /**
     * Along the contiguous axis each line is a serial recursion; transposing groups of
     * {@code LINE_GROUP} lines into a small (n, group) tile lets the same column code filter
     * them side by side.
     */
    private static void filterContiguousLines(double[] data, int lines, int n) {
        long groups = (lines + LINE_GROUP - 1) / LINE_GROUP;
        Parallel.forRange(groups, Math.max(1, (1L << 15) / ((long) n * LINE_GROUP)), (lo, hi) -> {
            double[] tile = new double[n * LINE_GROUP];
            double[] c0 = new double[LINE_GROUP];
            for (long gi = lo; gi < hi; gi++) {
                int first = (int) gi * LINE_GROUP, count = Math.min(LINE_GROUP, lines - first);
                for (int j = 0; j < count; j++) {
                    int src = (first + j) * n;
                    for (int r = 0; r < n; r++) tile[r * LINE_GROUP + j] = data[src + r];
                }
                filterColumns(tile, 0, n, LINE_GROUP, 0, count, c0);
                for (int j = 0; j < count; j++) {
                    int dst = (first + j) * n;
                    for (int r = 0; r < n; r++) data[dst + r] = tile[r * LINE_GROUP + j];
                }
            }
        });
    }

    /** The recursive filter on columns [i0, i1) of one (n, inner) slab starting at {@code base}. */
    private static void filterColumns(double[] c, int base, int n, int inner, int i0, int i1, double[] c0) {
        final double z = POLE;
        final double gain = (1.0 - z) * (1.0 - 1.0 / z);
        int w = i1 - i0;
        for (int r = 0; r < n; r++) {
            int row = base + r * inner;
            for (int i = i0; i < i1; i++) c[row + i] *= gain;
        }
        // causal start: c[0] = sum_k z^|k| f[mirror(k)] over the mirrored period, closed form
        final double zn1 = Math.pow(z, n - 1);
        int last = base + (n - 1) * inner;
        for (int j = 0; j < w; j++) c0[j] = c[base + i0 + j] + zn1 * c[last + i0 + j];
        double zi = z;
        int terms = Math.min(n - 2, HORIZON);
        for (int r = 1; r <= terms; r++) {
            int row = base + r * inner + i0, mirror = base + (n - 1 - r) * inner + i0;
            for (int j = 0; j < w; j++) c0[j] += zi * (c[row + j] + zn1 * c[mirror + j]);
            zi *= z;
        }
        double norm = 1 - zn1 * zn1;
        for (int j = 0; j < w; j++) c[base + i0 + j] = c0[j] / norm;
        // causal pass
        for (int r = 1; r < n; r++) {
            int row = base + r * inner + i0, prev = row - inner;
            for (int j = 0; j < w; j++) c[row + j] += z * c[prev + j];
        }
        // anticausal start and pass
        int prevLast = last - inner;
        for (int j = 0; j < w; j++) c[last + i0 + j] = (z * c[prevLast + i0 + j] + c[last + i0 + j]) * z / (z * z - 1);
        for (int r = n - 2; r >= 0; r--) {
            int row = base + r * inner + i0, next = row + inner;
            for (int j = 0; j < w; j++) c[row + j] = z * (c[next + j] - c[row + j]);
        }
    }
}
