package org.voxelforge.core.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import org.voxelforge.core.BinaryOp;
import org.voxelforge.core.DType;
import org.voxelforge.core.ReduceOp;
import org.voxelforge.core.UnaryOp;

/**
 * Typed launchers of the engine-core tensor kernels (tensor_ops.cuh, reduce_ops.cuh) over a
 * {@link KernelLauncher} (the GPU or the host emulator): strided elementwise ops with
 * broadcasting, copy and cast, concat, constant pad, one-hot, reductions, arg-reductions,
 * variance, softmax and its backward; also binary with a scalar, leakyRelu's backward and fill
 * (their kernel parameters are listed on each method). The reference of each is the same op of
 * {@code Backends.cpu()} (org.voxelforge.core.Backend's javadoc gives the semantics).
 *
 * <p>Operands are {@link View}s: a device pointer at the view's element 0, its shape, and its
 * strides in elements (any: broadcast 0, permuted, negative). Outputs are contiguous row-major
 * buffers at a device pointer, except {@link #copy}'s, which may be any view. Elementwise and
 * reduction kernels are float32 (comparisons write bool, argmax int64); copy, cast, concat and pad
 * take every DType. Launches go on {@code stream} in order; nothing here reads device memory.
 * Shapes are coalesced first ({@link StridedLayout}); at most 6 axes must remain.
 */
public final class TensorKernels {
    /** How a reduction maps rows to threads; AUTO picks by row length (tests force each form). */
    enum Rows { AUTO, THREAD, BLOCK }

    /** Rows at least this long get a block each (VF_RED_THREADS threads); shorter ones a thread each. */
    static final long BLOCK_ROW_MIN = 512;
    /** VF_RED_THREADS in reduce_ops.cuh. */
    static final int RED_THREADS = 256;

    private final KernelLauncher launcher;
    private final Rows rows;

    public TensorKernels(KernelLauncher launcher) { this(launcher, Rows.AUTO); }

    public TensorKernels(CudaKernels kernels) { this(kernels.launcher()); }

    private TensorKernels(KernelLauncher launcher, Rows rows) {
        this.launcher = launcher;
        this.rows = rows;
    }

    /** The same launchers with the reduction form forced (for tests that compare both forms). */
    TensorKernels withRows(Rows forced) { return new TensorKernels(launcher, forced); }

    /** A strided operand: device pointer of element 0, shape, strides in elements (one per axis). */
    public record View(long ptr, int[] dims, long[] strides) {
        public View {
            if (dims == null || strides == null || dims.length != strides.length) {
                throw new IllegalArgumentException("view: dims " + Arrays.toString(dims) + " and strides " + Arrays.toString(strides)
                        + " must both be given, one stride per axis");
            }
            for (int d : dims) if (d < 0) throw new IllegalArgumentException("view: negative size in " + Arrays.toString(dims));
            dims = dims.clone();
            strides = strides.clone();
        }

        /** A contiguous row-major buffer. */
        public static View contiguous(long ptr, int... dims) { return new View(ptr, dims, StridedLayout.contiguousStrides(dims)); }

        public long numel() {
            long n = 1;
            for (int d : dims) n = Math.multiplyExact(n, d);
            return n;
        }

        int rank() { return dims.length; }

        @Override public String toString() { return Arrays.toString(dims) + " strides " + Arrays.toString(strides); }
    }

    // ---- elementwise (float32; y contiguous over the broadcast shape) ------------------------------

    /** y = op(x) over x's shape (vf_unary_strided_f32). */
    public void unary(UnaryOp op, View x, long y, long stream) {
        String name = "unary " + op.label() + " (vf_unary_strided_f32) of " + x;
        launchElementwise(name, "vf_unary_strided_f32", x.dims, y, stream, new View[] {x}, k -> k.i32(op.ordinal()).ptr(x.ptr).ptr(y));
    }

    /** y = x > 0 ? x : slope * x (vf_leaky_relu_strided_f32). */
    public void leakyRelu(View x, float slope, long y, long stream) {
        launchElementwise("leakyRelu (vf_leaky_relu_strided_f32) of " + x, "vf_leaky_relu_strided_f32", x.dims, y, stream,
                new View[] {x}, k -> k.ptr(x.ptr).ptr(y).f32(slope));
    }

