package org.voxelforge.core.cuda;

import org.voxelforge.core.DType;
import org.voxelforge.core.cuda.TensorKernels.View;

/**
 * Typed launchers of index_ops.cuh over a {@link KernelLauncher} (the GPU or the host emulator):
 * gather and its adjoint scatterAdd, indexSelect and its adjoint indexAdd, with int32 or int64
 * indices. References: the same ops of {@code Backends.cpu()} (core.cpu.CpuIndexOps; semantics in
 * org.voxelforge.core.Backend's javadoc). gather and indexSelect move element bits of any dtype
 * into a contiguous output; scatterAdd and indexAdd add float32 in place into a dst view, each dst
 * element owned by one thread that adds in index order: deterministic, no atomics, and bit for bit
 * the CPU's result.
 *
 * <p>Out-of-range indices. The CPU throws; a kernel cannot, so every launcher takes {@code bad}: a
 * device int64[2] the caller sets to {-1, 0} (or 0 for none, when the indices are known to be in
 * range). After the launches, bad[0] != -1 means an index was out of range: bad[0] is its flat
 * position in the index (row-major over index's shape), bad[1] its value, and the caller throws
 * {@link #outOfRange}, the CPU's exception. gather and indexSelect write 0 for a bad index; the adds
 * first check every index (vf_index_check) and then do nothing at all, so dst is unchanged, as on
 * the CPU.
 *
 * <p>Kernel parameters, in order (VfLayout&lt;K&gt;: tensor_ops.cuh's by-value shape and strides;
 * indexBytes 4 for int32, 8 for int64; grid-stride launches over n):
 * <pre>
 * vf_index_check(const void* index, int indexBytes, int64 axisLen, VfLayout&lt;1&gt; L (index), long long* bad, int64 n)
 * vf_gather(const void* x, int elementBytes, int64 xAxisStride, int64 axisLen, const void* index, int indexBytes,
 *           void* y, VfLayout&lt;2&gt; L (index's shape: index, x with 0 on the axis), long long* bad, int64 n)
 * vf_index_select(const void* x, int elementBytes, int64 xAxisStride, int64 axisLen, const void* index, int indexBytes,
 *                 int64 indexStride, void* y, int64 yAxisStride, VfLayout&lt;2&gt; L (other axes: y, x), int64 restN,
 *                 long long* bad, int64 n)                        n = len(index) * restN
 * vf_scatter_add_f32(float* dst, int64 dstAxisStride, int64 axisLen, const float* src, int64 srcAxisStride,
 *                    const void* index, int indexBytes, int64 indexAxisStride, int64 len,
 *                    VfLayout&lt;3&gt; L (index's other axes: index, src, dst), const long long* bad, int64 n)
 * vf_index_add_f32(float* dst, int64 dstAxisStride, const float* src, int64 srcAxisStride, const void* index,
 *                  int indexBytes, int64 indexStride, int64 len, VfLayout&lt;2&gt; L (other axes: dst, src), int64 restN,
 *                  const long long* bad, int64 n)                  n = dst.dim(axis) * restN
 * </pre>
 */
public final class IndexKernels {
    private final KernelLauncher launcher;

    public IndexKernels(KernelLauncher launcher) { this.launcher = launcher; }

    public IndexKernels(CudaKernels kernels) { this(kernels.launcher()); }

    /** The CPU's exception for {@code index} outside [0, axisLen) along {@code axis} of the tensor described. */
    public static IndexOutOfBoundsException outOfRange(String op, long index, int axis, String tensorDescription, int axisLen) {
        return new IndexOutOfBoundsException(op + ": index " + index + " is out of range for axis " + axis + " of " + tensorDescription
                + "; expected 0 <= index < " + axisLen);
    }

