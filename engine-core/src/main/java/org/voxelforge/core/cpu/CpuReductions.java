package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.DoubleBinaryOperator;
import org.voxelforge.core.DType;
import org.voxelforge.core.Parallel;
import org.voxelforge.core.ReduceOp;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/**
 * Reductions, arg-reductions, variance and softmax on the CPU.
 *
 * <p>Every op first views its input as {@link Rows}: the kept axes permuted to the front and
 * the reduced axes to the back, copied to contiguous memory only when that view is not, so
 * that each output element reduces one contiguous row. A row is cut into fixed blocks of
 * {@link #BLOCK} elements; blocks are reduced in parallel and their partials combined in block
 * order, so the bits of a result never depend on the number of threads.
 */
final class CpuReductions {
    private CpuReductions() {}

    /** Elements per block: the unit of work whose partial result is fixed whatever the thread count. */
    static final int BLOCK = 4096;

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    // ---- rows ------------------------------------------------------------------------------

    /** x as [outer, inner] contiguous rows; {@code copy} is non-null when a contiguous copy had to be made. */
    record Rows(MemorySegment seg, long base, DType dtype, long outer, int inner, Tensor copy) implements AutoCloseable {
        long rowStart(long row) { return base + row * inner; }

        @Override public void close() { if (copy != null) copy.close(); }

        static Rows of(Tensor x, int[] axes) {
            int r = x.rank();
            boolean[] reduced = new boolean[r];
            for (int a : axes) reduced[a] = true;
            int[] order = new int[r];
            int j = 0;
            long outer = 1, inner = 1;
            for (int a = 0; a < r; a++) if (!reduced[a]) { order[j++] = a; outer *= x.dim(a); }
            for (int a = 0; a < r; a++) if (reduced[a]) { order[j++] = a; inner *= x.dim(a); }
            if (inner > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("reduction over " + inner + " elements of " + x.describe()
                        + " in one row is not supported (at most 2^31 - 1); reduce in two steps");
            }
            try (TensorScope scope = new TensorScope(); Tensor p = x.permute(order)) {
                Tensor c = p.isContiguous() ? null : scope.retain(CpuElementwise.cast(p, x.dtype()));
                Tensor src = c == null ? p : c;
                return new Rows(src.segment(), src.offset(), x.dtype(), outer, (int) inner, c);
            }
        }
    }

    /** Shape of a reduction's output: reduced axes removed, or kept as size 1. */
    static Shape reducedShape(Shape s, int[] axes, boolean keepDims) {
        boolean[] reduced = new boolean[s.rank()];
        for (int a : axes) reduced[a] = true;
        int[] d = s.dims();
        int n = 0;
        for (int a = 0; a < d.length; a++) if (keepDims || !reduced[a]) n++;
        int[] out = new int[n];
        for (int a = 0, j = 0; a < d.length; a++) {
            if (!reduced[a]) out[j++] = d[a];
            else if (keepDims) out[j++] = 1;
        }
        return Shape.of(out);
    }

    // ---- the block engine ------------------------------------------------------------------

    /** Partial result over elements [lo, hi) of a row. */
    @FunctionalInterface
    interface BlockFn {
        double apply(long row, int lo, int hi);
    }

    /**
     * For each of {@code outer} rows of {@code inner} elements, folds {@code combine} over the
     * partials of its blocks in block order, starting from {@code init}. Blocks are spread over
     * threads {@code grainBlocks} at a time; the result does not depend on that split.
     */
    static double[] reduceRows(long outer, int inner, BlockFn block, DoubleBinaryOperator combine, double init, long grainBlocks) {
        int nb = (inner + BLOCK - 1) / BLOCK;
        double[] partial = new double[Math.toIntExact(outer * nb)];
        Parallel.forRange((long) outer * nb, grainBlocks, (lo, hi) -> {
            for (long t = lo; t < hi; t++) {
                long row = t / nb;
                int b = (int) (t % nb);
                partial[(int) t] = block.apply(row, b * BLOCK, Math.min(inner, (b + 1) * BLOCK));
            }
        });
        double[] out = new double[Math.toIntExact(outer)];
        for (int row = 0; row < outer; row++) {
            double acc = init;
            for (int b = 0; b < nb; b++) acc = combine.applyAsDouble(acc, partial[row * nb + b]);
            out[row] = acc;
        }
        return out;
    }

