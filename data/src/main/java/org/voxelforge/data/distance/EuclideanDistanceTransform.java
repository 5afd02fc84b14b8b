package org.voxelforge.data.distance;

import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.voxelforge.core.DType;
import org.voxelforge.core.Parallel;
import org.voxelforge.core.Tensor;

/**
 * Exact Euclidean distance transform of an N-dimensional mask with anisotropic voxel spacing,
 * with the semantics of {@code scipy.ndimage.distance_transform_edt(mask, sampling=spacing)}:
 * every foreground voxel (non-zero) gets its distance in physical units to the nearest
 * background voxel (zero); background voxels get 0.
 *
 * <p>Algorithm: one pass per axis over all lines along that axis. The first pass (the last,
 * contiguous axis) is a two-sweep scan for the nearest background sample on the line; every
 * later pass is the lower envelope of parabolas ({@link LowerEnvelope}). Squared distances are
 * kept in double until the final square root. Lines are independent, so the passes run in
 * parallel over lines and the result does not depend on the number of threads.
 *
 * <p>Edge cases: an all-background mask gives all zeros. A mask with no background voxel at
 * all has no finite distance: every voxel gets {@code +Infinity} (SciPy instead returns
 * distances to a phantom background sample just outside the first row, an artifact of its
 * implementation). {@link SignedDistanceMaps} turns this case into a finite convention.
 */
public final class EuclideanDistanceTransform {
    private static final long LINE_GRAIN_ELEMENTS = 1 << 15; // work per task, in voxels
    private static final int TILE = 16; // neighbouring lines one envelope task copies at once

    private EuclideanDistanceTransform() {}

    /** Distances of a mask given as bytes (non-zero = foreground), row-major with {@code dims}. */
    public static double[] distances(byte[] mask, int[] dims, double[] spacing) {
        double[] sq = squaredDistances(mask, dims, spacing);
        for (int i = 0; i < sq.length; i++) sq[i] = Math.sqrt(sq[i]);
        return sq;
    }

    /** Same as {@link #distances} with a boolean mask. */
    public static double[] distances(boolean[] mask, int[] dims, double[] spacing) {
        byte[] b = new byte[mask.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (mask[i] ? 1 : 0);
        return distances(b, dims, spacing);
    }

    /**
     * Distance transform of a tensor mask of any dtype (non-zero = foreground), any layout.
     * {@code spacing} has one entry per axis (null means 1 everywhere); {@code out} is FLOAT32
     * or FLOAT64. The result is a new contiguous tensor with the mask's shape.
     */
    public static Tensor transform(Tensor mask, double[] spacing, DType out) {
        if (out != DType.FLOAT32 && out != DType.FLOAT64) {
            throw new IllegalArgumentException("distance_transform_edt: output dtype must be float32 or float64, got "
                    + out.label() + " for mask " + mask.describe());
        }
        int[] dims = mask.dims();
        double[] d = distances(maskBytes(mask), dims, spacing);
        if (out == DType.FLOAT64) return Tensor.of(d, dims);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return Tensor.of(f, dims);
    }

    /** Squared distances (physical units squared); the core every other entry point calls. */
    public static double[] squaredDistances(byte[] mask, int[] dims, double[] spacing) {
        double[] w = checkArgs(mask.length, dims, spacing);
        double[] sq = new double[mask.length];
        if (sq.length == 0) return sq;
        int rank = dims.length;
        nearestOnLines(mask, sq, dims, rank - 1, w[rank - 1]);
        for (int axis = rank - 2; axis >= 0; axis--) envelopeOnLines(sq, dims, axis, w[axis]);
        return sq;
    }

    /** Row-major non-zero flags of a mask tensor; fast for contiguous uint8/bool. */
    static byte[] maskBytes(Tensor mask) {
        long n = mask.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("distance_transform_edt: mask " + mask.describe()
                    + " has more than 2^31 voxels; expected a single volume");
        }
        byte[] b = new byte[(int) n];
        DType t = mask.dtype();
        if ((t == DType.UINT8 || t == DType.BOOL) && mask.isContiguous()) {
            java.lang.foreign.MemorySegment.copy(mask.segment(), ValueLayout.JAVA_BYTE, mask.offset(), b, 0, b.length);
            return b;
        }
        var seg = mask.segment();
        for (int i = 0; i < b.length; i++) b[i] = (byte) (t.get(seg, mask.flatToStorage(i)) != 0 ? 1 : 0);
        return b;
    }