    /**
     * y = x &gt; 0 ? grad : slope * grad (NaN x takes the slope branch), leakyRelu's (and relu's, slope
     * 0) backward; x and grad of one shape, any strides (vf_leaky_relu_backward_strided_f32:
     * const float* x, const float* grad, float* y, float slope, VfLayout&lt;2&gt; (x, grad), int64 n).
     */
    public void leakyReluBackward(View x, View grad, float slope, long y, long stream) {
        String name = "leakyReluBackward (vf_leaky_relu_backward_strided_f32) of x " + x + " and grad " + grad;
        if (!Arrays.equals(x.dims, grad.dims)) throw new IllegalArgumentException(name + ": x and grad must have the same shape");
        launchElementwise(name, "vf_leaky_relu_backward_strided_f32", x.dims, y, stream, new View[] {x, grad},
                k -> k.ptr(x.ptr).ptr(grad.ptr).ptr(y).f32(slope));
    }

    /** y = min(max(x, lo), hi), a NaN bound meaning none (vf_clamp_strided_f32). */
    public void clamp(View x, float lo, float hi, long y, long stream) {
        launchElementwise("clamp (vf_clamp_strided_f32) of " + x, "vf_clamp_strided_f32", x.dims, y, stream,
                new View[] {x}, k -> k.ptr(x.ptr).ptr(y).f32(lo).f32(hi));
    }

    /**
     * y = a op b over the broadcast shape of a and b (returned), NumPy's rule. Arithmetic writes a
     * float32 y; comparisons write a bool (one byte 0/1) y, as Backend.binary (vf_binary_strided_f32).
     */
    public int[] binary(BinaryOp op, View a, View b, long y, long stream) {
        String name = "binary " + op.label() + " (vf_binary_strided_f32) of a " + a + " and b " + b;
        int[] out = StridedLayout.broadcastShape(name, a.dims, b.dims);
        launchElementwise(name, "vf_binary_strided_f32", out, y, stream, new View[] {a, b},
                k -> k.i32(op.ordinal()).ptr(a.ptr).ptr(b.ptr).ptr(y));
        return out;
    }

    /**
     * y = x op s over x's shape, s rounded to float as Backend.binaryScalar does for a float32 x;
     * arithmetic writes a float32 y, comparisons a bool y (vf_binary_scalar_strided_f32: int op,
     * const float* x, double s, void* y, VfLayout&lt;1&gt; (x), int64 n).
     */
    public void binaryScalar(BinaryOp op, View x, double s, long y, long stream) {
        String name = "binaryScalar " + op.label() + " (vf_binary_scalar_strided_f32) of " + x + " and " + s;
        launchElementwise(name, "vf_binary_scalar_strided_f32", x.dims, y, stream, new View[] {x},
                k -> k.i32(op.ordinal()).ptr(x.ptr).f64(s).ptr(y));
    }

    /** y = cond ? a : b over the broadcast shape of the three (returned); cond is bool or uint8 (vf_where_strided_f32). */
    public int[] where(View cond, View a, View b, long y, long stream) {
        String name = "where (vf_where_strided_f32) of cond " + cond + ", a " + a + ", b " + b;
        int[] out = StridedLayout.broadcastShape(name, cond.dims, a.dims, b.dims);
        launchElementwise(name, "vf_where_strided_f32", out, y, stream, new View[] {cond, a, b},
                k -> k.ptr(cond.ptr).ptr(a.ptr).ptr(b.ptr).ptr(y));
        return out;
    }

    /** The operands broadcast to {@code out}, coalesced; {@code head} adds the parameters before the layout. */
    private void launchElementwise(String op, String kernel, int[] out, long y, long stream, View[] ins,
                                   java.util.function.Consumer<KernelArgs> head) {
        long[][] strides = new long[ins.length][];
        for (int i = 0; i < ins.length; i++) strides[i] = StridedLayout.broadcastStrides(op, "operand " + i, ins[i].dims, ins[i].strides, out);
        StridedLayout l = StridedLayout.of(op, out, strides);
        long n = l.numel();
        if (n == 0) return;
        for (View v : ins) requirePointer(op, "an input", v.ptr);
        requirePointer(op, "y", y);
        launchGrid(kernel, n, stream, k -> {
            head.accept(k);
            k.i64s(l.pack()).i64(n);
        });
    }

    // ---- data movement (every dtype) ------------------------------------------------------------

