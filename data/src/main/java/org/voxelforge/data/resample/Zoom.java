package org.voxelforge.data.resample;

import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.voxelforge.core.DType;
import org.voxelforge.core.Parallel;
import org.voxelforge.core.Tensor;

/**
 * Resampling of an N-dimensional volume to a new grid, matching
 * {@code scipy.ndimage.zoom(input, zoom, order, mode='constant', grid_mode=False,
 * prefilter=True)} (SciPy 1.6+ defaults) for orders 0 (nearest), 1 (linear) and 3 (cubic
 * B-spline). Geometry and boundary handling are described in {@link AxisSampling}; the cubic
 * prefilter in {@link BSplinePrefilter}.
 *
 * <p>SciPy evaluates the whole (order+1)^N tensor-product stencil per output voxel. The
 * kernel is separable, so here each axis is resampled in its own pass (shrinking axes first,
 * so later passes touch fewer voxels); the result is the same sum regrouped, equal to SciPy's
 * up to rounding (about 1e-15 relative). Each pass writes whole rows of the output from rows
 * of its input, in parallel over rows, so results do not depend on the thread count.
 */
public final class Zoom {
    private static final long GRAIN_ELEMENTS = 1 << 15;

    private Zoom() {}

    /**
     * The output shape SciPy's zoom gives: {@code round(dims[a] * factors[a])}, rounding halves
     * to even as Python's {@code round} does.
     */
    public static int[] outputShape(int[] dims, double[] factors) {
        if (factors.length != dims.length) {
            throw new IllegalArgumentException("zoom: " + factors.length + " zoom factors " + Arrays.toString(factors)
                    + " for an input of shape " + Arrays.toString(dims) + "; expected one per axis");
        }
        int[] out = new int[dims.length];
        for (int a = 0; a < dims.length; a++) {
            if (!(factors[a] > 0) || Double.isInfinite(factors[a])) {
                throw new IllegalArgumentException("zoom: factors " + Arrays.toString(factors) + " must be finite and positive");
            }
            out[a] = (int) Math.rint(dims[a] * factors[a]);
        }
        return out;
    }

    /** Resamples a row-major volume of shape {@code dims} to shape {@code outDims}. */
    public static double[] resize(double[] data, int[] dims, int[] outDims, int order) {
        check(data.length, dims, outDims, order);
        double[] cur = data.clone();
        int[] curDims = dims.clone();
        for (int axis : passOrder(dims, outDims)) {
            // An axis whose length does not change maps sample k to x = k exactly, where every
            // order reproduces the samples, so it is neither prefiltered nor resampled.
            if (curDims[axis] == outDims[axis]) continue;
            // Filters along different axes commute, so each axis is prefiltered just before
            // its own pass, on the array as small as it has become by then.
            if (order == 3) BSplinePrefilter.filterAxis(cur, curDims, axis);
            AxisSampling s = AxisSampling.zoom(curDims[axis], outDims[axis], order);
            cur = resampleAxis(cur, curDims, axis, s);
            curDims[axis] = outDims[axis];
        }
        return cur;
    }

    /** {@code scipy.ndimage.zoom(data, factors, order)} on a row-major volume. */
    public static double[] zoom(double[] data, int[] dims, double[] factors, int order) {
        return resize(data, dims, outputShape(dims, factors), order);
    }

    /** Tensor form of {@link #resize}: any input dtype, result in {@code out} (FLOAT32/FLOAT64). */
    public static Tensor resize(Tensor input, int[] outDims, int order, DType out) {
        if (out != DType.FLOAT32 && out != DType.FLOAT64) {
            throw new IllegalArgumentException("zoom: output dtype must be float32 or float64, got " + out.label()
                    + " for input " + input.describe());
        }
        double[] r = resize(toDoubles(input), input.dims(), outDims, order);
        if (out == DType.FLOAT64) return Tensor.of(r, outDims);
        float[] f = new float[r.length];
        for (int i = 0; i < r.length; i++) f[i] = (float) r[i];
        return Tensor.of(f, outDims);
    }

    /** Tensor form of {@link #zoom}. */
    public static Tensor zoom(Tensor input, double[] factors, int order, DType out) {
        return resize(input, outputShape(input.dims(), factors), order, out);
    }

    /** Axes that shrink most go first, so the later passes run on smaller arrays. */
    public static Integer[] passOrder(int[] dims, int[] outDims) {
        Integer[] axes = new Integer[dims.length];
        for (int a = 0; a < axes.length; a++) axes[a] = a;
        Arrays.sort(axes, (x, y) -> Double.compare((double) outDims[x] / dims[x], (double) outDims[y] / dims[y]));
        return axes;
    }