    /**
     * y (contiguous, index's shape, x's dtype) = x gathered along {@code axis} (PyTorch's gather):
     * index has x's rank and is no larger than x on the other axes (vf_gather). Returns y's shape.
     */
    public int[] gather(View x, DType dtype, int axis, View index, DType indexType, long y, long bad, long stream) {
        String op = "gather (vf_gather) of " + dtype.label() + x + " along axis " + axis + " by " + indexType.label() + index;
        checkAxis(op, x, axis);
        requireIndexType(op, indexType);
        if (index.rank() != x.rank()) throw new IllegalArgumentException(op + ": index must have the rank of x (" + x.rank() + ")");
        for (int d = 0; d < x.rank(); d++) {
            if (d != axis && index.dims()[d] > x.dims()[d]) {
                throw new IllegalArgumentException(op + ": index is larger than x at axis " + d + "; expected index.dim(d) <= x.dim(d) off the axis");
            }
        }
        long[] xs = x.strides().clone();
        xs[axis] = 0;
        StridedLayout l = StridedLayout.of(op, index.dims(), index.strides(), xs);
        long n = l.numel();
        if (n == 0) return index.dims();
        requirePointer(op, "x", x.ptr(), x.dims()[axis] > 0);
        requirePointer(op, "index", index.ptr(), true);
        requirePointer(op, "y", y, true);
        long xAxisStride = x.strides()[axis], axisLen = x.dims()[axis];
        launchGrid("vf_gather", n, stream, k -> k.ptr(x.ptr()).i32(dtype.byteSize()).i64(xAxisStride).i64(axisLen).ptr(index.ptr())
                .i32(indexType.byteSize()).ptr(y).i64s(l.pack()).ptr(bad).i64(n));
        return index.dims();
    }

    /**
     * y (contiguous, x's dtype) = the slices of x along {@code axis} picked by the rank-1 index, in
     * its order (vf_index_select). Returns y's shape (x's with len(index) on the axis).
     */
    public int[] indexSelect(View x, DType dtype, int axis, View index, DType indexType, long y, long bad, long stream) {
        String op = "indexSelect (vf_index_select) of " + dtype.label() + x + " along axis " + axis + " by " + indexType.label() + index;
        checkAxis(op, x, axis);
        requireIndexType(op, indexType);
        if (index.rank() != 1) throw new IllegalArgumentException(op + ": index must be rank 1");
        int len = index.dims()[0];
        int[] out = x.dims().clone();
        out[axis] = len;
        long[] ys = StridedLayout.contiguousStrides(out);
        StridedLayout l = StridedLayout.of(op, without(x.dims(), axis), without(ys, axis), without(x.strides(), axis));
        long restN = l.numel(), n = restN * len;
        if (n == 0) return out;
        requirePointer(op, "x", x.ptr(), x.dims()[axis] > 0);
        requirePointer(op, "index", index.ptr(), true);
        requirePointer(op, "y", y, true);
        long xAxisStride = x.strides()[axis], axisLen = x.dims()[axis], indexStride = index.strides()[0], yAxisStride = ys[axis];
        launchGrid("vf_index_select", n, stream, k -> k.ptr(x.ptr()).i32(dtype.byteSize()).i64(xAxisStride).i64(axisLen).ptr(index.ptr())
                .i32(indexType.byteSize()).i64(indexStride).ptr(y).i64(yAxisStride).i64s(l.pack()).i64(restN).ptr(bad).i64(n));
        return out;
    }

    /**
     * {@code dst[p with p[axis] := index[p]] += src[p]} for every p of index's shape, float32, in
     * place; index, src and dst have one rank, index is no larger than src on any axis nor than dst
     * off the axis (vf_index_check, then vf_scatter_add_f32).
     */
    public void scatterAdd(View dst, int axis, View index, DType indexType, View src, long bad, long stream) {
        String op = "scatterAdd (vf_scatter_add_f32) into float32 dst " + dst + " along axis " + axis + " by " + indexType.label() + index
                + " of src " + src;
        checkAxis(op, dst, axis);
        requireIndexType(op, indexType);
        requireWritable(op, dst);
        if (index.rank() != dst.rank() || src.rank() != dst.rank()) throw new IllegalArgumentException(op + ": dst, index and src must have one rank");
        for (int d = 0; d < dst.rank(); d++) {
            if (index.dims()[d] > src.dims()[d] || (d != axis && index.dims()[d] > dst.dims()[d])) {
                throw new IllegalArgumentException(op + ": index must be no larger than src on every axis and than dst off axis " + axis
                        + " (axis " + d + " is larger)");
            }
        }
        if (index.numel() == 0) return;
        requirePointer(op, "dst", dst.ptr(), true);
        requirePointer(op, "src", src.ptr(), true);
        requirePointer(op, "index", index.ptr(), true);
        long axisLen = dst.dims()[axis];
        check(op, index, indexType, axisLen, bad, stream);
        StridedLayout l = StridedLayout.of(op, without(index.dims(), axis), without(index.strides(), axis), without(src.strides(), axis),
                without(dst.strides(), axis));
        long n = l.numel(), len = index.dims()[axis];
        long dsa = dst.strides()[axis], ssa = src.strides()[axis], isa = index.strides()[axis];
        launchGrid("vf_scatter_add_f32", n, stream, k -> k.ptr(dst.ptr()).i64(dsa).i64(axisLen).ptr(src.ptr()).i64(ssa).ptr(index.ptr())
                .i32(indexType.byteSize()).i64(isa).i64(len).i64s(l.pack()).ptr(bad).i64(n));
    }