    /**
     * dst = src broadcast to dst's shape, converted from srcType to dstType as DType.set(DType.get)
     * does (equal types copy bits): contiguous, copyInto, cast and (with negated strides) flip.
     * dst may be any non-overlapping view (vf_copy_strided).
     */
    public void copy(View src, DType srcType, View dst, DType dstType, long stream) {
        String op = "copy (vf_copy_strided) of " + srcType.label() + src + " into " + dstType.label() + dst;
        long[] ss = StridedLayout.broadcastStrides(op, "src", src.dims, src.strides, dst.dims);
        StridedLayout l = StridedLayout.of(op, dst.dims, dst.strides, ss);
        long n = l.numel();
        if (n == 0) return;
        requirePointer(op, "src", src.ptr);
        requirePointer(op, "dst", dst.ptr);
        launchGrid("vf_copy_strided", n, stream,
                k -> k.ptr(src.ptr).i32(srcType.ordinal()).ptr(dst.ptr).i32(dstType.ordinal()).i64s(l.pack()).i64(n));
    }

    /**
     * Every element of the view dst (any strides without overlap) = value, rounded to the dtype as
     * DType.set does (Backend.fill): {@link #fillBits} with {@link #elementBits}.
     */
    public void fill(View dst, DType dtype, double value, long stream) { fillBits(dst, dtype.byteSize(), elementBits(dtype, value), stream); }

    /**
     * Every element of the view dst (elementBytes 1, 2, 4 or 8 bytes each) = the low elementBytes
     * bytes of {@code bits} (vf_fill_bits: void* y, int elementBytes, uint64 bits, VfLayout&lt;1&gt; (y), int64 n).
     */
    public void fillBits(View dst, int elementBytes, long bits, long stream) {
        String op = "fillBits (vf_fill_bits) of " + elementBytes + "-byte elements into " + dst;
        if (elementBytes != 1 && elementBytes != 2 && elementBytes != 4 && elementBytes != 8) {
            throw new IllegalArgumentException(op + ": elementBytes must be 1, 2, 4 or 8");
        }
        StridedLayout l = StridedLayout.of(op, dst.dims, dst.strides);
        long n = l.numel();
        if (n == 0) return;
        requirePointer(op, "dst", dst.ptr);
        launchGrid("vf_fill_bits", n, stream, k -> k.ptr(dst.ptr).i32(elementBytes).i64(bits).i64s(l.pack()).i64(n));
    }

    /**
     * y (contiguous) = the inputs, all of {@code dtype}, joined along {@code axis}: one strided copy
     * per input into its slab of y. Returns y's shape.
     */
    public int[] concat(List<View> xs, DType dtype, int axis, long y, long stream) {
        String op = "concat along axis " + axis + " of " + dtype.label() + " " + xs;
        if (xs == null || xs.isEmpty()) throw new IllegalArgumentException(op + ": needs at least one tensor");
        int[] first = xs.get(0).dims;
        if (axis < 0 || axis >= first.length) throw new IllegalArgumentException(op + ": axis must be in [0, " + first.length + ")");
        int total = 0;
        for (View v : xs) {
            boolean same = v.rank() == first.length;
            for (int a = 0; same && a < first.length; a++) same = a == axis || v.dims[a] == first[a];
            if (!same) {
                throw new IllegalArgumentException(op + ": shape " + Arrays.toString(v.dims) + " differs from " + Arrays.toString(first)
                        + " on an axis other than " + axis);
            }
            total = Math.addExact(total, v.dims[axis]);
        }
        int[] out = first.clone();
        out[axis] = total;
        long[] os = StridedLayout.contiguousStrides(out);
        long at = 0;
        for (View v : xs) {
            copy(v, dtype, new View(y + at * os[axis] * dtype.byteSize(), v.dims, os), dtype, stream);
            at += v.dims[axis];
        }
        return out;
    }