    /** One separable pass: {@code out[o, k, i] = sum_t w[k,t] * in[o, index[k,t], i]}. */
    static double[] resampleAxis(double[] in, int[] dims, int axis, AxisSampling s) {
        long innerL = 1, outerL = 1;
        for (int a = axis + 1; a < dims.length; a++) innerL *= dims[a];
        for (int a = 0; a < axis; a++) outerL *= dims[a];
        int inner = (int) innerL, nIn = dims[axis], nOut = s.outLength(), taps = s.taps();
        long outSize = outerL * nOut * innerL;
        if (outSize > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("zoom: intermediate of " + outSize + " voxels exceeds 2^31; resample in pieces");
        }
        double[] out = new double[(int) outSize];
        int[] index = s.index();
        double[] weight = s.weight();
        long rows = outerL * nOut;
        if (inner == 1) {
            resampleLines(in, out, (int) outerL, nIn, s);
            return out;
        }
        Parallel.forRange(rows, Math.max(1, GRAIN_ELEMENTS / Math.max(1, (long) inner * taps)), (lo, hi) -> {
            int o = (int) (lo / nOut), k = (int) (lo - (long) o * nOut);
            for (long r = lo; r < hi; r++, k++) {
                if (k == nOut) { k = 0; o++; }
                int dst = (int) r * inner;
                int srcSlab = o * nIn * inner;
                int tap0 = k * taps;
                for (int j = 0; j < taps; j++) {
                    double w = weight[tap0 + j];
                    int src = srcSlab + index[tap0 + j] * inner;
                    if (j == 0) for (int i = 0; i < inner; i++) out[dst + i] = w * in[src + i];
                    else for (int i = 0; i < inner; i++) out[dst + i] += w * in[src + i];
                }
            }
        });
        return out;
    }

    /** The pass along the contiguous axis: each output line gathers from one input line. */
    private static void resampleLines(double[] in, double[] out, int lines, int nIn, AxisSampling s) {
        int nOut = s.outLength(), taps = s.taps();
        int[] index = s.index();
        double[] weight = s.weight();
        Parallel.forRange(lines, Math.max(1, GRAIN_ELEMENTS / ((long) nOut * taps)), (lo, hi) -> {
            for (int line = (int) lo; line < hi; line++) {
                int src = line * nIn, dst = line * nOut;
                switch (taps) {
                    case 4 -> {
                        for (int k = 0, t = 0; k < nOut; k++, t += 4) {
                            out[dst + k] = weight[t] * in[src + index[t]] + weight[t + 1] * in[src + index[t + 1]]
                                    + weight[t + 2] * in[src + index[t + 2]] + weight[t + 3] * in[src + index[t + 3]];
                        }
                    }
                    case 2 -> {
                        for (int k = 0, t = 0; k < nOut; k++, t += 2) {
                            out[dst + k] = weight[t] * in[src + index[t]] + weight[t + 1] * in[src + index[t + 1]];
                        }
                    }
                    default -> {
                        for (int k = 0; k < nOut; k++) {
                            double v = 0;
                            for (int j = 0; j < taps; j++) v += weight[k * taps + j] * in[src + index[k * taps + j]];
                            out[dst + k] = v;
                        }
                    }
                }
            }
        });
    }

    static void check(int length, int[] dims, int[] outDims, int order) {
        if (order != 0 && order != 1 && order != 3) {
            throw new IllegalArgumentException("zoom: spline order " + order + " is not supported; expected 0, 1 or 3");
        }
        if (dims.length == 0 || outDims.length != dims.length) {
            throw new IllegalArgumentException("zoom: cannot resample shape " + Arrays.toString(dims) + " to "
                    + Arrays.toString(outDims) + "; expected two shapes of the same rank >= 1");
        }
        long n = 1;
        for (int a = 0; a < dims.length; a++) {
            if (dims[a] < 1 || outDims[a] < 1) {
                throw new IllegalArgumentException("zoom: shapes " + Arrays.toString(dims) + " -> " + Arrays.toString(outDims)
                        + " must have every size >= 1");
            }
            n *= dims[a];
        }
        if (n != length) {
            throw new IllegalArgumentException("zoom: " + length + " values do not fill shape " + Arrays.toString(dims));
        }
    }

    static double[] toDoubles(Tensor t) {
        if (t.numel() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("zoom: input " + t.describe() + " has more than 2^31 voxels");
        }
        if (t.isContiguous() && t.dtype() == DType.FLOAT64) {
            double[] d = new double[(int) t.numel()];
            java.lang.foreign.MemorySegment.copy(t.segment(), ValueLayout.JAVA_DOUBLE_UNALIGNED, t.offset() * 8, d, 0, d.length);
            return d;
        }
        if (t.isContiguous() && t.dtype() == DType.FLOAT32) {
            float[] f = t.toFloatArray();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) d[i] = f[i];
            return d;
        }
        return t.toDoubleArray();
    }
}