    /** Enough blocks per task that a task covers about CpuElementwise.GRAIN elements. */
    static long grainBlocks(int inner) {
        return Math.max(1, CpuElementwise.GRAIN / Math.max(1, Math.min(inner, BLOCK)));
    }

    // ---- reduce ----------------------------------------------------------------------------

    static DType reduceResultType(ReduceOp op, DType in) {
        if (in.isFloatingPoint()) return in;
        return switch (op) {
            case SUM, PROD -> DType.INT64;
            case MEAN -> DType.FLOAT32;
            case MAX, MIN -> in;
        };
    }

    static Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepDims) {
        Tensor out = CpuElementwise.newTensor(reduceResultType(op, x.dtype()), reducedShape(x.shape(), axes, keepDims));
        try (Rows rows = Rows.of(x, axes)) {
            MemorySegment os = out.segment();
            if (!x.dtype().isFloatingPoint() && op != ReduceOp.MEAN) {
                long[] r = reduceRowsExact(op, rows);
                for (int i = 0; i < r.length; i++) out.dtype().setLong(os, i, r[i]);
            } else {
                double[] r = reduceRowsDouble(op, rows, grainBlocks(rows.inner()));
                for (int i = 0; i < r.length; i++) out.dtype().set(os, i, r[i]);
            }
        }
        return out;
    }

    /** SUM/MEAN/MAX/MIN/PROD of each row accumulated in double (float32/float64 rows use the vector kernels). */
    static double[] reduceRowsDouble(ReduceOp op, Rows rows, long grainBlocks) {
        VectorKernels k = VectorKernels.get();
        MemorySegment s = rows.seg();
        DType t = rows.dtype();
        BlockFn generic = switch (op) {
            case SUM, MEAN -> (row, lo, hi) -> {
                long p = rows.rowStart(row);
                if (t == DType.FLOAT32) return k.sumF32(s, p + lo, hi - lo);
                if (t == DType.FLOAT64) return k.sumF64(s, p + lo, hi - lo);
                double acc = 0;
                for (int i = lo; i < hi; i++) acc += t.get(s, p + i);
                return acc;
            };
            case PROD -> (row, lo, hi) -> {
                long p = rows.rowStart(row);
                double acc = 1;
                for (int i = lo; i < hi; i++) acc *= t.get(s, p + i);
                return acc;
            };
            case MAX, MIN -> {
                boolean max = op == ReduceOp.MAX;
                yield (row, lo, hi) -> {
                    long p = rows.rowStart(row);
                    if (t == DType.FLOAT32) return max ? k.maxF32(s, p + lo, hi - lo) : k.minF32(s, p + lo, hi - lo);
                    double acc = t.get(s, p + lo);
                    for (int i = lo + 1; i < hi; i++) acc = max ? Math.max(acc, t.get(s, p + i)) : Math.min(acc, t.get(s, p + i));
                    return acc;
                };
            }
        };
        double[] r = switch (op) {
            case SUM, MEAN -> reduceRows(rows.outer(), rows.inner(), generic, Double::sum, 0, grainBlocks);
            case PROD -> reduceRows(rows.outer(), rows.inner(), generic, (a, b) -> a * b, 1, grainBlocks);
            case MAX -> reduceRows(rows.outer(), rows.inner(), generic, Math::max, Double.NEGATIVE_INFINITY, grainBlocks);
            case MIN -> reduceRows(rows.outer(), rows.inner(), generic, Math::min, Double.POSITIVE_INFINITY, grainBlocks);
        };
        if (op == ReduceOp.MEAN) for (int i = 0; i < r.length; i++) r[i] /= rows.inner(); // 0/0 = NaN for an empty mean
        return r;
    }

    /** Integer and bool rows in long arithmetic: exact, so any order gives the same result. */
    private static long[] reduceRowsExact(ReduceOp op, Rows rows) {
        long[] out = new long[Math.toIntExact(rows.outer())];
        MemorySegment s = rows.seg();
        DType t = rows.dtype();
        int n = rows.inner();
        Parallel.forRange(rows.outer(), Math.max(1, CpuElementwise.GRAIN / Math.max(1, n)), (lo, hi) -> {
            for (long row = lo; row < hi; row++) {
                long p = rows.rowStart(row);
                long acc = switch (op) {
                    case SUM -> 0;
                    case PROD -> 1;
                    case MAX -> Long.MIN_VALUE;
                    default -> Long.MAX_VALUE;
                };
                for (int i = 0; i < n; i++) {
                    long v = t.getLong(s, p + i);
                    acc = switch (op) {
                        case SUM -> acc + v;
                        case PROD -> acc * v;
                        case MAX -> Math.max(acc, v);
                        default -> Math.min(acc, v);
                    };
                }
                out[(int) row] = acc;
            }
        });
        return out;
    }

    // ---- argmax / argmin -------------------------------------------------------------------

    /** First index of the max (or min) along {@code axis}; a NaN counts as both, so the first NaN wins (as in PyTorch). */
    static Tensor argReduce(boolean max, Tensor x, int axis, boolean keepDim) {
        int[] axes = {axis};
        Tensor out = CpuElementwise.newTensor(DType.INT64, reducedShape(x.shape(), axes, keepDim));
        MemorySegment os = out.segment();
        try (Rows rows = Rows.of(x, axes)) {
            MemorySegment s = rows.seg();
            DType t = rows.dtype();
            int n = rows.inner();
            Parallel.forRange(rows.outer(), Math.max(1, CpuElementwise.GRAIN / Math.max(1, n)), (lo, hi) -> {
                for (long row = lo; row < hi; row++) {
                    long p = rows.rowStart(row);
                    int best = 0;
                    if (t == DType.INT64) {
                        long bv = t.getLong(s, p);
                        for (int i = 1; i < n; i++) {
                            long v = t.getLong(s, p + i);
                            if (max ? v > bv : v < bv) { bv = v; best = i; }
                        }
                    } else {
                        double bv = t.get(s, p);
                        for (int i = 1; i < n && !Double.isNaN(bv); i++) {
                            double v = t.get(s, p + i);
                            if (Double.isNaN(v) || (max ? v > bv : v < bv)) { bv = v; best = i; }
                        }
                    }
                    os.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, row, best);
                }
            });
        }
        return out;
    }

    // ---- variance --------------------------------------------------------------------------

    /** Two passes in double: the mean, then the sum of squared deviations, divided by max(0, n - correction). */
    static Tensor variance(Tensor x, int[] axes, int correction, boolean keepDims) {
        DType ot = x.dtype().isFloatingPoint() ? x.dtype() : DType.FLOAT32;
        Tensor out = CpuElementwise.newTensor(ot, reducedShape(x.shape(), axes, keepDims));
        try (Rows rows = Rows.of(x, axes)) {
            double[] r = varianceRows(rows, correction, grainBlocks(rows.inner()));
            MemorySegment os = out.segment();
            for (int i = 0; i < r.length; i++) ot.set(os, i, r[i]);
        }
        return out;
    }

    static double[] varianceRows(Rows rows, int correction, long grainBlocks) {
        double[] mean = reduceRowsDouble(ReduceOp.MEAN, rows, grainBlocks);
        MemorySegment s = rows.seg();
        DType t = rows.dtype();
        double[] ss = reduceRows(rows.outer(), rows.inner(), (row, lo, hi) -> {
            long p = rows.rowStart(row);
            double m = mean[(int) row], acc = 0;
            if (t == DType.FLOAT32) {
                for (int i = lo; i < hi; i++) { double d = s.getAtIndex(F, p + i) - m; acc += d * d; }
            } else {
                for (int i = lo; i < hi; i++) { double d = t.get(s, p + i) - m; acc += d * d; }
            }
            return acc;
        }, Double::sum, 0, grainBlocks);
        double denom = Math.max(0, rows.inner() - correction);
        for (int i = 0; i < ss.length; i++) ss[i] /= denom;
        return ss;
    }

    // ---- softmax ---------------------------------------------------------------------------

    /** Softmax (or log-softmax) along {@code axis}: subtract the row max, exponentiate, normalize, in double. */
    static Tensor softmax(Tensor x, int axis, boolean log) {
        DType t = x.dtype();
        int r = x.rank();
        if (t == DType.FLOAT32 && axis < r - 1 && x.isContiguous()) return softmaxStridedF32(x, axis, log);
        int[] order = new int[r]; // axis last
        for (int a = 0, j = 0; a < r; a++) if (a != axis) order[j++] = a;
        order[r - 1] = axis;
        int[] pd = new int[r];
        for (int i = 0; i < r; i++) pd[i] = x.dim(order[i]);
        Tensor buf = CpuElementwise.newTensor(t, Shape.of(pd));
        MemorySegment bs = buf.segment();
        try (Rows rows = Rows.of(x, new int[] {axis})) {
            MemorySegment s = rows.seg();
            int n = rows.inner();
            Parallel.forRange(rows.outer(), Math.max(1, CpuElementwise.GRAIN / Math.max(1, n)), (lo, hi) -> {
                for (long row = lo; row < hi; row++) {
                    long p = rows.rowStart(row), q = row * n;
                    double m = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i < n; i++) {
                        double v = t.get(s, p + i);
                        m = Double.isNaN(v) || Double.isNaN(m) ? Double.NaN : Math.max(m, v);
                    }
                    double sum = 0;
                    for (int i = 0; i < n; i++) sum += Math.exp(t.get(s, p + i) - m);
                    double logSum = Math.log(sum);
                    for (int i = 0; i < n; i++) {
                        double z = t.get(s, p + i) - m;
                        t.set(bs, q + i, log ? z - logSum : Math.exp(z) / sum);
                    }
                }
            });
        }
        if (axis == r - 1) return buf;
        int[] inverse = new int[r];
        for (int i = 0; i < r; i++) inverse[order[i]] = i;
        Tensor out = CpuElementwise.newTensor(t, x.shape());
        try (buf; Tensor back = buf.permute(inverse)) {
            CpuElementwise.copyInto(out, back);
        }
        return out;
    }

    /**
     * Softmax along a non-last axis of a contiguous float32 tensor, read in place as
     * [outer, n, inner]: no permuted copies (the channel axis of [N, C, D, H, W] logits is the
     * common case). Same arithmetic as the row path (max, then exp sums in double, then
     * exp(z)/sum), and each output's summation order is fixed, so results match it bit for bit.
     */
    private static Tensor softmaxStridedF32(Tensor x, int axis, boolean log) {
        int n = x.dim(axis);
        long inner = 1, outer = 1;
        for (int a = axis + 1; a < x.rank(); a++) inner *= x.dim(a);
        for (int a = 0; a < axis; a++) outer *= x.dim(a);
        Tensor out = CpuElementwise.newTensor(DType.FLOAT32, x.shape());
        if (out.numel() == 0) return out;
        MemorySegment s = x.segment(), d = out.segment();
        long base = x.offset();
        final long innerLen = inner;
        final int tile = 1024;
        long tiles = (inner + tile - 1) / tile;
        Parallel.forRange(outer * tiles, Math.max(1, CpuElementwise.GRAIN / ((long) n * tile)), (lo, hi) -> {
            double[] m = new double[tile], sum = new double[tile];
            for (long job = lo; job < hi; job++) {
                long o = job / tiles, i0 = (job % tiles) * tile;
                int len = (int) Math.min(tile, innerLen - i0);
                long block = o * n * innerLen + i0;
                java.util.Arrays.fill(m, 0, len, Double.NEGATIVE_INFINITY);
                java.util.Arrays.fill(sum, 0, len, 0.0);
                for (int k = 0; k < n; k++) {
                    long p = base + block + k * innerLen;
                    for (int i = 0; i < len; i++) m[i] = Math.max(m[i], s.getAtIndex(ValueLayout.JAVA_FLOAT, p + i));
                }
                for (int k = 0; k < n; k++) {
                    long p = base + block + k * innerLen;
                    for (int i = 0; i < len; i++) sum[i] += Math.exp(s.getAtIndex(ValueLayout.JAVA_FLOAT, p + i) - m[i]);
                }
                for (int k = 0; k < n; k++) {
                    long p = base + block + k * innerLen, q = block + k * innerLen;
                    for (int i = 0; i < len; i++) {
                        double z = s.getAtIndex(ValueLayout.JAVA_FLOAT, p + i) - m[i];
                        d.setAtIndex(ValueLayout.JAVA_FLOAT, q + i, (float) (log ? z - Math.log(sum[i]) : Math.exp(z) / sum[i]));
                    }
                }
            }
        });
        return out;
    }
}