    /**
     * y (contiguous, x's dtype) = x with {@code before[a]} and {@code after[a]} elements of
     * {@code value} (rounded to the dtype as DType.set does) on each axis a (vf_pad_constant).
     * Returns y's shape. At most 6 axes.
     */
    public int[] padConstant(View x, DType dtype, int[] before, int[] after, double value, long y, long stream) {
        String op = "pad (vf_pad_constant) of " + dtype.label() + x + " by " + Arrays.toString(before) + " / " + Arrays.toString(after);
        int r = x.rank();
        if (before == null || after == null || before.length != r || after.length != r) {
            throw new IllegalArgumentException(op + ": expected one before and one after count per axis (" + r + " each)");
        }
        if (r > StridedLayout.MAX_RANK) throw new IllegalArgumentException(op + ": at most " + StridedLayout.MAX_RANK + " axes");
        int[] out = new int[r];
        long n = 1;
        for (int a = 0; a < r; a++) {
            if (before[a] < 0 || after[a] < 0) throw new IllegalArgumentException(op + ": pad counts must be >= 0");
            out[a] = Math.addExact(Math.addExact(x.dims[a], before[a]), after[a]);
            n *= out[a];
        }
        if (n == 0) return out;
        if (x.numel() > 0) requirePointer(op, "x", x.ptr);
        requirePointer(op, "y", y);
        long[] p = new long[1 + 4 * StridedLayout.MAX_RANK];
        p[0] = r;
        for (int a = 0; a < StridedLayout.MAX_RANK; a++) {
            p[1 + a] = a < r ? out[a] : 1;
            p[1 + StridedLayout.MAX_RANK + a] = a < r ? x.dims[a] : 1;
            p[1 + 2 * StridedLayout.MAX_RANK + a] = a < r ? before[a] : 0;
            p[1 + 3 * StridedLayout.MAX_RANK + a] = a < r ? x.strides[a] : 0;
        }
        long bits = elementBits(dtype, value);
        long total = n;
        launchGrid("vf_pad_constant", n, stream, k -> k.ptr(x.ptr).ptr(y).i32(dtype.byteSize()).i64(bits).i64s(p).i64(total));
        return out;
    }

