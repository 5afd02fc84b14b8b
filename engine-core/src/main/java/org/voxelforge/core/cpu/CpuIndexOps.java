package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import org.voxelforge.core.DType;
import org.voxelforge.core.Parallel;
import org.voxelforge.core.Shape;
import org.voxelforge.core.ShapeMismatchException;
import org.voxelforge.core.Tensor;

/**
 * Index-driven data movement on the CPU: gather and its adjoint scatterAdd, indexSelect and its
 * adjoint indexAdd, and oneHot.
 *
 * <p>The in-place adds (scatterAdd, indexAdd) check every index before writing anything, and
 * split work only over positions that write distinct destination elements; each destination
 * element receives its contributions in index order, so results do not depend on thread count.
 */
final class CpuIndexOps {
    private CpuIndexOps() {}

    // ---- gather / scatterAdd ---------------------------------------------------------------

    /** {@code out[p] = x[p with p[axis] := index[p]]} over index's shape (PyTorch's gather). */
    static Tensor gather(Tensor x, int axis, Tensor index) {
        Tensor out = CpuBackend.INSTANCE.zeros(x.dtype(), index.shape());
        int n = x.dim(axis);
        long xAxisStride = x.stride(axis);
        long[] xs = x.strides();
        xs[axis] = 0; // x's base for the other coordinates; the axis coordinate comes from the index
        long[][] strides = {out.strides(), index.strides(), xs};
        long[] bases = {0, index.offset(), x.offset()};
        MemorySegment o = out.segment(), is = index.segment(), s = x.segment();
        DType it = index.dtype();
        int bytes = x.dtype().byteSize();
        int[] dims = index.dims();
        StridedCopy.forRangeRethrowing(index.numel(), StridedCopy.GRAIN, (lo, hi) -> StridedLoop.run(dims, strides, bases, lo, hi,
                (flat, len, offs, inc) -> {
                    long d = offs[0], ip = offs[1], xp = offs[2];
                    for (int i = 0; i < len; i++, d += inc[0], ip += inc[1], xp += inc[2]) {
                        long k = it.getLong(is, ip);
                        if (k < 0 || k >= n) throw outOfRange("gather", k, n, axis, x);
                        StridedCopy.copyElement(o, d, s, xp + k * xAxisStride, bytes);
                    }
                }));
        return out;
    }

    /** {@code dst[p with p[axis] := index[p]] += src[p]} over index's shape, in place. */
    static void scatterAdd(Tensor dst, int axis, Tensor index, Tensor src) {
        String op = "scatterAdd";
        requireIndexDType(op, index);
        requireSameDType(op, dst, src);
        requireWritable(op, dst);
        if (index.rank() != dst.rank() || src.rank() != dst.rank()) {
            throw new ShapeMismatchException(op + ": dst " + dst.describe() + ", index " + index.describe() + " and src "
                    + src.describe() + " must have one rank");
        }
        for (int d = 0; d < dst.rank(); d++) {
            if (index.dim(d) > src.dim(d) || (d != axis && index.dim(d) > dst.dim(d))) {
                throw new ShapeMismatchException(op + ": index " + index.shape() + " must be no larger than src "
                        + src.shape() + " on every axis and than dst " + dst.shape() + " outside axis " + axis
                        + " (axis " + d + " is larger)");
            }
        }
        int n = dst.dim(axis);
        checkAll(op, index, n, axis, dst);
        // walk index's shape without the axis; each position owns one line of dst along the axis
        int[] dims = without(index.dims(), axis);
        long[][] strides = {without(index.strides(), axis), without(src.strides(), axis), without(dst.strides(), axis)};
        long[] bases = {index.offset(), src.offset(), dst.offset()};
        int len = index.dim(axis);
        long isa = index.stride(axis), ssa = src.stride(axis), dsa = dst.stride(axis);
        MemorySegment is = index.segment(), ss = src.segment(), ds = dst.segment();
        DType it = index.dtype(), dt = dst.dtype();
        long positions = Shape.of(dims).numel();
        Parallel.forRange(positions, Math.max(1, StridedCopy.GRAIN / Math.max(1, len)), (lo, hi) ->
                StridedLoop.run(dims, strides, bases, lo, hi, (flat, rowLen, offs, inc) -> {
                    for (int p = 0; p < rowLen; p++) {
                        long ib = offs[0] + p * inc[0], sb = offs[1] + p * inc[1], db = offs[2] + p * inc[2];
                        for (int j = 0; j < len; j++) {
                            long k = it.getLong(is, ib + j * isa);
                            addInto(dt, ds, db + k * dsa, ss, sb + j * ssa);
                        }
                    }
                }));
        dst.storage().bumpVersion();
    }

