package org.voxelforge.core;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An n-dimensional array: storage + dtype + shape + strides + offset. Views (reshape, permute,
 * slice, expand, squeeze) share storage with their source; {@link #contiguous()} copies only
 * when the layout requires it.
 *
 * <p>Lifetimes are explicit: {@link #close()} releases this tensor's hold on its storage, which
 * is freed when the last view is closed. Tensors created inside a {@link TensorScope} are closed
 * with it. A cleaner frees storage that was never closed, as a safety net only.
 *
 * <p>Methods check their arguments here and hand the work to the device's {@link Backend}.
 */
public final class Tensor implements AutoCloseable {
    private final Storage storage;
    private final DType dtype;
    private final Shape shape;
    private final long[] strides;
    private final long offset;
    private boolean closed;

    /** For backends: wraps storage as a tensor and registers it with the current scope. */
    public Tensor(Storage storage, DType dtype, Shape shape, long[] strides, long offset) {
        if (strides.length != shape.rank()) {
            throw new IllegalArgumentException("strides " + Arrays.toString(strides) + " do not match shape " + shape);
        }
        this.storage = storage;
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides.clone();
        this.offset = offset;
        storage.retain();
        TensorScope.register(this);
    }

    // ---- creation --------------------------------------------------------------------------

    public static Tensor zeros(DType dtype, int... dims) {
        return Backends.cpu().zeros(dtype, Shape.of(dims));
    }

    public static Tensor zeros(int... dims) { return zeros(DType.FLOAT32, dims); }

    /** A zero-filled tensor on {@code device}. */
    public static Tensor zeros(Device device, DType dtype, int... dims) {
        return Backends.forDevice(device).zeros(dtype, Shape.of(dims));
    }

    /** A tensor of {@code value} on {@code device}. */
    public static Tensor full(Device device, double value, DType dtype, int... dims) {
        Tensor t = zeros(device, dtype, dims);
        if (value != 0) t.backend().fill(t, value);
        return t;
    }

    public static Tensor ones(int... dims) { return full(1.0, DType.FLOAT32, dims); }

    public static Tensor full(double value, DType dtype, int... dims) {
        Tensor t = zeros(dtype, dims);
        if (value != 0) t.backend().fill(t, value);
        return t;
    }

    public static Tensor scalar(double value) { return full(value, DType.FLOAT32); }

    public static Tensor scalar(double value, DType dtype) { return full(value, dtype); }

    public static Tensor of(float[] data, int... dims) {
        Tensor t = zeros(DType.FLOAT32, checkCount("of", data.length, dims));
        MemorySegment.copy(data, 0, t.segment(), java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0, data.length);
        return t;
    }

    public static Tensor of(double[] data, int... dims) {
        Tensor t = zeros(DType.FLOAT64, checkCount("of", data.length, dims));
        MemorySegment.copy(data, 0, t.segment(), java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED, 0, data.length);
        return t;
    }

    public static Tensor ofInts(int[] data, int... dims) {
        Tensor t = zeros(DType.INT32, checkCount("ofInts", data.length, dims));
        MemorySegment.copy(data, 0, t.segment(), java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 0, data.length);
        return t;
    }

    public static Tensor ofLongs(long[] data, int... dims) {
        Tensor t = zeros(DType.INT64, checkCount("ofLongs", data.length, dims));
        MemorySegment.copy(data, 0, t.segment(), java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0, data.length);
        return t;
    }

    /** Values given as doubles, stored as {@code dtype}. */
    public static Tensor of(DType dtype, double[] data, int... dims) {
        Tensor t = zeros(dtype, checkCount("of", data.length, dims));
        MemorySegment s = t.segment();
        for (int i = 0; i < data.length; i++) dtype.set(s, i, data[i]);
        return t;
    }

    public static Tensor arange(double start, double end, double step, DType dtype) {
        if (step == 0 || Double.isNaN(step)) throw new IllegalArgumentException("arange: step must be non-zero, got " + step);
        return Backends.cpu().arange(start, end, step, dtype);
    }

    public static Tensor arange(int end) { return arange(0, end, 1, DType.INT64); }

    private static int[] checkCount(String op, int n, int[] dims) {
        Shape s = Shape.of(dims);
        if (s.numel() != n) {
            throw new ShapeMismatchException(op + ": " + n + " values do not fill shape " + s + " ("
                    + s.numel() + " elements)");
        }
        return dims;
    }

    // ---- metadata --------------------------------------------------------------------------

    public DType dtype() { return dtype; }

    public Shape shape() { return shape; }

    public int[] dims() { return shape.dims(); }

    public int rank() { return shape.rank(); }

    public int dim(int axis) { return shape.dim(axis); }

    public long numel() { return shape.numel(); }

    public long[] strides() { return strides.clone(); }

    public long stride(int axis) { return strides[Shape.normalizeAxis(axis, rank(), "stride")]; }

    /** Offset of element [0, ..., 0] in the storage, in elements. */
    public long offset() { return offset; }

    public Storage storage() { checkOpen(); return storage; }

    public Device device() { return storage.device(); }

    public Backend backend() { checkOpen(); return Backends.forDevice(storage.device()); }

    /** The storage's memory (the whole block; index it with {@link #offset()} and strides). */
    public MemorySegment segment() { checkOpen(); return storage.segment(); }

    public int version() { return storage.version(); }

    public boolean isClosed() { return closed; }

    /**
     * This tensor on {@code target}: a copy (contiguous) when the device differs, else a new view of
     * the same storage. Always a new tensor, so that closing it never closes this one.
     */
    public Tensor to(Device target) {
        checkOpen();
        if (target.equals(device())) return new Tensor(storage, dtype, shape, strides, offset);
        if (device().isCpu()) return Backends.forDevice(target).upload(this);
        if (target.isCpu()) return backend().download(this);
        try (Tensor host = backend().download(this)) {
            return Backends.forDevice(target).upload(host);
        }
    }

    /**
     * This tensor on {@code target}, giving up this handle: itself when it already lives there,
     * else a copy there, and this tensor is closed. For temporaries made on the host for a device
     * op ({@code Tensor.of(..).transferTo(x.device())}), so that nothing is left for the cleaner.
     */
    public Tensor transferTo(Device target) {
        if (target.equals(device())) return this;
        try (this) { return to(target); }
    }

    /** True when elements are laid out row-major with no gaps (size-1 axes may have any stride). */
    public boolean isContiguous() {
        long expected = 1;
        int[] d = shape.dims();
        for (int i = d.length - 1; i >= 0; i--) {
            if (d[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected *= d[i];
        }
        return true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("tensor " + describe() + " was used after close(); keep it open "
                    + "while in use, or retain it from its TensorScope");
        }
    }

    /** "float32[2, 3]" for messages. */
    public String describe() { return dtype.label() + shape; }

    // ---- element access (slow; for tests, small tensors and references) -------------------

    /** Storage index (in elements) of a multi-index. */
    public long elementIndex(long... idx) {
        if (idx.length != rank()) {
            throw new IllegalArgumentException("index " + Arrays.toString(idx) + " has " + idx.length
                    + " coordinates; tensor " + describe() + " needs " + rank());
        }
        long p = offset;
        for (int i = 0; i < idx.length; i++) {
            int d = shape.dim(i);
            if (idx[i] < 0 || idx[i] >= d) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " is out of bounds for "
                        + describe() + " at axis " + i);
            }
            p += idx[i] * strides[i];
        }
        return p;
    }

    public double get(long... idx) { return readElement(elementIndex(idx)); }

    public void set(double value, long... idx) {
        if (!device().isCpu()) {
            throw new UnsupportedOperationException("set(): " + describe() + " lives on " + device() + "; write on the host "
                    + "and copy with to(), or use fill_/copy_");
        }
        dtype.set(segment(), elementIndex(idx), value);
        storage.bumpVersion();
    }

    /** The single value of a one-element tensor (copied from the device when it lives on one). */
    public double item() {
        if (numel() != 1) throw new IllegalStateException("item(): tensor " + describe() + " has " + numel() + " elements, not 1");
        return readElement(offset);
    }

    /** Element {@code i} in row-major order of this (possibly strided) view. */
    public double getFlat(long i) { return readElement(flatToStorage(i)); }

    /** The element at storage index {@code at}: read in place on the CPU, copied one element at a time from a device. */
    private double readElement(long at) {
        if (device().isCpu()) return dtype.get(segment(), at);
        try (Tensor one = new Tensor(storage(), dtype, Shape.of(), new long[0], at); Tensor host = one.to(Device.CPU)) {
            return host.item();
        }
    }

    public long flatToStorage(long i) {
        long p = offset;
        int[] d = shape.dims();
        for (int ax = d.length - 1; ax >= 0; ax--) {
            long c = i % d[ax];
            i /= d[ax];
            p += c * strides[ax];
        }
        return p;
    }

    public double[] toDoubleArray() {
        checkSize();
        if (!device().isCpu()) {
            try (Tensor host = to(Device.CPU)) { return host.toDoubleArray(); }
        }
        double[] out = new double[(int) numel()];
        MemorySegment s = segment();
        for (int i = 0; i < out.length; i++) out[i] = dtype.get(s, flatToStorage(i));
        return out;
    }

    public float[] toFloatArray() {
        checkSize();
        if (!device().isCpu()) {
            try (Tensor host = to(Device.CPU)) { return host.toFloatArray(); }
        }
        if (dtype == DType.FLOAT32 && isContiguous()) {
            float[] out = new float[(int) numel()];
            MemorySegment.copy(segment(), java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, offset * 4, out, 0, out.length);
            return out;
        }
        double[] d = toDoubleArray();
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) out[i] = (float) d[i];
        return out;
    }

    public long[] toLongArray() {
        checkSize();
        if (!device().isCpu()) {
            try (Tensor host = to(Device.CPU)) { return host.toLongArray(); }
        }
        long[] out = new long[(int) numel()];
        MemorySegment s = segment();
        for (int i = 0; i < out.length; i++) out[i] = dtype.getLong(s, flatToStorage(i));
        return out;
    }

    public int[] toIntArray() {
        long[] l = toLongArray();
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) out[i] = (int) l[i];
        return out;
    }

    private void checkSize() {
        if (numel() > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(describe() + " is too large for a Java array");
        }
    }

    // ---- views -----------------------------------------------------------------------------

    /** A view with the given shape; one size may be -1. Copies only if the layout cannot be viewed. */
    public Tensor reshape(int... dims) {
        Shape target = inferShape("reshape", dims);
        long[] st = viewStrides(target);
        if (st != null) return new Tensor(storage(), dtype, target, st, offset);
        try (Tensor c = contiguous()) {
            return c.reshape(dims);
        }
    }

    /** Like {@link #reshape} but never copies: fails when the layout cannot be viewed. */
    public Tensor view(int... dims) {
        Shape target = inferShape("view", dims);
        long[] st = viewStrides(target);
        if (st == null) {
            throw new IllegalStateException("view: " + describe() + " with strides " + Arrays.toString(strides)
                    + " cannot be viewed as " + target + " without a copy; call contiguous() first or use reshape");
        }
        return new Tensor(storage(), dtype, target, st, offset);
    }

    public Tensor flatten() { return reshape(-1); }

    private Shape inferShape(String op, int[] dims) {
        int infer = -1;
        long known = 1;
        int[] d = dims.clone();
        for (int i = 0; i < d.length; i++) {
            if (d[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException(op + ": only one size may be -1, got " + Arrays.toString(dims));
                infer = i;
            } else if (d[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid size " + d[i] + " in " + Arrays.toString(dims));
            } else {
                known *= d[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel() % known != 0) {
                throw new ShapeMismatchException(op + ": cannot infer -1 in " + Arrays.toString(dims) + " for " + describe());
            }
            d[infer] = (int) (numel() / known);
        }
        Shape s = Shape.of(d);
        if (s.numel() != numel()) {
            throw new ShapeMismatchException(op + ": " + describe() + " (" + numel() + " elements) cannot become "
                    + s + " (" + s.numel() + " elements)");
        }
        return s;
    }

    /** Strides that view this tensor as {@code target}, or null when a copy is needed (PyTorch's computeStride). */
    private long[] viewStrides(Shape target) {
        if (isContiguous()) return target.contiguousStrides();
        int[] od = shape.dims();
        int[] nd = target.dims();
        long[] ns = new long[nd.length];
        int oi = 0, ni = 0;
        while (oi < od.length || ni < nd.length) {
            // skip size-1 axes on either side
            if (ni < nd.length && nd[ni] == 1) { ns[ni] = 1; ni++; continue; }
            if (oi < od.length && od[oi] == 1) { oi++; continue; }
            if (oi >= od.length || ni >= nd.length) return null;
            // gather a chunk of old axes that are mutually contiguous and match a chunk of new axes
            long oldSize = od[oi];
            int chunkEnd = oi;
            long newSize = nd[ni];
            int nStart = ni;
            while (oldSize != newSize) {
                if (oldSize < newSize) {
                    int next = chunkEnd + 1;
                    while (next < od.length && od[next] == 1) next++;
                    if (next >= od.length) return null;
                    if (strides[chunkEnd] != strides[next] * od[next]) return null;
                    chunkEnd = next;
                    oldSize *= od[next];
                } else {
                    ni++;
                    if (ni >= nd.length) return null;
                    newSize *= nd[ni];
                }
            }
            long base = strides[chunkEnd];
            for (int k = ni; k >= nStart; k--) {
                ns[k] = base;
                base *= nd[k];
            }
            oi = chunkEnd + 1;
            ni++;
        }
        return ns;
    }

    /** Reorders axes: {@code out.dim(i) == this.dim(order[i])}. */
    public Tensor permute(int... order) {
        if (order.length != rank()) {
            throw new IllegalArgumentException("permute: order " + Arrays.toString(order) + " has " + order.length
                    + " axes; " + describe() + " has " + rank());
        }
        int[] d = new int[order.length];
        long[] st = new long[order.length];
        boolean[] seen = new boolean[order.length];
        for (int i = 0; i < order.length; i++) {
            int a = Shape.normalizeAxis(order[i], rank(), "permute");
            if (seen[a]) throw new IllegalArgumentException("permute: axis " + a + " repeats in " + Arrays.toString(order));
            seen[a] = true;
            d[i] = shape.dim(a);
            st[i] = strides[a];
        }
        return new Tensor(storage(), dtype, Shape.of(d), st, offset);
    }

    public Tensor transpose(int a, int b) {
        int[] order = new int[rank()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        int x = Shape.normalizeAxis(a, rank(), "transpose"), y = Shape.normalizeAxis(b, rank(), "transpose");
        order[x] = y;
        order[y] = x;
        return permute(order);
    }

    /** Elements {@code start, start+step, ...} below {@code end} along {@code axis}; negative start/end count from the end. */
    public Tensor slice(int axis, int start, int end, int step) {
        int a = Shape.normalizeAxis(axis, rank(), "slice");
        int n = shape.dim(a);
        if (step <= 0) throw new IllegalArgumentException("slice: step must be positive, got " + step + " (use flip to reverse)");
        int s = start < 0 ? Math.max(0, start + n) : Math.min(start, n);
        int e = end < 0 ? Math.max(0, end + n) : Math.min(end, n);
        int len = e <= s ? 0 : (e - s + step - 1) / step;
        long[] st = strides.clone();
        st[a] = strides[a] * step;
        return new Tensor(storage(), dtype, shape.withDim(a, len), st, offset + (long) s * strides[a]);
    }

    public Tensor slice(int axis, int start, int end) { return slice(axis, start, end, 1); }

    /** The slice at {@code index} along {@code axis}, with that axis removed. */
    public Tensor select(int axis, int index) {
        int a = Shape.normalizeAxis(axis, rank(), "select");
        int n = shape.dim(a);
        int i = index < 0 ? index + n : index;
        if (i < 0 || i >= n) throw new IndexOutOfBoundsException("select: index " + index + " out of range for axis " + a + " of " + describe());
        try (Tensor s = slice(a, i, i + 1)) {
            return s.squeeze(a);
        }
    }

    /** Broadcasts size-1 axes (and new leading axes) to {@code dims} without copying; -1 keeps a size. */
    public Tensor expand(int... dims) {
        if (dims.length < rank()) {
            throw new ShapeMismatchException("expand: " + describe() + " cannot expand to fewer axes " + Arrays.toString(dims));
        }
        int lead = dims.length - rank();
        int[] d = new int[dims.length];
        long[] st = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            int src = i - lead;
            int want = dims[i];
            if (src < 0) {
                if (want < 0) throw new IllegalArgumentException("expand: -1 not allowed for new axis " + i);
                d[i] = want;
                st[i] = 0;
            } else {
                int have = shape.dim(src);
                if (want == -1 || want == have) {
                    d[i] = have;
                    st[i] = strides[src];
                } else if (have == 1) {
                    d[i] = want;
                    st[i] = 0;
                } else {
                    throw new ShapeMismatchException("expand: " + describe() + " cannot expand to " + Arrays.toString(dims)
                            + " (axis " + i + " has size " + have + "; only size-1 axes expand)");
                }
            }
        }
        return new Tensor(storage(), dtype, Shape.of(d), st, offset);
    }

    public Tensor broadcastTo(Shape target) { return expand(target.dims()); }

    public Tensor squeeze(int axis) {
        int a = Shape.normalizeAxis(axis, rank(), "squeeze");
        if (shape.dim(a) != 1) throw new ShapeMismatchException("squeeze: axis " + axis + " of " + describe() + " has size " + shape.dim(a) + ", not 1");
        int[] d = new int[rank() - 1];
        long[] st = new long[rank() - 1];
        for (int i = 0, j = 0; i < rank(); i++) {
            if (i == a) continue;
            d[j] = shape.dim(i);
            st[j++] = strides[i];
        }
        return new Tensor(storage(), dtype, Shape.of(d), st, offset);
    }

    /** Removes every size-1 axis. */
    public Tensor squeeze() {
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < rank(); i++) if (shape.dim(i) != 1) keep.add(i);
        int[] d = new int[keep.size()];
        long[] st = new long[keep.size()];
        for (int j = 0; j < d.length; j++) {
            d[j] = shape.dim(keep.get(j));
            st[j] = strides[keep.get(j)];
        }
        return new Tensor(storage(), dtype, Shape.of(d), st, offset);
    }

    public Tensor unsqueeze(int axis) {
        int a = Shape.normalizeAxis(axis, rank() + 1, "unsqueeze");
        int[] d = new int[rank() + 1];
        long[] st = new long[rank() + 1];
        for (int i = 0, j = 0; i < d.length; i++) {
            if (i == a) {
                d[i] = 1;
                st[i] = j < rank() ? strides[j] * shape.dim(j) : 1;
            } else {
                d[i] = shape.dim(j);
                st[i] = strides[j++];
            }
        }
        return new Tensor(storage(), dtype, Shape.of(d), st, offset);
    }

    /** This tensor if already contiguous (as a new handle on the same storage), else a copy. */
    public Tensor contiguous() {
        if (isContiguous()) return new Tensor(storage(), dtype, shape, strides, offset);
        return backend().contiguous(this);
    }

    /**
     * This tensor densely packed in {@code format}, with exactly that format's strides (same shape
     * and values): a new handle on the same storage when it already is dense in it (size-1 axes
     * restrided, so that a packed [N, 1, D, H, W] reads as channels-last), else a copy.
     */
    public Tensor contiguous(MemoryFormat format) {
        if (format == MemoryFormat.CONTIGUOUS) return contiguous();
        if (format.isDense(this)) return new Tensor(storage(), dtype, shape, format.strides(dims()), offset);
        return backend().contiguous(this, format);
    }

    /** The memory format this tensor's strides follow ({@link MemoryFormat#of}). */
    public MemoryFormat memoryFormat() { return MemoryFormat.of(this); }

    /** A contiguous copy that shares nothing with this tensor. */
    public Tensor copy() { return backend().contiguous(this); }

    // ---- elementwise -----------------------------------------------------------------------

    public Tensor unary(UnaryOp op) { return backend().unary(op, this); }

    public Tensor neg() { return unary(UnaryOp.NEG); }
    public Tensor exp() { return unary(UnaryOp.EXP); }
    public Tensor log() { return unary(UnaryOp.LOG); }
    public Tensor sqrt() { return unary(UnaryOp.SQRT); }
    public Tensor abs() { return unary(UnaryOp.ABS); }
    public Tensor relu() { return unary(UnaryOp.RELU); }
    public Tensor sigmoid() { return unary(UnaryOp.SIGMOID); }
    public Tensor tanh() { return unary(UnaryOp.TANH); }
    public Tensor sign() { return unary(UnaryOp.SIGN); }
    public Tensor reciprocal() { return unary(UnaryOp.RECIPROCAL); }
    public Tensor square() { return unary(UnaryOp.SQUARE); }
    public Tensor erf() { return unary(UnaryOp.ERF); }

    public Tensor leakyRelu(double slope) { return backend().leakyRelu(this, slope); }

    /** Clamps to [lo, hi]; pass NaN for a missing bound. */
    public Tensor clamp(double lo, double hi) {
        if (!Double.isNaN(lo) && !Double.isNaN(hi) && lo > hi) {
            throw new IllegalArgumentException("clamp: lower bound " + lo + " is above upper bound " + hi);
        }
        return backend().clamp(this, lo, hi);
    }

    public Tensor binary(BinaryOp op, Tensor other) {
        if (!device().equals(other.device()) && isCpuScalar()) {
            try (Tensor moved = to(other.device())) { return moved.binary(op, other); }
        }
        if (!device().equals(other.device()) && other.isCpuScalar()) {
            try (Tensor moved = other.to(device())) { return binary(op, moved); }
        }
        checkSameDevice(op.label(), other);
        Shape.broadcast(op.label(), shape, other.shape);
        if (op == BinaryOp.SUB && (dtype == DType.BOOL || other.dtype == DType.BOOL)) {
            throw new IllegalArgumentException("sub: bool tensors cannot be subtracted (" + describe() + " - "
                    + other.describe() + "); cast to an integer or float dtype first, or use logical ops");
        }
        return backend().binary(op, this, other);
    }

    public Tensor add(Tensor o) { return binary(BinaryOp.ADD, o); }
    public Tensor sub(Tensor o) { return binary(BinaryOp.SUB, o); }
    public Tensor mul(Tensor o) { return binary(BinaryOp.MUL, o); }
    public Tensor div(Tensor o) { return binary(BinaryOp.DIV, o); }
    public Tensor pow(Tensor o) { return binary(BinaryOp.POW, o); }
    public Tensor maximum(Tensor o) { return binary(BinaryOp.MAXIMUM, o); }
    public Tensor minimum(Tensor o) { return binary(BinaryOp.MINIMUM, o); }
    public Tensor eq(Tensor o) { return binary(BinaryOp.EQ, o); }
    public Tensor ne(Tensor o) { return binary(BinaryOp.NE, o); }
    public Tensor lt(Tensor o) { return binary(BinaryOp.LT, o); }
    public Tensor le(Tensor o) { return binary(BinaryOp.LE, o); }
    public Tensor gt(Tensor o) { return binary(BinaryOp.GT, o); }
    public Tensor ge(Tensor o) { return binary(BinaryOp.GE, o); }

    public Tensor binary(BinaryOp op, double s) { return backend().binaryScalar(op, this, s); }

    public Tensor add(double s) { return binary(BinaryOp.ADD, s); }
    public Tensor sub(double s) { return binary(BinaryOp.SUB, s); }
    public Tensor mul(double s) { return binary(BinaryOp.MUL, s); }
    public Tensor div(double s) { return binary(BinaryOp.DIV, s); }
    public Tensor pow(double s) { return binary(BinaryOp.POW, s); }
    public Tensor eq(double s) { return binary(BinaryOp.EQ, s); }
    public Tensor ne(double s) { return binary(BinaryOp.NE, s); }
    public Tensor lt(double s) { return binary(BinaryOp.LT, s); }
    public Tensor le(double s) { return binary(BinaryOp.LE, s); }
    public Tensor gt(double s) { return binary(BinaryOp.GT, s); }
    public Tensor ge(double s) { return binary(BinaryOp.GE, s); }

    /** {@code cond ? a : b}, all broadcast together. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        if (cond.dtype != DType.BOOL && cond.dtype != DType.UINT8) {
            throw new IllegalArgumentException("where: condition must be bool or uint8, got " + cond.describe());
        }
        if (a.dtype != b.dtype) {
            throw new IllegalArgumentException("where: branches must share a dtype, got " + a.describe() + " and " + b.describe()
                    + "; cast one with cast()");
        }
        Shape.broadcast("where", Shape.broadcast("where", cond.shape, a.shape), b.shape);
        Device d = !cond.isCpuScalar() ? cond.device() : !a.isCpuScalar() ? a.device() : b.device();
        if (!cond.device().equals(d) || !a.device().equals(d) || !b.device().equals(d)) {
            try (Tensor c2 = cond.isCpuScalar() ? cond.to(d) : cond.alias(); Tensor a2 = a.isCpuScalar() ? a.to(d) : a.alias();
                 Tensor b2 = b.isCpuScalar() ? b.to(d) : b.alias()) {
                if (c2.device().equals(d) && a2.device().equals(d) && b2.device().equals(d)) return where(c2, a2, b2);
            }
        }
        a.checkSameDevice("where", b);
        a.checkSameDevice("where", cond);
        return a.backend().where(cond, a, b);
    }

    // ---- reductions ------------------------------------------------------------------------

    public Tensor reduce(ReduceOp op, boolean keepDims, int... axes) {
        int[] ax = normalizeAxes(op.label(), axes);
        if ((op == ReduceOp.MAX || op == ReduceOp.MIN) && numel() == 0) {
            throw new IllegalArgumentException(op.label() + ": " + describe() + " is empty; max/min of nothing is undefined");
        }
        return backend().reduce(op, this, ax, keepDims);
    }

    /** Sum over the given axes (all axes when none are given). */
    public Tensor sum(int... axes) { return reduce(ReduceOp.SUM, false, axes); }
    public Tensor sumKeep(int... axes) { return reduce(ReduceOp.SUM, true, axes); }
    public Tensor mean(int... axes) { return reduce(ReduceOp.MEAN, false, axes); }
    public Tensor meanKeep(int... axes) { return reduce(ReduceOp.MEAN, true, axes); }
    public Tensor max(int... axes) { return reduce(ReduceOp.MAX, false, axes); }
    public Tensor min(int... axes) { return reduce(ReduceOp.MIN, false, axes); }
    public Tensor prod(int... axes) { return reduce(ReduceOp.PROD, false, axes); }

    public Tensor argmax(int axis, boolean keepDim) {
        int a = Shape.normalizeAxis(axis, rank(), "argmax");
        if (shape.dim(a) == 0) throw new IllegalArgumentException("argmax: axis " + axis + " of " + describe() + " is empty");
        return backend().argMax(this, a, keepDim);
    }

    public Tensor argmax(int axis) { return argmax(axis, false); }

    public Tensor argmin(int axis, boolean keepDim) {
        int a = Shape.normalizeAxis(axis, rank(), "argmin");
        if (shape.dim(a) == 0) throw new IllegalArgumentException("argmin: axis " + axis + " of " + describe() + " is empty");
        return backend().argMin(this, a, keepDim);
    }

    /** Variance with {@code correction} (0: divide by n, 1: by n-1). */
    public Tensor variance(int correction, boolean keepDims, int... axes) {
        if (correction < 0) throw new IllegalArgumentException("variance: correction must be >= 0, got " + correction);
        return backend().variance(this, normalizeAxes("variance", axes), correction, keepDims);
    }

    public Tensor softmax(int axis) {
        requireFloating("softmax");
        return backend().softmax(this, Shape.normalizeAxis(axis, rank(), "softmax"));
    }

    public Tensor logSoftmax(int axis) {
        requireFloating("logSoftmax");
        return backend().logSoftmax(this, Shape.normalizeAxis(axis, rank(), "logSoftmax"));
    }

    /** Sorted, distinct, normalized axes; none given means every axis. */
    public int[] normalizeAxes(String op, int... axes) {
        if (axes.length == 0) {
            int[] all = new int[rank()];
            for (int i = 0; i < all.length; i++) all[i] = i;
            return all;
        }
        boolean[] seen = new boolean[rank()];
        for (int a : axes) {
            int n = Shape.normalizeAxis(a, rank(), op);
            if (seen[n]) throw new IllegalArgumentException(op + ": axis " + a + " given twice in " + Arrays.toString(axes));
            seen[n] = true;
        }
        int[] out = new int[axes.length];
        for (int i = 0, j = 0; i < seen.length; i++) if (seen[i]) out[j++] = i;
        return out;
    }

    // ---- linear algebra --------------------------------------------------------------------

    public Tensor matmul(Tensor other) {
        checkSameDevice("matmul", other);
        if (rank() == 0 || other.rank() == 0) {
            throw new ShapeMismatchException("matmul: operands must have rank >= 1, got " + describe() + " and " + other.describe());
        }
        if (dtype != other.dtype || !dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("matmul: operands must share a floating dtype, got " + describe() + " and "
                    + other.describe());
        }
        int k1 = shape.dim(-1);
        int k2 = other.rank() == 1 ? other.dim(0) : other.dim(-2);
        if (k1 != k2) {
            throw new ShapeMismatchException("matmul: inner sizes differ: " + describe() + " x " + other.describe()
                    + " (" + k1 + " vs " + k2 + "); expected [.., m, k] x [.., k, n]");
        }
        if (rank() > 2 && other.rank() > 2) {
            Shape.broadcast("matmul (batch axes)", Shape.of(Arrays.copyOf(dims(), rank() - 2)),
                    Shape.of(Arrays.copyOf(other.dims(), other.rank() - 2)));
        }
        return backend().matmul(this, other);
    }

    // ---- conversion and copying ------------------------------------------------------------

    public Tensor cast(DType to) { return backend().cast(this, to); }

    /** Fills in place. */
    public Tensor fill_(double value) {
        backend().fill(this, value);
        return this;
    }

    /** Copies {@code src} (broadcast, converted, from any device) into this tensor in place. */
    public Tensor copy_(Tensor src) {
        Shape b = Shape.broadcast("copy_", shape, src.shape);
        if (!b.equals(shape)) {
            throw new ShapeMismatchException("copy_: source " + src.describe() + " does not broadcast to destination " + describe());
        }
        if (!src.device().equals(device())) {
            try (Tensor moved = src.to(device())) { backend().copyInto(this, moved); }
            return this;
        }
        backend().copyInto(this, src);
        return this;
    }

    public static Tensor concat(List<Tensor> xs, int axis) {
        if (xs.isEmpty()) throw new IllegalArgumentException("concat: needs at least one tensor");
        Tensor first = xs.get(0);
        int a = Shape.normalizeAxis(axis, first.rank(), "concat");
        for (int i = 1; i < xs.size(); i++) {
            Tensor t = xs.get(i);
            first.checkSameDevice("concat (tensor " + i + ")", t);
            if (t.dtype != first.dtype) {
                throw new IllegalArgumentException("concat: tensor " + i + " is " + t.describe() + " but tensor 0 is "
                        + first.describe() + "; cast them to one dtype");
            }
            boolean ok = t.rank() == first.rank();
            for (int d = 0; ok && d < t.rank(); d++) ok = d == a || t.dim(d) == first.dim(d);
            if (!ok) {
                throw new ShapeMismatchException("concat: tensor " + i + " " + t.shape + " does not match tensor 0 "
                        + first.shape + " outside axis " + a);
            }
        }
        return first.backend().concat(xs, a);
    }

    public static Tensor stack(List<Tensor> xs, int axis) {
        if (xs.isEmpty()) throw new IllegalArgumentException("stack: needs at least one tensor");
        for (int i = 1; i < xs.size(); i++) {
            if (!xs.get(i).shape.equals(xs.get(0).shape)) {
                throw new ShapeMismatchException("stack: tensor " + i + " " + xs.get(i).shape + " differs from tensor 0 "
                        + xs.get(0).shape + "; stacked tensors must have one shape");
            }
        }
        int a = Shape.normalizeAxis(axis, xs.get(0).rank() + 1, "stack");
        try (TensorScope scope = new TensorScope()) {
            List<Tensor> us = new ArrayList<>();
            for (Tensor t : xs) us.add(t.unsqueeze(a));
            return scope.retain(concat(us, a));
        }
    }

    /** Pads axis i by before[i] and after[i]. */
    public Tensor pad(int[] before, int[] after, PadMode mode, double value) {
        if (before.length != rank() || after.length != rank()) {
            throw new IllegalArgumentException("pad: need " + rank() + " before/after sizes for " + describe() + ", got "
                    + Arrays.toString(before) + " and " + Arrays.toString(after));
        }
        for (int i = 0; i < rank(); i++) {
            if (before[i] < 0 || after[i] < 0) throw new IllegalArgumentException("pad: sizes must be >= 0, got " + Arrays.toString(before) + " / " + Arrays.toString(after));
            if (mode == PadMode.REFLECT && (before[i] >= dim(i) || after[i] >= dim(i)) && (before[i] > 0 || after[i] > 0)) {
                throw new IllegalArgumentException("pad: reflect padding of " + Math.max(before[i], after[i]) + " on axis " + i
                        + " needs the axis longer than that, but it has " + dim(i));
            }
            if (mode == PadMode.EDGE && dim(i) == 0 && (before[i] > 0 || after[i] > 0)) {
                throw new IllegalArgumentException("pad: edge padding of empty axis " + i);
            }
        }
        return backend().pad(this, before.clone(), after.clone(), mode, value);
    }

    public Tensor flip(int... axes) { return backend().flip(this, normalizeAxes("flip", axes)); }

    public Tensor gather(int axis, Tensor index) {
        int a = Shape.normalizeAxis(axis, rank(), "gather");
        requireIndex("gather", index);
        if (index.rank() != rank()) {
            throw new ShapeMismatchException("gather: index " + index.describe() + " must have the rank of " + describe());
        }
        for (int d = 0; d < rank(); d++) {
            if (d != a && index.dim(d) > dim(d)) {
                throw new ShapeMismatchException("gather: index " + index.shape + " is larger than input " + shape + " at axis " + d);
            }
        }
        checkSameDevice("gather (index)", index);
        return backend().gather(this, a, index);
    }

    public Tensor indexSelect(int axis, Tensor index) {
        int a = Shape.normalizeAxis(axis, rank(), "indexSelect");
        requireIndex("indexSelect", index);
        if (index.rank() != 1) throw new ShapeMismatchException("indexSelect: index must be rank 1, got " + index.describe());
        checkSameDevice("indexSelect (index)", index);
        return backend().indexSelect(this, a, index);
    }

    /** One-hot over a new class axis at {@code axis} of the output. */
    public Tensor oneHot(int numClasses, int axis, DType to) {
        if (dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("oneHot: labels must be an integer tensor, got " + describe() + "; cast labels to int64");
        }
        if (numClasses <= 0) throw new IllegalArgumentException("oneHot: numClasses must be positive, got " + numClasses);
        return backend().oneHot(this, numClasses, Shape.normalizeAxis(axis, rank() + 1, "oneHot"), to);
    }

    private static void requireIndex(String op, Tensor index) {
        if (index.dtype != DType.INT64 && index.dtype != DType.INT32) {
            throw new IllegalArgumentException(op + ": index must be int64 or int32, got " + index.describe());
        }
    }

    private void requireFloating(String op) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": needs a floating-point tensor, got " + describe() + "; cast it first");
        }
    }

    /** A 0-d tensor on the CPU: like PyTorch, it may join an op on another device, where it is copied. */
    private boolean isCpuScalar() { return rank() == 0 && device().isCpu(); }

    /** A new view of the same storage (closing it leaves this tensor open). */
    private Tensor alias() { return new Tensor(storage(), dtype, shape, strides, offset); }

    private void checkSameDevice(String op, Tensor other) {
        if (!device().equals(other.device())) {
            throw new IllegalArgumentException(op + ": tensors are on different devices (" + device() + " and "
                    + other.device() + "); move one with to()");
        }
    }

    // ---- lifetime --------------------------------------------------------------------------

    /** Releases this view's hold on its storage. Idempotent. */
    @Override public void close() {
        if (!closed) {
            closed = true;
            storage.release();
        }
    }

    @Override public String toString() {
        if (closed) return "Tensor(" + describe() + ", closed)";
        StringBuilder sb = new StringBuilder("Tensor(").append(describe());
        if (numel() <= 64) {
            sb.append(", ").append(Arrays.toString(toDoubleArray()));
        }
        return sb.append(')').toString();
    }
}