    /** The bits DType.set writes for {@code value}, zero-extended to 64. */
    static long elementBits(DType dtype, double value) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(8);
            dtype.set(s, 0, value);
            return s.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        }
    }

    /**
     * y (contiguous float32) = one-hot of int32/int64 labels with the class axis inserted at
     * {@code axis} of the output (vf_one_hot_f32). A label outside [0, numClasses) gives a zero
     * column and, when {@code bad} (a device int64 the caller set to -1) is not 0, its flat label
     * position is written there; the caller must check it and throw as the CPU does (see
     * {@link #oneHotError}). Returns y's shape.
     */
    public int[] oneHot(View labels, DType labelType, int numClasses, int axis, long y, long bad, long stream) {
        String op = "oneHot (vf_one_hot_f32) of " + labelType.label() + labels + " into " + numClasses + " classes at axis " + axis;
        if (labelType != DType.INT32 && labelType != DType.INT64) throw new IllegalArgumentException(op + ": labels must be int32 or int64");
        if (numClasses <= 0) throw new IllegalArgumentException(op + ": numClasses must be positive");
        int r = labels.rank();
        if (axis < 0 || axis > r) throw new IllegalArgumentException(op + ": axis must be in [0, " + r + "]");
        int[] out = new int[r + 1];
        long inner = 1;
        for (int a = 0, j = 0; a <= r; a++) out[a] = a == axis ? numClasses : labels.dims[j++];
        for (int a = axis; a < r; a++) inner *= labels.dims[a];
        StridedLayout l = StridedLayout.of(op, labels.dims, labels.strides);
        long n = Math.multiplyExact(l.numel(), numClasses);
        if (n == 0) return out;
        requirePointer(op, "labels", labels.ptr);
        requirePointer(op, "y", y);
        long in = inner;
        launchGrid("vf_one_hot_f32", n, stream, k -> k.ptr(labels.ptr).i32(labelType.byteSize()).ptr(y).i64(numClasses).i64(in)
                .i64s(l.pack()).ptr(bad).i64(n));
        return out;
    }

    /** The CPU's exception for a label outside [0, numClasses) at flat position {@code position}. */
    public static IllegalArgumentException oneHotError(long label, long position, String labelsDescription, int numClasses) {
        return new IllegalArgumentException("oneHot: label " + label + " (at flat position " + position + " of " + labelsDescription
                + ") is outside [0, " + numClasses + "); numClasses = " + numClasses + " must exceed every label");
    }

    // ---- reductions (float32) -------------------------------------------------------------------

    /**
     * y (contiguous float32, the kept axes in order) = op over {@code axes} of x (sorted, distinct;
     * empty: all axes). Sums in double, as the CPU (vf_reduce_rows_{thread,block}_f32).
     */
    public void reduce(ReduceOp op, View x, int[] axes, long y, long stream) {
        String name = "reduce " + op.label() + " (vf_reduce_rows_*_f32) of " + x + " over axes " + Arrays.toString(axes);
        Split s = split(name, x, axes);
        if (s.nOut == 0) return;
        requirePointer(name, "x", x.ptr);
        requirePointer(name, "y", y);
        if (s.nIn == 0 && (op == ReduceOp.MAX || op == ReduceOp.MIN)) {
            throw new IllegalArgumentException(name + ": " + op.label() + " over an empty set of elements has no value");
        }
        launchRows("vf_reduce_rows", s.nOut, s.nIn, stream,
                k -> k.i32(op.ordinal()).ptr(x.ptr).ptr(y).i64s(s.outer.pack()).i64s(s.inner.pack()).i64(s.nOut).i64(s.nIn));
    }

    /** y (float32) = the variance over {@code axes} divided by max(0, n - correction) (vf_variance_rows_*_f32). */
    public void variance(View x, int[] axes, int correction, long y, long stream) {
        String name = "variance (vf_variance_rows_*_f32) of " + x + " over axes " + Arrays.toString(axes) + ", correction " + correction;
        if (correction < 0) throw new IllegalArgumentException(name + ": correction must be >= 0");
        Split s = split(name, x, axes);
        if (s.nOut == 0) return;
        requirePointer(name, "x", x.ptr);
        requirePointer(name, "y", y);
        launchRows("vf_variance_rows", s.nOut, s.nIn, stream,
                k -> k.ptr(x.ptr).ptr(y).i64s(s.outer.pack()).i64s(s.inner.pack()).i64(s.nOut).i64(s.nIn).i32(correction));
    }

    /** y (int64, x's shape without {@code axis}) = index of the first max (min) along axis; a NaN wins (vf_arg_reduce_rows_*_f32). */
    public void argReduce(boolean max, View x, int axis, long y, long stream) {
        String name = (max ? "argMax" : "argMin") + " (vf_arg_reduce_rows_*_f32) of " + x + " along axis " + axis;
        checkAxis(name, x, axis);
        if (x.dims[axis] == 0) throw new IllegalArgumentException(name + ": the axis is empty, so there is no first extremum");
        Split s = split(name, x, new int[] {axis});
        if (s.nOut == 0) return;
        requirePointer(name, "x", x.ptr);
        requirePointer(name, "y", y);
        long n = x.dims[axis], stride = x.strides[axis];
        launchRows("vf_arg_reduce_rows", s.nOut, n, stream,
                k -> k.i32(max ? 1 : 0).ptr(x.ptr).ptr(y).i64s(s.outer.pack()).i64(n).i64(stride).i64(s.nOut));
    }

    /** y (contiguous float32, x's shape) = softmax or log-softmax of x along {@code axis} (vf_softmax_rows_*_f32). */
    public void softmax(View x, int axis, boolean log, long y, long stream) {
        String name = (log ? "logSoftmax" : "softmax") + " (vf_softmax_rows_*_f32) of " + x + " along axis " + axis;
        checkAxis(name, x, axis);
        long[] ys = StridedLayout.contiguousStrides(x.dims);
        Outer o = outer(name, x.dims, axis, x.strides, ys);
        long n = x.dims[axis];
        if (o.nOut == 0 || n == 0) return;
        requirePointer(name, "x", x.ptr);
        requirePointer(name, "y", y);
        long xs = x.strides[axis], yst = ys[axis];
        launchRows("vf_softmax_rows", o.nOut, n, stream,
                k -> k.i32(log ? 1 : 0).ptr(x.ptr).ptr(y).i64s(o.layout.pack()).i64(n).i64(xs).i64(yst).i64(o.nOut));
    }

    /** dx (contiguous float32) = y * (dy - sum_axis(dy * y)), softmax's backward; y and dy of one shape (vf_softmax_backward_rows_*_f32). */
    public void softmaxBackward(View y, View dy, int axis, long dx, long stream) {
        String name = "softmaxBackward (vf_softmax_backward_rows_*_f32) of y " + y + " and dy " + dy + " along axis " + axis;
        if (!Arrays.equals(y.dims, dy.dims)) throw new IllegalArgumentException(name + ": y and dy must have one shape");
        checkAxis(name, y, axis);
        long[] ds = StridedLayout.contiguousStrides(y.dims);
        Outer o = outer(name, y.dims, axis, y.strides, dy.strides, ds);
        long n = y.dims[axis];
        if (o.nOut == 0 || n == 0) return;
        requirePointer(name, "y", y.ptr);
        requirePointer(name, "dy", dy.ptr);
        requirePointer(name, "dx", dx);
        long a = y.strides[axis], b = dy.strides[axis], c = ds[axis];
        launchRows("vf_softmax_backward_rows", o.nOut, n, stream,
                k -> k.ptr(y.ptr).ptr(dy.ptr).ptr(dx).i64s(o.layout.pack()).i64(n).i64(a).i64(b).i64(c).i64(o.nOut));
    }

    // ---- shared: splitting axes, launching ---------------------------------------------------------

    /** x's kept axes (outer, in order) and reduced axes (inner), each coalesced over x's strides. */
    private record Split(StridedLayout outer, StridedLayout inner, long nOut, long nIn) {}

    private static Split split(String op, View x, int[] axes) {
        int r = x.rank();
        boolean[] reduced = new boolean[r];
        if (axes == null) throw new IllegalArgumentException(op + ": axes must be given (empty for all)");
        for (int i = 0; i < axes.length; i++) {
            if (axes[i] < 0 || axes[i] >= r || (i > 0 && axes[i] <= axes[i - 1])) {
                throw new IllegalArgumentException(op + ": axes must be sorted, distinct and in [0, " + r + ")");
            }
            reduced[axes[i]] = true;
        }
        if (axes.length == 0) Arrays.fill(reduced, true);
        int no = 0;
        for (boolean b : reduced) if (!b) no++;
        int[] od = new int[no], id = new int[r - no];
        long[] os = new long[no], is = new long[r - no];
        for (int a = 0, i = 0, j = 0; a < r; a++) {
            if (reduced[a]) { id[j] = x.dims[a]; is[j++] = x.strides[a]; }
            else { od[i] = x.dims[a]; os[i++] = x.strides[a]; }
        }
        StridedLayout outer = StridedLayout.of(op, od, os), inner = StridedLayout.of(op, id, is);
        return new Split(outer, inner, outer.numel(), inner.numel());
    }

    private record Outer(StridedLayout layout, long nOut) {}

    /** The axes other than {@code axis}, coalesced over each operand's strides. */
    private static Outer outer(String op, int[] dims, int axis, long[]... strides) {
        int r = dims.length;
        int[] od = new int[r - 1];
        long[][] os = new long[strides.length][r - 1];
        for (int a = 0, i = 0; a < r; a++) {
            if (a == axis) continue;
            od[i] = dims[a];
            for (int k = 0; k < strides.length; k++) os[k][i] = strides[k][a];
            i++;
        }
        StridedLayout l = StridedLayout.of(op, od, os);
        return new Outer(l, l.numel());
    }

    private static void checkAxis(String op, View x, int axis) {
        if (axis < 0 || axis >= x.rank()) throw new IllegalArgumentException(op + ": axis must be in [0, " + x.rank() + ")");
    }

    /** {@code family}_thread_f32 (a thread per row) or {@code family}_block_f32 (a block per row). */
    private void launchRows(String family, long nOut, long nIn, long stream, java.util.function.Consumer<KernelArgs> args) {
        boolean block = rows == Rows.BLOCK || (rows == Rows.AUTO && nIn >= BLOCK_ROW_MIN);
        if (block) {
            int blocks = (int) Math.min(nOut, (long) launcher.multiprocessors() * LaunchConfig.BLOCKS_PER_SM);
            launcher.launch(family + "_block_f32", blocks, 1, 1, RED_THREADS, 1, 1, 0, stream, args);
        } else {
            launchGrid(family + "_thread_f32", nOut, stream, args);
        }
    }

    private void launchGrid(String kernel, long n, long stream, java.util.function.Consumer<KernelArgs> args) {
        LaunchConfig cfg = LaunchConfig.gridStride(n, launcher.multiprocessors());
        launcher.launch(kernel, cfg.blocks(), 1, 1, cfg.threads(), 1, 1, 0, stream, args);
    }

    private static void requirePointer(String op, String name, long p) {
        if (p == 0) throw new IllegalArgumentException(op + ": " + name + " is a null device pointer");
    }
}