    static double[] checkArgs(int length, int[] dims, double[] spacing) {
        if (dims.length == 0) {
            throw new IllegalArgumentException("distance_transform_edt: mask must have at least one axis, got shape []");
        }
        long n = 1;
        for (int d : dims) {
            if (d < 0) throw new IllegalArgumentException("distance_transform_edt: negative size in shape " + Arrays.toString(dims));
            n *= d;
        }
        if (n != length) {
            throw new IllegalArgumentException("distance_transform_edt: " + length + " mask values do not fill shape "
                    + Arrays.toString(dims) + " (" + n + " voxels)");
        }
        double[] w = spacing == null ? filled(dims.length, 1.0) : spacing.clone();
        if (w.length != dims.length) {
            throw new IllegalArgumentException("distance_transform_edt: spacing " + Arrays.toString(spacing)
                    + " has " + w.length + " entries for a mask of shape " + Arrays.toString(dims)
                    + "; expected one positive spacing per axis");
        }
        for (double v : w) {
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("distance_transform_edt: spacing " + Arrays.toString(spacing)
                        + " must be finite and positive on every axis");
            }
        }
        return w;
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        Arrays.fill(a, v);
        return a;
    }

    /** First pass: squared distance to the nearest background sample on the same line. */
    private static void nearestOnLines(byte[] mask, double[] sq, int[] dims, int axis, double w) {
        LineGeometry g = new LineGeometry(dims, axis);
        double w2 = w * w;
        Parallel.forRange(g.lines, Math.max(1, LINE_GRAIN_ELEMENTS / Math.max(1, g.length)), (lo, hi) -> {
            int n = g.length;
            for (long line = lo; line < hi; line++) {
                long base = g.base(line);
                long stride = g.stride;
                // forward sweep: distance (in samples) to the last background sample seen
                long last = -1;
                for (int q = 0; q < n; q++) {
                    int i = (int) (base + q * stride);
                    if (mask[i] == 0) { last = q; sq[i] = 0; }
                    else sq[i] = last < 0 ? Double.POSITIVE_INFINITY : (double) (q - last);
                }
                // backward sweep: keep the nearer of the two, then square and scale
                long next = -1;
                for (int q = n - 1; q >= 0; q--) {
                    int i = (int) (base + q * stride);
                    if (mask[i] == 0) { next = q; continue; }
                    double d = sq[i];
                    if (next >= 0) d = Math.min(d, (double) (next - q));
                    sq[i] = d == Double.POSITIVE_INFINITY ? d : w2 * d * d;
                }
            }
        });
    }

    /**
     * Later passes: lower envelope along {@code axis}, in place. Lines are taken in tiles of
     * up to {@code TILE} neighbours (consecutive inner positions), copied in and out row by row,
     * so a strided axis is read in contiguous runs instead of one element per page.
     */
    private static void envelopeOnLines(double[] sq, int[] dims, int axis, double w) {
        LineGeometry g = new LineGeometry(dims, axis);
        double w2 = w * w;
        int n = g.length;
        int tile = (int) Math.min(TILE, g.inner);
        long tilesPerSlab = (g.inner + tile - 1) / tile;
        long tiles = (g.lines / g.inner) * tilesPerSlab;
        Parallel.forRange(tiles, Math.max(1, LINE_GRAIN_ELEMENTS / ((long) n * tile)), (lo, hi) -> {
            double[] block = new double[n * tile];
            double[] f = new double[n];
            double[] d = new double[n];
            LowerEnvelope env = new LowerEnvelope(n);
            for (long t = lo; t < hi; t++) {
                long o = t / tilesPerSlab;
                long i0 = (t - o * tilesPerSlab) * tile;
                int width = (int) Math.min(tile, g.inner - i0);
                int base = (int) (o * n * g.inner + i0);
                int stride = (int) g.stride;
                for (int q = 0; q < n; q++) System.arraycopy(sq, base + q * stride, block, q * tile, width);
                for (int j = 0; j < width; j++) {
                    boolean anyFinite = false, anyNonZero = false;
                    for (int q = 0; q < n; q++) {
                        double v = block[q * tile + j];
                        f[q] = v;
                        anyFinite |= v != Double.POSITIVE_INFINITY;
                        anyNonZero |= v != 0;
                    }
                    if (!anyFinite || !anyNonZero) continue; // all-infinite or all-zero lines stay as they are
                    env.transform(f, d, n, w2);
                    for (int q = 0; q < n; q++) block[q * tile + j] = d[q];
                }
                for (int q = 0; q < n; q++) System.arraycopy(block, q * tile, sq, base + q * stride, width);
            }
        });
    }

    /**
     * Lines along one axis of a row-major array seen as (outer, length, inner). Consecutive
     * line numbers step through {@code inner} first, so neighbouring lines share cache lines.
     */
    static final class LineGeometry {
        final int length;
        final long inner, lines, stride;

        LineGeometry(int[] dims, int axis) {
            long in = 1, out = 1;
            for (int a = axis + 1; a < dims.length; a++) in *= dims[a];
            for (int a = 0; a < axis; a++) out *= dims[a];
            length = dims[axis];
            inner = in;
            stride = in;
            lines = out * in;
        }

        long base(long line) {
            long o = line / inner, i = line - o * inner;
            return o * length * inner + i;
        }
    }
}