    // ---- indexSelect / indexAdd ------------------------------------------------------------

    /** Whole slices of x along {@code axis}, in the order of the rank-1 index. */
    static Tensor indexSelect(Tensor x, int axis, Tensor index) {
        long[] picks = indexValues("indexSelect", index, x.dim(axis), axis, x);
        int k = picks.length;
        Tensor out = CpuBackend.INSTANCE.zeros(x.dtype(), x.shape().withDim(axis, k));
        if (out.numel() == 0) return out;
        long xsa = x.stride(axis);
        for (int i = 0; i < k; i++) picks[i] *= xsa; // storage offset of each chosen slice
        // iterate [k, other axes...]; a trailing 1 keeps every row inside one slice when x is rank 1
        int[] rest = without(x.dims(), axis);
        long[] os = without(out.strides(), axis), xs = without(x.strides(), axis);
        if (rest.length == 0) { rest = new int[] {1}; os = new long[] {1}; xs = new long[] {1}; }
        int[] dims = prepend(k, rest);
        long[][] strides = {prepend(out.stride(axis), os), prepend(0, xs)};
        long[] bases = {0, x.offset()};
        long perSlice = Shape.of(rest).numel();
        MemorySegment o = out.segment(), s = x.segment();
        int bytes = x.dtype().byteSize();
        Parallel.forRange(out.numel(), StridedCopy.GRAIN, (lo, hi) -> StridedLoop.run(dims, strides, bases, lo, hi,
                (flat, len, offs, inc) -> StridedCopy.copyRow(o, offs[0], inc[0], s, offs[1] + picks[(int) (flat / perSlice)],
                        inc[1], len, bytes)));
        return out;
    }

    /** {@code dst.select(axis, index[k]) += src.select(axis, k)} for each k, in place. */
    static void indexAdd(Tensor dst, int axis, Tensor index, Tensor src) {
        String op = "indexAdd";
        requireIndexDType(op, index);
        requireSameDType(op, dst, src);
        requireWritable(op, dst);
        if (index.rank() != 1) throw new ShapeMismatchException(op + ": index must be rank 1, got " + index.describe());
        boolean ok = src.rank() == dst.rank() && src.dim(axis) == index.dim(0);
        for (int d = 0; ok && d < dst.rank(); d++) ok = d == axis || src.dim(d) == dst.dim(d);
        if (!ok) {
            throw new ShapeMismatchException(op + ": src " + src.shape() + " must match dst " + dst.shape() + " outside axis "
                    + axis + " and have index's length " + index.dim(0) + " on it");
        }
        long[] picks = indexValues(op, index, dst.dim(axis), axis, dst);
        int k = picks.length;
        long dsa = dst.stride(axis), ssa = src.stride(axis);
        int[] dims = without(src.dims(), axis);
        long[][] strides = {without(dst.strides(), axis), without(src.strides(), axis)};
        long[] bases = {dst.offset(), src.offset()};
        MemorySegment ds = dst.segment(), ss = src.segment();
        DType dt = dst.dtype();
        long positions = Shape.of(dims).numel();
        // split over the other axes only: slices with a repeated index land on the same elements
        Parallel.forRange(positions, Math.max(1, StridedCopy.GRAIN / Math.max(1, k)), (lo, hi) ->
                StridedLoop.run(dims, strides, bases, lo, hi, (flat, len, offs, inc) -> {
                    for (int j = 0; j < k; j++) {
                        long d = offs[0] + picks[j] * dsa, s = offs[1] + j * ssa;
                        for (int i = 0; i < len; i++, d += inc[0], s += inc[1]) addInto(dt, ds, d, ss, s);
                    }
                }));
        dst.storage().bumpVersion();
    }

    // ---- oneHot ----------------------------------------------------------------------------