    /**
     * {@code dst.select(axis, index[j]) += src.select(axis, j)} for j &lt; len(index) in order, float32,
     * in place; src matches dst off the axis and has len(index) on it (vf_index_check, then
     * vf_index_add_f32).
     */
    public void indexAdd(View dst, int axis, View index, DType indexType, View src, long bad, long stream) {
        String op = "indexAdd (vf_index_add_f32) into float32 dst " + dst + " along axis " + axis + " by " + indexType.label() + index
                + " of src " + src;
        checkAxis(op, dst, axis);
        requireIndexType(op, indexType);
        requireWritable(op, dst);
        if (index.rank() != 1) throw new IllegalArgumentException(op + ": index must be rank 1");
        boolean ok = src.rank() == dst.rank() && src.dims()[axis] == index.dims()[0];
        for (int d = 0; ok && d < dst.rank(); d++) ok = d == axis || src.dims()[d] == dst.dims()[d];
        if (!ok) {
            throw new IllegalArgumentException(op + ": src must match dst outside axis " + axis + " and have index's length "
                    + index.dims()[0] + " on it");
        }
        int len = index.dims()[0];
        StridedLayout l = StridedLayout.of(op, without(dst.dims(), axis), without(dst.strides(), axis), without(src.strides(), axis));
        long restN = l.numel(), n = restN * dst.dims()[axis];
        if (n == 0 || len == 0) return;
        requirePointer(op, "dst", dst.ptr(), true);
        requirePointer(op, "src", src.ptr(), true);
        requirePointer(op, "index", index.ptr(), true);
        check(op, index, indexType, dst.dims()[axis], bad, stream);
        long dsa = dst.strides()[axis], ssa = src.strides()[axis], is = index.strides()[0];
        launchGrid("vf_index_add_f32", n, stream, k -> k.ptr(dst.ptr()).i64(dsa).ptr(src.ptr()).i64(ssa).ptr(index.ptr())
                .i32(indexType.byteSize()).i64(is).i64(len).i64s(l.pack()).i64(restN).ptr(bad).i64(n));
    }

    // ---- shared ---------------------------------------------------------------------------------

    /** vf_index_check over the whole index (none without a bad slot: the add kernel then skips bad indices). */
    private void check(String op, View index, DType indexType, long axisLen, long bad, long stream) {
        if (bad == 0) return;
        StridedLayout l = StridedLayout.of(op, index.dims(), index.strides());
        long n = l.numel();
        launchGrid("vf_index_check", n, stream,
                k -> k.ptr(index.ptr()).i32(indexType.byteSize()).i64(axisLen).i64s(l.pack()).ptr(bad).i64(n));
    }

    private void launchGrid(String kernel, long n, long stream, java.util.function.Consumer<KernelArgs> args) {
        LaunchConfig cfg = LaunchConfig.gridStride(n, launcher.multiprocessors());
        launcher.launch(kernel, cfg.blocks(), 1, 1, cfg.threads(), 1, 1, 0, stream, args);
    }

    private static void checkAxis(String op, View x, int axis) {
        if (axis < 0 || axis >= x.rank()) throw new IllegalArgumentException(op + ": axis must be in [0, " + x.rank() + ")");
    }

    private static void requireIndexType(String op, DType t) {
        if (t != DType.INT32 && t != DType.INT64) throw new IllegalArgumentException(op + ": index must be int64 or int32, got " + t.label());
    }

    /** In-place adds need one memory cell per element; a broadcast view would add into shared cells. */
    private static void requireWritable(String op, View dst) {
        for (int a = 0; a < dst.rank(); a++) {
            if (dst.strides()[a] == 0 && dst.dims()[a] > 1) {
                throw new IllegalArgumentException(op + ": dst is a broadcast view (stride 0 on axis " + a + "); write into a contiguous tensor instead");
            }
        }
    }

    private static void requirePointer(String op, String name, long p, boolean needed) {
        if (needed && p == 0) throw new IllegalArgumentException(op + ": " + name + " is a null device pointer");
    }

    private static int[] without(int[] a, int axis) {
        int[] out = new int[a.length - 1];
        for (int i = 0, j = 0; i < a.length; i++) if (i != axis) out[j++] = a[i];
        return out;
    }

    private static long[] without(long[] a, int axis) {
        long[] out = new long[a.length - 1];
        for (int i = 0, j = 0; i < a.length; i++) if (i != axis) out[j++] = a[i];
        return out;
    }
}