    /** 1 at the label's class along a new axis {@code axis} of the output, 0 elsewhere. */
    static Tensor oneHot(Tensor labels, int numClasses, int axis, DType dtype) {
        int[] ld = labels.dims();
        int[] od = new int[ld.length + 1];
        for (int i = 0, j = 0; i < od.length; i++) od[i] = i == axis ? numClasses : ld[j++];
        Tensor out = CpuBackend.INSTANCE.zeros(dtype, Shape.of(od));
        long[] os = out.strides();
        long classStride = os[axis];
        long[][] strides = {labels.strides(), without(os, axis)};
        long[] bases = {labels.offset(), 0};
        MemorySegment ls = labels.segment(), o = out.segment();
        DType lt = labels.dtype();
        StridedCopy.forRangeRethrowing(labels.numel(), StridedCopy.GRAIN, (lo, hi) -> StridedLoop.run(ld, strides, bases, lo, hi,
                (flat, len, offs, inc) -> {
                    long l = offs[0], d = offs[1];
                    for (int i = 0; i < len; i++, l += inc[0], d += inc[1]) {
                        long c = lt.getLong(ls, l);
                        if (c < 0 || c >= numClasses) {
                            throw new IllegalArgumentException("oneHot: label " + c + " (at flat position " + (flat + i)
                                    + " of " + labels.describe() + ") is outside [0, " + numClasses + "); numClasses = "
                                    + numClasses + " must exceed every label");
                        }
                        dtype.set(o, d + c * classStride, 1.0);
                    }
                }));
        return out;
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** dst[di] += src[si] in dst's dtype: exact long arithmetic for integers, double for floats. */
    private static void addInto(DType dt, MemorySegment d, long di, MemorySegment s, long si) {
        if (dt.isFloatingPoint()) dt.set(d, di, dt.get(d, di) + dt.get(s, si));
        else dt.setLong(d, di, dt.getLong(d, di) + dt.getLong(s, si));
    }

    private static IndexOutOfBoundsException outOfRange(String op, long k, int n, int axis, Tensor t) {
        return new IndexOutOfBoundsException(op + ": index " + k + " is out of range for axis " + axis + " of "
                + t.describe() + "; expected 0 <= index < " + n);
    }

    /** Checks every value of an index tensor (any shape) before an in-place write. */
    private static void checkAll(String op, Tensor index, int n, int axis, Tensor t) {
        MemorySegment is = index.segment();
        DType it = index.dtype();
        int[] dims = index.dims();
        long[][] strides = {index.strides()};
        long[] bases = {index.offset()};
        StridedCopy.forRangeRethrowing(index.numel(), StridedCopy.GRAIN, (lo, hi) -> StridedLoop.run(dims, strides, bases, lo, hi,
                (flat, len, offs, inc) -> {
                    long p = offs[0];
                    for (int i = 0; i < len; i++, p += inc[0]) {
                        long k = it.getLong(is, p);
                        if (k < 0 || k >= n) throw outOfRange(op, k, n, axis, t);
                    }
                }));
    }

    /** The values of a rank-1 index, each checked against [0, n). */
    private static long[] indexValues(String op, Tensor index, int n, int axis, Tensor t) {
        requireIndexDType(op, index);
        if (index.rank() != 1) throw new ShapeMismatchException(op + ": index must be rank 1, got " + index.describe());
        long[] v = index.toLongArray();
        for (long k : v) if (k < 0 || k >= n) throw outOfRange(op, k, n, axis, t);
        return v;
    }

    private static void requireIndexDType(String op, Tensor index) {
        if (index.dtype() != DType.INT64 && index.dtype() != DType.INT32) {
            throw new IllegalArgumentException(op + ": index must be int64 or int32, got " + index.describe());
        }
    }

    private static void requireSameDType(String op, Tensor dst, Tensor src) {
        if (dst.dtype() != src.dtype()) {
            throw new IllegalArgumentException(op + ": src " + src.describe() + " must have dst's dtype, got dst "
                    + dst.describe() + "; cast src first");
        }
    }

    /** In-place adds need one memory cell per element; a broadcast view would add into shared cells. */
    private static void requireWritable(String op, Tensor dst) {
        long[] st = dst.strides();
        for (int a = 0; a < st.length; a++) {
            if (st[a] == 0 && dst.dim(a) > 1) {
                throw new IllegalArgumentException(op + ": dst " + dst.describe() + " is a broadcast view (stride 0 on axis "
                        + a + "); write into a contiguous tensor instead");
            }
        }
    }

    static int[] without(int[] a, int axis) {
        int[] out = new int[a.length - 1];
        for (int i = 0, j = 0; i < a.length; i++) if (i != axis) out[j++] = a[i];
        return out;
    }

    static long[] without(long[] a, int axis) {
        long[] out = new long[a.length - 1];
        for (int i = 0, j = 0; i < a.length; i++) if (i != axis) out[j++] = a[i];
        return out;
    }

    private static int[] prepend(int v, int[] a) {
        int[] out = new int[a.length + 1];
        out[0] = v;
        System.arraycopy(a, 0, out, 1, a.length);
        return out;
    }

    private static long[] prepend(long v, long[] a) {
        long[] out = new long[a.length + 1];
        out[0] = v;
        System.arraycopy(a, 0, out, 1, a.length);
        return out;
    }
}
