package org.voxelforge.core.cuda;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.voxelforge.core.Backend;
import org.voxelforge.core.Backends;
import org.voxelforge.core.BinaryOp;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.Device;
import org.voxelforge.core.GroupNormShape;
import org.voxelforge.core.MaxPool3dResult;
import org.voxelforge.core.MemoryFormat;
import org.voxelforge.core.PadMode;
import org.voxelforge.core.Pool3dParams;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.ReduceOp;
import org.voxelforge.core.Shape;
import org.voxelforge.core.ShapeMismatchException;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.UnaryOp;
import org.voxelforge.core.UpsampleMode;
import org.voxelforge.core.cuda.TensorKernels.View;
import org.voxelforge.core.fused.GroupNormAct;

/**
 * The {@link Backend} of a CUDA device: every op on float32 tensors runs as our kernels (or cuBLAS
 * and cuDNN where {@link Accelerator} has them) on the device's compute stream; an op or dtype
 * without a kernel runs on the CPU through {@link HostFallback}, counted and reported by its
 * policy. The same class serves a real GPU ({@link #forGpu}) and the emulator ({@link #emulated}),
 * which is how all of it is tested in CI; the reference for every op is {@code Backends.cpu()}.
 *
 * <p>On a GPU, matmul goes through cuBLAS and conv3d through cuDNN where those libraries load and
 * take the problem (our GEMM and implicit-GEMM kernels otherwise, and for good after a library
 * fails, with one line on stderr); {@code -Dvoxelforge.cuda.tf32=true} lets both use TF32.
 *
 * <p>Data movement (copy, cast, concat, pad, flip, fill) runs on the device for every dtype.
 * Launches return before the kernel finishes on a GPU; reading a result back ({@link #download},
 * {@code Tensor.item()}) waits for it, and an asynchronous kernel error surfaces there.
 */
public final class CudaBackend implements Backend {
    private static final Map<Integer, CudaBackend> GPUS = new ConcurrentHashMap<>();

    private final Accelerator acc;
    private final DeviceTensors mem;
    private final HostFallback fallback;
    private final TensorKernels tk;
    private final FusedKernels fused;
    private final ConvKernels conv;
    private final GemmKernels gemm;
    private final IndexKernels indexing;
    private final PoolKernels pool;
    private final VolumeKernels volume;
    private volatile CublasMatmul cublas; // null: not tried yet or not available
    private volatile CudnnConv3d cudnn;
    private volatile boolean cublasTried, cudnnTried;
    private volatile boolean cudnnChannelsLastOff; // cuDNN refused a channels-last convolution
    private final CudaKernels basic;

    public CudaBackend(Accelerator acc) {
        this.acc = acc;
        this.mem = new DeviceTensors(acc);
        this.fallback = new HostFallback(acc.device().toString());
        KernelLauncher l = acc.launcher();
        this.tk = new TensorKernels(l);
        this.fused = new FusedKernels(l);
        this.conv = new ConvKernels(l);
        this.gemm = new GemmKernels(l);
        this.indexing = new IndexKernels(l);
        this.pool = new PoolKernels(l);
        this.volume = new VolumeKernels(l);
        this.basic = new CudaKernels(l);
    }

    /** The backend of cuda:{@code ordinal}; throws IllegalStateException with the reason when CUDA is unavailable. */
    public static CudaBackend forGpu(int ordinal) {
        return GPUS.computeIfAbsent(ordinal, o -> new CudaBackend(GpuAccelerator.of(o)));
    }

    private static final class Emulated {
        static final CudaBackend INSTANCE = new CudaBackend(EmulatedAccelerator.get());
    }

    /** The backend over the emulator; throws IllegalStateException with the reason when it is unavailable. */
    public static CudaBackend emulated() {
        EmulatedAccelerator.get();
        return Emulated.INSTANCE;
    }

    public Accelerator accelerator() { return acc; }

    /** The ops that ran on the host so far in this process, "op (reason)" -> count ({@link HostFallback}). */
    public static Map<String, Long> hostFallbacks() { return HostFallback.counts(); }

    public static void resetHostFallbacks() { HostFallback.reset(); }

    @Override public Device device() { return acc.device(); }

    private long stream() { return acc.stream(); }

    @Override public Tensor zeros(DType dtype, Shape shape) { return mem.zeros(dtype, shape); }

    @Override public Tensor upload(Tensor host) { return mem.upload(host); }

    @Override public Tensor download(Tensor x) { return mem.download(x, this::contiguous); }

    // ---- elementwise ----------------------------------------------------------------------------

    @Override public Tensor unary(UnaryOp op, Tensor x) {
        if (!f32(x)) return onHost("unary " + op.label(), why(x), h -> Backends.cpu().unary(op, h[0]), x);
        return elementwise(DType.FLOAT32, x.shape(), (v, y) -> tk.unary(op, v[0], y, stream()), x);
    }

    @Override public Tensor leakyRelu(Tensor x, double slope) {
        if (!f32(x)) return onHost("leakyRelu", why(x), h -> Backends.cpu().leakyRelu(h[0], slope), x);
        return elementwise(DType.FLOAT32, x.shape(), (v, y) -> tk.leakyRelu(v[0], (float) slope, y, stream()), x);
    }

    @Override public Tensor leakyReluBackward(Tensor x, Tensor grad, double slope) {
        if (!f32(x, grad)) return onHost("leakyReluBackward", why(x, grad), h -> Backends.cpu().leakyReluBackward(h[0], h[1], slope), x, grad);
        return elementwise(DType.FLOAT32, x.shape(), (v, y) -> tk.leakyReluBackward(v[0], v[1], (float) slope, y, stream()), x, grad);
    }

    @Override public Tensor clamp(Tensor x, double lo, double hi) {
        if (!f32(x)) return onHost("clamp", why(x), h -> Backends.cpu().clamp(h[0], lo, hi), x);
        return elementwise(DType.FLOAT32, x.shape(), (v, y) -> tk.clamp(v[0], (float) lo, (float) hi, y, stream()), x);
    }

    @Override public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        if (!f32(a, b)) return onHost(op.label(), why(a, b), h -> Backends.cpu().binary(op, h[0], h[1]), a, b);
        Shape out = Shape.broadcast(op.label(), a.shape(), b.shape());
        return elementwise(op.isComparison() ? DType.BOOL : DType.FLOAT32, out, (v, y) -> tk.binary(op, v[0], v[1], y, stream()), a, b);
    }

    @Override public Tensor binaryScalar(BinaryOp op, Tensor a, double s) {
        if (!f32(a)) return onHost(op.label() + " (scalar)", why(a), h -> Backends.cpu().binaryScalar(op, h[0], s), a);
        return elementwise(op.isComparison() ? DType.BOOL : DType.FLOAT32, a.shape(), (v, y) -> tk.binaryScalar(op, v[0], s, y, stream()), a);
    }

    @Override public Tensor where(Tensor cond, Tensor a, Tensor b) {
        boolean condOk = cond.dtype() == DType.BOOL || cond.dtype() == DType.UINT8;
        if (!condOk || !f32(a, b)) return onHost("where", why(a, b), h -> Backends.cpu().where(h[0], h[1], h[2]), cond, a, b);
        Shape out = Shape.broadcast("where", Shape.broadcast("where", cond.shape(), a.shape()), b.shape());
        return elementwise(DType.FLOAT32, out, (v, y) -> tk.where(v[0], v[1], v[2], y, stream()), cond, a, b);
    }

    /** An elementwise kernel: reads the operands' views, writes the contiguous buffer at the pointer. */
    private interface ElementwiseKernel {
        void run(View[] operands, long out);
    }

    /**
     * Runs an elementwise kernel so that the output keeps the memory format of its operands: when
     * one operand of the output's shape is channels-last, every operand is read in stored order
     * ([N, spatial..., C]) and the kernel's contiguous output is the stored buffer of a
     * channels-last result. Otherwise the output is contiguous, as the kernels write it.
     */
    private Tensor elementwise(DType dtype, Shape out, ElementwiseKernel kernel, Tensor... operands) {
        MemoryFormat format = formatOf(out, operands);
        int r = out.rank();
        View[] views = new View[operands.length];
        for (int i = 0; i < operands.length; i++) views[i] = mem.view(operands[i], format, r);
        return mem.produce(dtype, out, format, y -> kernel.run(views, mem.ptr(y)));
    }

    /** CHANNELS_LAST when an operand of the output's shape strides like channels-last, else CONTIGUOUS. */
    private static MemoryFormat formatOf(Shape out, Tensor... operands) {
        for (Tensor t : operands) {
            if (t != null && t.shape().equals(out) && MemoryFormat.of(t) == MemoryFormat.CHANNELS_LAST) return MemoryFormat.CHANNELS_LAST;
        }
        return MemoryFormat.CONTIGUOUS;
    }

    // ---- group norm -----------------------------------------------------------------------------

    @Override public Tensor[] groupNormAct(Tensor x, Tensor gamma, Tensor beta, int groups, double eps, double slope) {
        if (!f32(x, gamma, beta)) {
            return onHostAll("groupNorm", why(x, gamma, beta), h -> Backends.cpu().groupNormAct(h[0], h[1], h[2], groups, eps, slope),
                    x, gamma, beta);
        }
        GroupNormShape s = GroupNormShape.check("groupNorm", x, gamma, beta, groups);
        if (!(eps > 0)) throw new IllegalArgumentException("groupNorm: eps must be > 0, got " + eps);
        GroupNormAct.Geometry geo = geometry(s);
        // A channels-last x runs the NDHWC kernels as it is stored, and y comes back channels-last.
        MemoryFormat format = MemoryFormat.of(x);
        GroupNormAct.Layout layout = layout(format);
        Tensor y = mem.empty(DType.FLOAT32, x.shape(), format);
        try (Tensor xc = x.contiguous(format);
             Tensor g = gamma == null ? filled(1f, s.c()) : dense(gamma);
             Tensor b = beta == null ? filled(0f, s.c()) : dense(beta);
             Tensor mean = mem.empty(DType.FLOAT32, s.n(), groups); Tensor rstd = mem.empty(DType.FLOAT32, s.n(), groups);
             Tensor scratch = mem.empty(DType.FLOAT32, (int) Math.max(1, FusedKernels.groupNormForwardScratch(geo, layout)))) {
            fused.groupNormForward(geo, layout, mem.ptr(xc), mem.ptr(g), mem.ptr(b), (float) slope, eps, mem.ptr(y), mem.ptr(mean),
                    mem.ptr(rstd), mem.ptr(scratch), stream());
            return new Tensor[] {y, cast(mean, DType.FLOAT64), cast(rstd, DType.FLOAT64)};
        } catch (RuntimeException | Error e) {
            y.close();
            throw e;
        }
    }

    @Override public Tensor[] groupNormActBackward(Tensor x, Tensor dy, Tensor gamma, Tensor beta, Tensor mean, Tensor rstd,
                                                   int groups, double slope) {
        if (!f32(x, dy, gamma, beta)) {
            return onHostAll("groupNormBackward", why(x, dy, gamma, beta),
                    h -> Backends.cpu().groupNormActBackward(h[0], h[1], h[2], h[3], h[4], h[5], groups, slope), x, dy, gamma, beta,
                    mean, rstd);
        }
        GroupNormShape s = GroupNormShape.check("groupNormBackward", x, gamma, beta, groups);
        s.checkBackward(x, dy, mean, rstd);
        GroupNormAct.Geometry geo = geometry(s);
        // x's format decides (as the forward did): dy is brought into it, and dx comes back in it.
        MemoryFormat format = MemoryFormat.of(x);
        GroupNormAct.Layout layout = layout(format);
        Tensor dx = mem.empty(DType.FLOAT32, x.shape(), format);
        Tensor dg = mem.empty(DType.FLOAT32, s.c()), db = mem.empty(DType.FLOAT32, s.c());
        try (Tensor xc = x.contiguous(format); Tensor dyc = dy.contiguous(format);
             Tensor g = gamma == null ? filled(1f, s.c()) : dense(gamma);
             Tensor b = beta == null ? filled(0f, s.c()) : dense(beta); Tensor m = cast(mean, DType.FLOAT32);
             Tensor r = cast(rstd, DType.FLOAT32);
             Tensor scratch = mem.empty(DType.FLOAT32, (int) Math.max(1, FusedKernels.groupNormBackwardScratch(geo, layout)))) {
            fused.groupNormBackward(geo, layout, mem.ptr(xc), mem.ptr(dyc), mem.ptr(g), mem.ptr(b), mem.ptr(m), mem.ptr(r), (float) slope,
                    mem.ptr(dx), mem.ptr(dg), mem.ptr(db), mem.ptr(scratch), stream());
        } catch (RuntimeException | Error e) {
            dx.close();
            dg.close();
            db.close();
            throw e;
        }
        if (gamma == null) {
            dg.close();
            db.close();
            return new Tensor[] {dx, null, null};
        }
        return new Tensor[] {dx, dg, db};
    }

    private static GroupNormAct.Layout layout(MemoryFormat format) {
        return format == MemoryFormat.CHANNELS_LAST ? GroupNormAct.Layout.NDHWC : GroupNormAct.Layout.NCDHW;
    }

    private static GroupNormAct.Geometry geometry(GroupNormShape s) {
        if (s.s() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("groupNorm: " + s.s() + " voxels per channel exceed the fused kernels' int range");
        }
        return new GroupNormAct.Geometry(s.n(), s.c(), s.groups(), (int) s.s());
    }

    // ---- reductions -----------------------------------------------------------------------------

    @Override public Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepDims) {
        if (!f32(x)) return onHost("reduce " + op.label(), why(x), h -> Backends.cpu().reduce(op, h[0], axes, keepDims), x);
        Tensor y = mem.empty(DType.FLOAT32, reducedShape(x.shape(), axes, keepDims));
        tk.reduce(op, mem.view(x), axes, mem.ptr(y), stream());
        return y;
    }

    @Override public Tensor argMax(Tensor x, int axis, boolean keepDim) { return argReduce(true, x, axis, keepDim); }

    @Override public Tensor argMin(Tensor x, int axis, boolean keepDim) { return argReduce(false, x, axis, keepDim); }

    private Tensor argReduce(boolean max, Tensor x, int axis, boolean keepDim) {
        if (!f32(x)) {
            return onHost(max ? "argMax" : "argMin", why(x),
                    h -> max ? Backends.cpu().argMax(h[0], axis, keepDim) : Backends.cpu().argMin(h[0], axis, keepDim), x);
        }
        Tensor y = mem.empty(DType.INT64, reducedShape(x.shape(), new int[] {axis}, keepDim));
        tk.argReduce(max, mem.view(x), axis, mem.ptr(y), stream());
        return y;
    }

    @Override public Tensor variance(Tensor x, int[] axes, int correction, boolean keepDims) {
        if (!f32(x)) return onHost("variance", why(x), h -> Backends.cpu().variance(h[0], axes, correction, keepDims), x);
        Tensor y = mem.empty(DType.FLOAT32, reducedShape(x.shape(), axes, keepDims));
        tk.variance(mem.view(x), axes, correction, mem.ptr(y), stream());
        return y;
    }

    /** x's shape without (or with size 1 at, when {@code keep}) the reduced axes; empty axes reduce all. */
    private static Shape reducedShape(Shape x, int[] axes, boolean keep) {
        boolean[] reduced = new boolean[x.rank()];
        if (axes.length == 0) Arrays.fill(reduced, true);
        for (int a : axes) reduced[a] = true;
        List<Integer> out = new ArrayList<>();
        for (int a = 0; a < x.rank(); a++) {
            if (!reduced[a]) out.add(x.dim(a));
            else if (keep) out.add(1);
        }
        return Shape.of(out.stream().mapToInt(Integer::intValue).toArray());
    }

    @Override public Tensor softmax(Tensor x, int axis) { return softmax(x, axis, false); }

    @Override public Tensor logSoftmax(Tensor x, int axis) { return softmax(x, axis, true); }

    private Tensor softmax(Tensor x, int axis, boolean log) {
        if (!f32(x)) {
            return onHost(log ? "logSoftmax" : "softmax", why(x),
                    h -> log ? Backends.cpu().logSoftmax(h[0], axis) : Backends.cpu().softmax(h[0], axis), x);
        }
        // in x's format: the kernel walks the stored-order view, where logical axis a sits at logicalOrder[a]
        MemoryFormat format = MemoryFormat.of(x);
        int stored = format.logicalOrder(x.rank())[Shape.normalizeAxis(axis, x.rank(), log ? "logSoftmax" : "softmax")];
        return elementwise(DType.FLOAT32, x.shape(), (v, y) -> tk.softmax(v[0], stored, log, y, stream()), x);
    }

    // ---- linear algebra -------------------------------------------------------------------------

    /** cuBLAS where it takes the layout (a GPU), else our tiled GEMM kernel. */
    @Override public Tensor matmul(Tensor a, Tensor b) {
        if (!f32(a, b)) return onHost("matmul", why(a, b), h -> Backends.cpu().matmul(h[0], h[1]), a, b);
        Tensor c = mem.empty(DType.FLOAT32, Shape.of(GemmKernels.matmulShape(a.dims(), b.dims())));
        CublasMatmul lib = cublas();
        boolean done = false;
        if (lib != null) {
            try {
                done = lib.matmul(mem.view(a), mem.view(b), mem.ptr(c));
            } catch (RuntimeException e) {
                cublas = null;
                System.err.println("[voxelforge] cuBLAS failed (" + e.getMessage() + "); matmul uses VoxelForge's GEMM kernel from now on");
            }
        }
        if (!done) gemm.matmul(mem.view(a), mem.view(b), mem.ptr(c), stream());
        return c;
    }

    /** -Dvoxelforge.cuda.tf32=true: cuBLAS and cuDNN may use TF32 tensor cores for float32 (about 1e-3 relative error). */
    public static boolean tf32() { return Boolean.getBoolean("voxelforge.cuda.tf32"); }

    private CublasMatmul cublas() {
        if (!cublasTried) {
            synchronized (this) {
                if (!cublasTried) {
                    cublas = acc.blas().map(CublasMatmul::new).orElse(null);
                    cublasTried = true;
                }
            }
        }
        return cublas;
    }

    private CudnnConv3d cudnn() {
        if (!cudnnTried) {
            synchronized (this) {
                if (!cudnnTried) {
                    try {
                        cudnn = acc.dnn().map(d -> new CudnnConv3d(acc, d, tf32())).orElse(null);
                    } catch (IllegalStateException e) { // the version policy refuses this cuDNN
                        System.err.println("[voxelforge] " + e.getMessage() + "; conv3d uses VoxelForge's kernels");
                    }
                    cudnnTried = true;
                }
            }
        }
        return cudnn;
    }

    /**
     * Runs {@code call} on cuDNN when present; false when absent or failed. A failure in NCDHW turns
     * cuDNN off for good; one in channels-last only for channels-last convolutions, which then run
     * cuDNN on NCDHW copies ({@link #channelsLastViaNcdhw}); each said once on stderr.
     */
    private boolean viaCudnn(MemoryFormat format, java.util.function.Consumer<CudnnConv3d> call) {
        CudnnConv3d lib = cudnn();
        boolean last = format == MemoryFormat.CHANNELS_LAST;
        if (lib == null || (last && cudnnChannelsLastOff)) return false;
        try {
            call.accept(lib);
            return true;
        } catch (RuntimeException e) {
            if (last) {
                cudnnChannelsLastOff = true;
                System.err.println("[voxelforge] cuDNN failed on a channels-last conv3d (" + e.getMessage() + "); channels-last conv3d runs"
                        + " cuDNN on NCDHW copies from now on (two layout copies per convolution: drop --channels-last to save them)");
            } else {
                cudnn = null;
                System.err.println("[voxelforge] cuDNN failed (" + e.getMessage() + "); conv3d uses VoxelForge's implicit-GEMM kernels from now on");
            }
            return false;
        }
    }

    // ---- data movement --------------------------------------------------------------------------

    /** A copy in {@code dtype} that keeps x's memory format (PyTorch's {@code .to(dtype)}). */
    @Override public Tensor cast(Tensor x, DType dtype) { return copy(x, dtype, MemoryFormat.of(x)); }

    @Override public Tensor contiguous(Tensor x) { return copy(x, x.dtype(), MemoryFormat.CONTIGUOUS); }

    /** One strided copy into an uninitialised buffer in {@code format} (no zero fill first). */
    @Override public Tensor contiguous(Tensor x, MemoryFormat format) { return copy(x, x.dtype(), format); }

    private Tensor copy(Tensor x, DType dtype, MemoryFormat format) {
        Tensor y = mem.empty(dtype, x.shape(), format);
        tk.copy(mem.view(x), x.dtype(), mem.view(y), dtype, stream());
        return y;
    }

    /** x itself (a new view) when contiguous, else a contiguous copy: for kernels that need dense operands. */
    private Tensor dense(Tensor x) { return x.isContiguous() ? x.to(x.device()) : contiguous(x); }

    @Override public void copyInto(Tensor dst, Tensor src) {
        tk.copy(mem.view(src), src.dtype(), mem.view(dst), dst.dtype(), stream());
        dst.storage().bumpVersion();
    }

    @Override public void fill(Tensor dst, double value) {
        tk.fill(mem.view(dst), dst.dtype(), value, stream());
        dst.storage().bumpVersion();
    }

    /** A new float32 [n] tensor of {@code value}. */
    private Tensor filled(float value, int n) {
        Tensor t = mem.empty(DType.FLOAT32, n);
        basic.fillF32(mem.ptr(t), value, n, stream());
        return t;
    }

    /** Computed on the host (a handful of numbers) and copied over; not counted as a fallback. */
    @Override public Tensor arange(double start, double end, double step, DType dtype) {
        try (Tensor host = Backends.cpu().arange(start, end, step, dtype)) {
            return mem.upload(host);
        }
    }

    @Override public Tensor concat(List<Tensor> xs, int axis) {
        DType dt = xs.get(0).dtype();
        int[] dims = xs.get(0).dims();
        int r = dims.length, total = 0;
        // the first input's format: channels-last inputs concatenate along C as the fastest stored axis
        MemoryFormat format = MemoryFormat.of(xs.get(0));
        List<View> views = new ArrayList<>(xs.size());
        for (Tensor t : xs) {
            total = Math.addExact(total, t.dim(axis));
            views.add(mem.view(t, format, r));
        }
        dims[axis] = total;
        Tensor y = mem.empty(dt, Shape.of(dims), format);
        tk.concat(views, dt, format.logicalOrder(r)[axis], mem.ptr(y), stream());
        return y;
    }

    @Override public Tensor pad(Tensor x, int[] before, int[] after, PadMode mode, double value) {
        if (mode != PadMode.CONSTANT) {
            return onHost("pad " + mode.name().toLowerCase(java.util.Locale.ROOT), "no CUDA kernel yet",
                    h -> Backends.cpu().pad(h[0], before, after, mode, value), x);
        }
        int[] out = new int[x.rank()];
        for (int a = 0; a < out.length; a++) out[a] = Math.addExact(Math.addExact(x.dim(a), before[a]), after[a]);
        MemoryFormat format = MemoryFormat.of(x);
        int[] order = format.storedOrder(x.rank()), storedBefore = new int[out.length], storedAfter = new int[out.length];
        for (int i = 0; i < out.length; i++) {
            storedBefore[i] = before[order[i]];
            storedAfter[i] = after[order[i]];
        }
        Tensor y = mem.empty(x.dtype(), Shape.of(out), format);
        tk.padConstant(mem.view(x, format, x.rank()), x.dtype(), storedBefore, storedAfter, value, mem.ptr(y), stream());
        return y;
    }

    /** A strided copy that walks the flipped axes backwards. */
    @Override public Tensor flip(Tensor x, int[] axes) {
        Tensor y = mem.empty(x.dtype(), x.shape(), MemoryFormat.of(x));
        if (x.numel() == 0) return y;
        long[] st = x.strides();
        long start = mem.ptr(x);
        for (int a : axes) {
            start += (x.dim(a) - 1L) * st[a] * x.dtype().byteSize();
            st[a] = -st[a];
        }
        tk.copy(new View(start, x.dims(), st), x.dtype(), mem.view(y), x.dtype(), stream());
        return y;
    }

    @Override public Tensor gather(Tensor x, int axis, Tensor index) {
        return mem.produce(x.dtype(), index.shape(), y -> checkedIndexing("gather", x, axis,
                bad -> indexing.gather(mem.view(x), x.dtype(), axis, mem.view(index), index.dtype(), mem.ptr(y), bad, stream())));
    }

    @Override public void scatterAdd(Tensor dst, int axis, Tensor index, Tensor src) {
        if (!f32(dst, src)) {
            onHostInPlace("scatterAdd", why(dst, src), dst, (d, h) -> Backends.cpu().scatterAdd(d, axis, h[0], h[1]), index, src);
            return;
        }
        checkedIndexing("scatterAdd", dst, axis, bad -> indexing.scatterAdd(mem.view(dst), axis, mem.view(index), index.dtype(), mem.view(src), bad, stream()));
        dst.storage().bumpVersion();
    }

    @Override public Tensor indexSelect(Tensor x, int axis, Tensor index) {
        int[] dims = x.dims();
        dims[axis] = index.dim(0);
        return mem.produce(x.dtype(), Shape.of(dims), y -> checkedIndexing("indexSelect", x, axis,
                bad -> indexing.indexSelect(mem.view(x), x.dtype(), axis, mem.view(index), index.dtype(), mem.ptr(y), bad, stream())));
    }

    @Override public void indexAdd(Tensor dst, int axis, Tensor index, Tensor src) {
        if (!f32(dst, src)) {
            onHostInPlace("indexAdd", why(dst, src), dst, (d, h) -> Backends.cpu().indexAdd(d, axis, h[0], h[1]), index, src);
            return;
        }
        checkedIndexing("indexAdd", dst, axis, bad -> indexing.indexAdd(mem.view(dst), axis, mem.view(index), index.dtype(), mem.view(src), bad, stream()));
        dst.storage().bumpVersion();
    }

    /**
     * Runs an index kernel with a device slot {position, value} for the first out-of-range index
     * (IndexKernels), then throws the CPU's exception when one was found.
     */
    private void checkedIndexing(String op, Tensor x, int axis, java.util.function.LongConsumer launch) {
        try (Tensor init = Tensor.ofLongs(new long[] {-1, 0}, 2); Tensor bad = mem.upload(init)) {
            launch.accept(mem.ptr(bad));
            long[] found = bad.toLongArray();
            if (found[0] >= 0) throw IndexKernels.outOfRange(op, found[1], axis, x.describe(), x.dim(axis));
        }
    }

    @Override public Tensor oneHot(Tensor labels, int numClasses, int axis, DType dtype) {
        boolean wide = labels.dtype() == DType.INT32 || labels.dtype() == DType.INT64;
        try (Tensor l = wide ? labels.to(labels.device()) : cast(labels, DType.INT64);
             Tensor minusOne = Tensor.full(-1, DType.INT64); Tensor bad = mem.upload(minusOne)) {
            int[] dims = new int[labels.rank() + 1];
            for (int a = 0, j = 0; a < dims.length; a++) dims[a] = a == axis ? numClasses : labels.dim(j++);
            Tensor y = mem.produce(DType.FLOAT32, Shape.of(dims), out -> {
                tk.oneHot(mem.view(l), l.dtype(), numClasses, axis, mem.ptr(out), mem.ptr(bad), stream());
                long position = (long) bad.item();
                if (position >= 0) {
                    long label;
                    try (Tensor flat = l.contiguous()) { label = (long) flat.getFlat(position); }
                    throw TensorKernels.oneHotError(label, position, labels.describe(), numClasses);
                }
            });
            if (dtype == DType.FLOAT32) return y;
            try (y) { return cast(y, dtype); }
        }
    }

    // ---- random ---------------------------------------------------------------------------------

    @Override public void fillRandom(Tensor dst, RandomGenerator.Distribution dist, double a, double b, long key, long counter) {
        if (!f32(dst) || !dst.isContiguous()) {
            onHostInPlace("fillRandom", dst.isContiguous() ? why(dst) : "a strided destination", dst,
                    (d, h) -> Backends.cpu().fillRandom(d, dist, a, b, key, counter));
            return;
        }
        basic.randomF32(mem.ptr(dst), dist.ordinal(), a, b, key, counter, dst.numel(), stream());
        dst.storage().bumpVersion();
    }

    // ---- 3D convolution -------------------------------------------------------------------------
    // The activations' format decides the layout: x's for the forward and backward weight, gradY's
    // for backward data (PyTorch's rule). Operands are brought into it (a view when already dense in
    // it), y and dx come back in it, and cuDNN or our kernels run in it; the weight and dw stay
    // contiguous [Cout, Cin/groups, k...] (parameters and their gradients are flat buffers).

    @Override public Tensor conv3d(Tensor x, Tensor w, Tensor bias, Conv3dParams p) {
        if (!f32(x, w, bias)) return onHost("conv3d", why(x, w, bias), h -> Backends.cpu().conv3d(h[0], h[1], h[2], p), x, w, bias);
        Shape ys = p.checkForward("conv3d", x.shape(), w.shape(), bias == null ? null : bias.shape());
        MemoryFormat format = MemoryFormat.of(x);
        if (channelsLastViaNcdhw(format)) {
            try (Tensor xc = x.contiguous(); Tensor y = conv3d(xc, w, bias, p)) { return y.contiguous(format); }
        }
        ConvKernels.Geometry geo = ConvKernels.Geometry.of("conv3d", x.dims(), w.dims(), p, format);
        return mem.produce(DType.FLOAT32, ys, format, y -> {
            try (Tensor xc = x.contiguous(format); Tensor wc = dense(w); Tensor bc = bias == null ? null : dense(bias)) {
                if (viaCudnn(format, lib -> withCudnnWeight(wc, format, wl -> lib.forward(format, x.dims(), w.dims(), ys.dims(), p, mem.ptr(xc), wl, mem.ptr(y))))) {
                    if (bc != null) {
                        // in place on y's stored-order buffer, so a channels-last y stays channels-last
                        int[] bd = format.storedDims(new int[] {1, ys.dim(1), 1, 1, 1});
                        tk.binary(BinaryOp.ADD, mem.view(y, format, ys.rank()), new View(mem.ptr(bc), bd, StridedLayout.contiguousStrides(bd)),
                                mem.ptr(y), stream());
                    }
                } else {
                    conv.forward(geo, mem.ptr(xc), mem.ptr(wc), mem.ptr(bc), mem.ptr(y), stream());
                }
            }
        });
    }

    @Override public Tensor conv3dBackwardData(Tensor gradY, Tensor w, Shape xShape, Conv3dParams p) {
        if (!f32(gradY, w)) {
            return onHost("conv3dBackwardData", why(gradY, w), h -> Backends.cpu().conv3dBackwardData(h[0], h[1], xShape, p), gradY, w);
        }
        String op = "conv3dBackwardData";
        checkGradY(op, gradY, p.checkForward(op, xShape, w.shape(), null), "input " + xShape + ", weight " + w.shape());
        MemoryFormat format = MemoryFormat.of(gradY);
        if (channelsLastViaNcdhw(format)) {
            try (Tensor gc = gradY.contiguous(); Tensor dx = conv3dBackwardData(gc, w, xShape, p)) { return dx.contiguous(format); }
        }
        ConvKernels.Geometry geo = ConvKernels.Geometry.of(op, xShape.dims(), w.dims(), p, format);
        return mem.produce(DType.FLOAT32, xShape, format, dx -> {
            try (Tensor gc = gradY.contiguous(format); Tensor wc = dense(w)) {
                if (!viaCudnn(format, lib -> withCudnnWeight(wc, format,
                        wl -> lib.backwardData(format, xShape.dims(), w.dims(), gradY.dims(), p, mem.ptr(gc), wl, mem.ptr(dx))))) {
                    conv.backwardData(geo, mem.ptr(gc), mem.ptr(wc), mem.ptr(dx), stream());
                }
            }
        });
    }

    @Override public Tensor conv3dBackwardWeight(Tensor gradY, Tensor x, Shape wShape, Conv3dParams p) {
        if (!f32(gradY, x)) {
            return onHost("conv3dBackwardWeight", why(gradY, x), h -> Backends.cpu().conv3dBackwardWeight(h[0], h[1], wShape, p), gradY, x);
        }
        String op = "conv3dBackwardWeight";
        checkGradY(op, gradY, p.checkForward(op, x.shape(), wShape, null), "input " + x.shape() + ", weight " + wShape);
        MemoryFormat format = MemoryFormat.of(x);
        if (channelsLastViaNcdhw(format)) {
            try (Tensor gc = gradY.contiguous(); Tensor xc = x.contiguous()) { return conv3dBackwardWeight(gc, xc, wShape, p); }
        }
        ConvKernels.Geometry geo = ConvKernels.Geometry.of(op, x.dims(), wShape.dims(), p, format);
        return mem.produce(DType.FLOAT32, wShape, dw -> {
            try (Tensor gc = gradY.contiguous(format); Tensor xc = x.contiguous(format)) {
                if (!viaCudnn(format, lib -> cudnnBackwardFilter(lib, format, x.dims(), wShape, gradY.dims(), p, mem.ptr(gc), mem.ptr(xc), dw))) {
                    try (Tensor scratch = mem.empty(DType.FLOAT32, Shape.of((int) Math.max(1, conv.backwardWeightScratch(geo))))) {
                        conv.backwardWeight(geo, mem.ptr(gc), mem.ptr(xc), mem.ptr(dw), mem.ptr(scratch), stream());
                    }
                }
            }
        });
    }

    /**
     * Whether a channels-last convolution runs on NCDHW copies instead: once cuDNN has refused a
     * channels-last one while it still runs NCDHW, two layout copies cost far less than our
     * implicit GEMM's NDHWC addressing.
     */
    private boolean channelsLastViaNcdhw(MemoryFormat format) {
        return format == MemoryFormat.CHANNELS_LAST && cudnnChannelsLastOff && cudnn() != null;
    }

    /**
     * Runs {@code call} with the device address of the weight as cuDNN reads it in {@code format}:
     * the contiguous w for NCDHW, and for channels-last w's copy stored [Cout, kD, kH, kW, Cin/groups]
     * (cuDNN's NHWC filter layout, which its channels-last algorithms want).
     */
    private void withCudnnWeight(Tensor w, MemoryFormat format, java.util.function.LongConsumer call) {
        try (Tensor wl = w.contiguous(format)) {
            call.accept(mem.ptr(wl));
        }
    }

    /** cuDNN's backward filter into dw (contiguous); in channels-last it writes a KDHWC buffer, copied back into dw. */
    private void cudnnBackwardFilter(CudnnConv3d lib, MemoryFormat format, int[] x, Shape wShape, int[] y, Conv3dParams p,
                                     long pdy, long px, Tensor dw) {
        if (format == MemoryFormat.CONTIGUOUS) {
            lib.backwardFilter(format, x, wShape.dims(), y, p, pdy, px, mem.ptr(dw));
            return;
        }
        try (Tensor dwl = mem.empty(DType.FLOAT32, wShape, format)) {
            lib.backwardFilter(format, x, wShape.dims(), y, p, pdy, px, mem.ptr(dwl));
            copyInto(dw, dwl);
        }
    }

    /** The CPU backend's message for a gradY that does not match the convolution. */
    private static void checkGradY(String op, Tensor gradY, Shape expected, String context) {
        if (!gradY.shape().equals(expected)) {
            throw new ShapeMismatchException(op + ": gradY is " + gradY.shape() + " but conv3d of " + context + " gives " + expected);
        }
    }

    // ---- pooling and resampling ---------------------------------------------------------------
    // Layout-preserving (PyTorch's rule): a forward runs in x's memory format, a backward in gradY's
    // (MemoryFormat.of), the operands brought into it (a view when already dense) and the results
    // coming back in it, so a channels-last activation stays channels-last through pooling and resizing.

    @Override public MaxPool3dResult maxPool3d(Tensor x, Pool3dParams p) {
        if (!f32(x)) {
            Tensor[] r = onHostAll("maxPool3d", why(x), h -> {
                MaxPool3dResult m = Backends.cpu().maxPool3d(h[0], p);
                return new Tensor[] {m.values(), m.indices()};
            }, x);
            return new MaxPool3dResult(r[0], r[1]);
        }
        Shape yd = Shape.of(PoolKernels.poolOutputDims("maxPool3d", x.dims(), p));
        MemoryFormat format = MemoryFormat.of(x);
        Tensor y = mem.empty(DType.FLOAT32, yd, format), idx = mem.empty(DType.INT64, yd, format);
        try (Tensor xc = x.contiguous(format)) {
            pool.in(format).maxPool3d(x.dims(), p, mem.ptr(xc), mem.ptr(y), mem.ptr(idx), stream());
        } catch (RuntimeException | Error e) {
            y.close();
            idx.close();
            throw e;
        }
        return new MaxPool3dResult(y, idx);
    }

    @Override public Tensor maxPool3dBackward(Tensor gradY, Tensor indices, Shape xShape, Pool3dParams p) {
        if (!f32(gradY)) {
            return onHost("maxPool3dBackward", why(gradY), h -> Backends.cpu().maxPool3dBackward(h[0], h[1], xShape, p), gradY, indices);
        }
        if (!gradY.shape().equals(indices.shape()) || indices.dtype() != DType.INT64) {
            throw new IllegalArgumentException("maxPool3dBackward: indices " + indices.describe() + " must be int64 of gradY's shape "
                    + gradY.shape() + " (what maxPool3d returned)");
        }
        // the kernel reads gradY and indices at the same offsets: indices come into gradY's format
        return pooled("maxPool3dBackward", xShape, gradY, (format, g, gx) -> {
            try (Tensor ic = indices.contiguous(format)) {
                pool.in(format).maxPool3dBackward(xShape.dims(), gradY.dims(), p, mem.ptr(g), mem.ptr(ic), mem.ptr(gx), stream());
            }
        });
    }

    @Override public Tensor avgPool3d(Tensor x, Pool3dParams p, boolean countIncludePad) {
        if (!f32(x)) return onHost("avgPool3d", why(x), h -> Backends.cpu().avgPool3d(h[0], p, countIncludePad), x);
        return pooled("avgPool3d", Shape.of(PoolKernels.poolOutputDims("avgPool3d", x.dims(), p)), x,
                (format, xc, y) -> pool.in(format).avgPool3d(x.dims(), p, countIncludePad, mem.ptr(xc), mem.ptr(y), stream()));
    }

    @Override public Tensor avgPool3dBackward(Tensor gradY, Shape xShape, Pool3dParams p, boolean countIncludePad) {
        if (!f32(gradY)) {
            return onHost("avgPool3dBackward", why(gradY), h -> Backends.cpu().avgPool3dBackward(h[0], xShape, p, countIncludePad), gradY);
        }
        return pooled("avgPool3dBackward", xShape, gradY, (format, g, gx) ->
                pool.in(format).avgPool3dBackward(xShape.dims(), gradY.dims(), p, countIncludePad, mem.ptr(g), mem.ptr(gx), stream()));
    }

    @Override public Tensor adaptiveAvgPool3d(Tensor x, int[] outSize) {
        if (!f32(x)) return onHost("adaptiveAvgPool3d", why(x), h -> Backends.cpu().adaptiveAvgPool3d(h[0], outSize), x);
        return pooled("adaptiveAvgPool3d", Shape.of(PoolKernels.resizeOutputDims("adaptiveAvgPool3d", x.dims(), outSize)), x,
                (format, xc, y) -> pool.in(format).adaptiveAvgPool3d(x.dims(), outSize, mem.ptr(xc), mem.ptr(y), stream()));
    }

    @Override public Tensor adaptiveAvgPool3dBackward(Tensor gradY, Shape xShape) {
        if (!f32(gradY)) return onHost("adaptiveAvgPool3dBackward", why(gradY), h -> Backends.cpu().adaptiveAvgPool3dBackward(h[0], xShape), gradY);
        return pooled("adaptiveAvgPool3dBackward", xShape, gradY,
                (format, g, gx) -> pool.in(format).adaptiveAvgPool3dBackward(xShape.dims(), gradY.dims(), mem.ptr(g), mem.ptr(gx), stream()));
    }

    @Override public Tensor upsample3d(Tensor x, int[] outSize, UpsampleMode mode, boolean alignCorners) {
        if (!f32(x)) return onHost("upsample3d", why(x), h -> Backends.cpu().upsample3d(h[0], outSize, mode, alignCorners), x);
        return pooled("upsample3d", Shape.of(PoolKernels.resizeOutputDims("upsample3d", x.dims(), outSize)), x,
                (format, xc, y) -> pool.in(format).upsample3d(x.dims(), outSize, mode, alignCorners, mem.ptr(xc), mem.ptr(y), stream()));
    }

    @Override public Tensor upsample3dBackward(Tensor gradY, Shape xShape, UpsampleMode mode, boolean alignCorners) {
        if (!f32(gradY)) {
            return onHost("upsample3dBackward", why(gradY), h -> Backends.cpu().upsample3dBackward(h[0], xShape, mode, alignCorners), gradY);
        }
        return pooled("upsample3dBackward", xShape, gradY, (format, g, gx) ->
                pool.in(format).upsample3dBackward(xShape.dims(), gradY.dims(), mode, alignCorners, mem.ptr(g), mem.ptr(gx), stream()));
    }

    /** A pooling or resizing launch on operands dense in {@code format}: the input, then the output. */
    private interface PoolLaunch {
        void run(MemoryFormat format, Tensor in, Tensor out);
    }

    /**
     * A new float32 output of {@code out} in {@code in}'s memory format, written by {@code launch}
     * from {@code in} made dense in that format (itself when it already is).
     */
    private Tensor pooled(String op, Shape out, Tensor in, PoolLaunch launch) {
        if (out.rank() != 5) throw new IllegalArgumentException(op + ": expected a shape [N, C, D, H, W], got " + out);
        MemoryFormat format = MemoryFormat.of(in);
        return mem.produce(DType.FLOAT32, out, format, y -> {
            try (Tensor dense = in.contiguous(format)) {
                launch.run(format, dense, y);
            }
        });
    }

    // ---- fused softmax + Dice + cross-entropy (called by nn's DiceCeLoss for logits on this device) --

    /**
     * The statistics of {@link org.voxelforge.core.fused.DiceCe#statistics} for float32 logits
     * [N, C, spatial...], int32 labels [N, spatial...] and a float32 mask of the labels' shape (or
     * null), computed on the device and copied back (N*C*4 + N*3 doubles; the host forms the loss
     * with DiceCe.finish).
     */
    public double[] diceCeStatistics(Tensor logits, Tensor labels, Tensor mask) {
        org.voxelforge.core.fused.DiceCe.Geometry geo = diceCeGeometry(logits, labels, mask);
        try (Tensor l = dense(logits); Tensor y = dense(labels); Tensor m = mask == null ? null : dense(mask);
             Tensor stats = mem.empty(DType.FLOAT64, geo.statsLength());
             Tensor scratch = mem.empty(DType.FLOAT32, (int) Math.max(1, FusedKernels.diceCeScratch(geo)))) {
            fused.diceCeStatistics(geo, mem.ptr(l), mem.ptr(y), mem.ptr(m), mem.ptr(stats), mem.ptr(scratch), stream());
            return stats.toDoubleArray();
        }
    }

    /** dlogits (float32, logits' shape) from DiceCe.finish's coefficients, softmax recomputed on the device. */
    public Tensor diceCeBackward(Tensor logits, Tensor labels, Tensor mask, org.voxelforge.core.fused.DiceCe.Result r, boolean squared) {
        org.voxelforge.core.fused.DiceCe.Geometry geo = diceCeGeometry(logits, labels, mask);
        return mem.produce(DType.FLOAT32, logits.shape(), d -> {
            try (Tensor l = dense(logits); Tensor y = dense(labels); Tensor m = mask == null ? null : dense(mask);
                 Tensor hi = Tensor.of(r.coefI(), r.coefI().length); Tensor hp = Tensor.of(r.coefP(), r.coefP().length);
                 Tensor ci = mem.upload(hi); Tensor cp = mem.upload(hp)) {
                fused.diceCeBackward(geo, mem.ptr(l), mem.ptr(y), mem.ptr(m), mem.ptr(ci), mem.ptr(cp), r.ceScale(), squared, mem.ptr(d), stream());
            }
        });
    }

    // ---- fused region losses: Dice or Tversky, CE or focal, boundary (nn's Tversky, Focal, DiceFocal, composite losses) --

    /**
     * The statistics of {@link org.voxelforge.core.fused.RegionLoss} for {@code terms}: float32
     * logits [N, C, spatial...], int32 labels [N, spatial...], a float32 mask of the labels' shape
     * or null, and float32 signed distance maps of the logits' shape exactly when the terms have a
     * boundary term. Without focal and boundary terms these are the Dice + CE kernels' statistics.
     */
    public double[] regionLossStatistics(Tensor logits, Tensor labels, Tensor mask, Tensor dist, org.voxelforge.core.fused.RegionLoss.Terms terms) {
        org.voxelforge.core.fused.DiceCe.Geometry geo = regionLossGeometry(logits, labels, mask, dist, terms);
        if (terms.diceCeKernels()) return diceCeStatistics(logits, labels, mask);
        Focal f = Focal.of(terms);
        try (Tensor l = dense(logits); Tensor y = dense(labels); Tensor m = mask == null ? null : dense(mask);
             Tensor d = dist == null ? null : dense(dist); Tensor a = f.alphaOnDevice(mem);
             Tensor stats = mem.empty(DType.FLOAT64, terms.statsLength(geo));
             Tensor scratch = mem.empty(DType.FLOAT32, (int) Math.max(1, FusedKernels.regionScratch(geo)))) {
            fused.regionStatistics(geo, mem.ptr(l), mem.ptr(y), mem.ptr(m), mem.ptr(a), f.gamma(), f.on(),
                    mem.ptr(d), mem.ptr(stats), mem.ptr(scratch), stream());
            return stats.toDoubleArray();
        }
    }

    /** dlogits (float32, logits' shape) from RegionLoss.finish's coefficients, softmax recomputed on the device. */
    public Tensor regionLossBackward(Tensor logits, Tensor labels, Tensor mask, Tensor dist, org.voxelforge.core.fused.RegionLoss.Terms terms,
                                     org.voxelforge.core.fused.RegionLoss.Result r) {
        org.voxelforge.core.fused.DiceCe.Geometry geo = regionLossGeometry(logits, labels, mask, dist, terms);
        if (terms.diceCeKernels()) {
            return diceCeBackward(logits, labels, mask, new org.voxelforge.core.fused.DiceCe.Result(r.loss(), r.overlap(), r.classification(),
                    r.coefI(), r.coefP(), r.clsScale()), terms.squared());
        }
        Focal f = Focal.of(terms);
        return mem.produce(DType.FLOAT32, logits.shape(), out -> {
            try (Tensor l = dense(logits); Tensor y = dense(labels); Tensor m = mask == null ? null : dense(mask);
                 Tensor d = dist == null ? null : dense(dist); Tensor a = f.alphaOnDevice(mem);
                 Tensor hi = Tensor.of(r.coefI(), r.coefI().length); Tensor hp = Tensor.of(r.coefP(), r.coefP().length);
                 Tensor hb = r.coefB() == null ? null : Tensor.of(r.coefB(), r.coefB().length);
                 Tensor ci = mem.upload(hi); Tensor cp = mem.upload(hp); Tensor cb = hb == null ? null : mem.upload(hb)) {
                fused.regionBackward(geo, mem.ptr(l), mem.ptr(y), mem.ptr(m), mem.ptr(a), f.gamma(), f.on(),
                        mem.ptr(d), mem.ptr(ci), mem.ptr(cp), mem.ptr(cb), r.clsScale(), terms.squared(), mem.ptr(out), stream());
            }
        });
    }

    /** The focal arguments of the region kernels: whether the classification term is focal, its gamma, its class weights or null. */
    private record Focal(boolean on, float gamma, float[] alpha) {
        static Focal of(org.voxelforge.core.fused.RegionLoss.Terms terms) {
            org.voxelforge.core.fused.RegionLoss.Classification cl = terms.classification();
            if (cl == null || !cl.focal()) return new Focal(false, 0f, null);
            float[] a = null;
            if (cl.alpha() != null) {
                a = new float[cl.alpha().length];
                for (int c = 0; c < a.length; c++) a[c] = (float) cl.alpha()[c];
            }
            return new Focal(true, (float) cl.gamma(), a);
        }

        /** The class weights as a device tensor the caller closes, or null. */
        Tensor alphaOnDevice(DeviceTensors mem) {
            if (alpha == null) return null;
            try (Tensor host = Tensor.of(alpha, alpha.length)) {
                return mem.upload(host);
            }
        }
    }

    private org.voxelforge.core.fused.DiceCe.Geometry regionLossGeometry(Tensor logits, Tensor labels, Tensor mask, Tensor dist,
                                                                         org.voxelforge.core.fused.RegionLoss.Terms terms) {
        org.voxelforge.core.fused.DiceCe.Geometry geo = diceCeGeometry(logits, labels, mask);
        String op = "regionLoss on logits " + logits.describe() + (dist == null ? "" : ", distance maps " + dist.describe());
        if ((terms.boundary() != null) != (dist != null)) {
            throw new IllegalArgumentException(op + ": distance maps are needed exactly with a boundary term (terms " + terms + ")");
        }
        if (dist != null && (dist.dtype() != DType.FLOAT32 || dist.numel() != logits.numel())) {
            throw new IllegalArgumentException(op + ": expected float32 distance maps of the logits' shape");
        }
        org.voxelforge.core.fused.RegionLoss.Classification cl = terms.classification();
        if (cl != null && cl.focal() && cl.alpha() != null && cl.alpha().length != geo.c()) {
            throw new IllegalArgumentException(op + ": " + cl.alpha().length + " focal class weights for " + geo.c() + " channels");
        }
        return geo;
    }

    private org.voxelforge.core.fused.DiceCe.Geometry diceCeGeometry(Tensor logits, Tensor labels, Tensor mask) {
        String op = "diceCe on logits " + logits.describe() + ", labels " + labels.describe() + (mask == null ? "" : ", mask " + mask.describe());
        if (logits.dtype() != DType.FLOAT32 || labels.dtype() != DType.INT32 || (mask != null && mask.dtype() != DType.FLOAT32)) {
            throw new IllegalArgumentException(op + ": expected float32 logits, int32 labels and a float32 mask");
        }
        if (logits.rank() < 3) throw new IllegalArgumentException(op + ": logits must be [N, C, spatial...]");
        long s = logits.numel() / Math.max(1, (long) logits.dim(0) * logits.dim(1));
        if (labels.numel() != (long) logits.dim(0) * s || (mask != null && mask.numel() != labels.numel()) || s > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": labels (and mask) must have N * spatial = " + logits.dim(0) * s + " elements");
        }
        return new org.voxelforge.core.fused.DiceCe.Geometry(logits.dim(0), logits.dim(1), (int) s);
    }

    // ---- exact Euclidean distance transform (called by data's SignedDistanceMaps) ----------------

    /**
     * Squared physical distances (float32, the mask's shape) from every non-zero voxel of a
     * one-byte mask (uint8 or bool, any rank >= 1) to the nearest zero voxel: 0 on zero voxels, +inf
     * everywhere when there is none (edt.cuh, separable lower-envelope passes). spacing: one
     * positive value per axis, or null for 1. The CPU reference is data's EuclideanDistanceTransform.
     */
    public Tensor edtSquared(Tensor mask, double[] spacing) {
        if (mask.dtype() != DType.UINT8 && mask.dtype() != DType.BOOL) {
            throw new IllegalArgumentException("edtSquared: mask " + mask.describe()
                    + " must be uint8 or bool (non-zero = foreground); compare or cast it first, e.g. labels.eq(1)");
        }
        if (mask.rank() == 0) throw new IllegalArgumentException("edtSquared: mask " + mask.describe() + " needs at least one axis");
        if (!mask.device().equals(device())) {
            throw new IllegalArgumentException("edtSquared: mask " + mask.describe() + " is on " + mask.device() + ", this backend on "
                    + device() + "; move it with to(" + device() + ")");
        }
        long scratchBytes = VolumeKernels.edtScratchBytes(mask.dims());
        return mem.produce(DType.FLOAT32, mask.shape(), out -> {
            try (Tensor m = dense(mask); Tensor scratch = mem.empty(DType.FLOAT64, (int) Math.max(1, (scratchBytes + 7) / 8))) {
                volume.edtSquared(mask.dims(), spacing, mem.ptr(m), mem.ptr(out), mem.ptr(scratch), stream());
            }
        });
    }

    // ---- fused optimizer steps (called by nn's optimizers for parameters on this device) --------

    /**
     * One SGD step of every parameter of {@code rows} in place, in one launch over a parameter
     * table (FusedKernels.sgdStep; the multi-tensor apply that spares a launch and a table upload
     * per parameter). Each row is {param, grad, momentum buffer} (the buffer null without
     * momentum; filled from the gradient on the {@code first} step), all {@link #fusable}.
     */
    public void fusedSgdSteps(java.util.List<Tensor[]> rows, double lr, double mu, double dampening, double weightDecay,
                              boolean nesterov, boolean first) {
        if (rows.isEmpty()) return;
        try (Tensor table = parameterTable("fusedSgdSteps", rows)) {
            fused.sgdStep(mem.ptr(table), rows.size(), maxNumel(rows), lr, mu, dampening, weightDecay, nesterov, first, 0, stream());
        }
        bumpVersions(rows);
    }

    /**
     * One AdamW step number {@code step} (from 1) of every parameter of {@code rows} in place, in
     * one launch (FusedKernels.adamwStep), {@code weightDecay} decoupled (Adam without weight decay
     * is the same step). Each row is {param, grad, exp_avg, exp_avg_sq}, all {@link #fusable}.
     */
    public void fusedAdamwSteps(java.util.List<Tensor[]> rows, double lr, double beta1, double beta2, double eps, double weightDecay,
                                long step) {
        if (rows.isEmpty()) return;
        try (Tensor table = parameterTable("fusedAdamwSteps", rows)) {
            fused.adamwStep(mem.ptr(table), rows.size(), maxNumel(rows), lr, beta1, beta2, eps, weightDecay, step, 0, stream());
        }
        bumpVersions(rows);
    }

    /** Whether the fused steps take these operands: contiguous float32 tensors on this device (nulls allowed). */
    public boolean fusable(Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && (t.dtype() != DType.FLOAT32 || !t.isContiguous() || !t.device().equals(device()) || t.numel() == 0)) return false;
        }
        return true;
    }

    /**
     * The optimizer kernels' table, FusedKernels.OPT_ROW uint64s per row: param, grad, state0,
     * state1 (0 when absent), numel. Refuses a row the kernels cannot take, naming it.
     */
    private Tensor parameterTable(String op, java.util.List<Tensor[]> rows) {
        long[] table = new long[rows.size() * FusedKernels.OPT_ROW];
        for (int r = 0; r < rows.size(); r++) {
            Tensor[] row = rows.get(r);
            Tensor param = row[0], grad = row[1], s0 = row.length > 2 ? row[2] : null, s1 = row.length > 3 ? row[3] : null;
            if (!fusable(param, grad, s0, s1) || !grad.shape().equals(param.shape())
                    || (s0 != null && !s0.shape().equals(param.shape())) || (s1 != null && !s1.shape().equals(param.shape()))) {
                throw new IllegalArgumentException(op + ": row " + r + " (parameter " + param.describe() + ", gradient " + grad.describe()
                        + ") is not a set of contiguous float32 tensors of one shape on " + device() + "; check fusable() first");
            }
            long[] one = {mem.ptr(param), mem.ptr(grad), mem.ptr(s0), mem.ptr(s1), param.numel()};
            System.arraycopy(one, 0, table, r * FusedKernels.OPT_ROW, FusedKernels.OPT_ROW);
        }
        try (Tensor host = Tensor.ofLongs(table, rows.size() * FusedKernels.OPT_ROW)) {
            return mem.upload(host);
        }
    }

    private static long maxNumel(java.util.List<Tensor[]> rows) {
        long most = 0;
        for (Tensor[] row : rows) most = Math.max(most, row[0].numel());
        return most;
    }

    /** Parameters and states written in place by an optimizer kernel. */
    private static void bumpVersions(java.util.List<Tensor[]> rows) {
        for (Tensor[] row : rows) {
            for (int i = 0; i < row.length; i++) if (i != 1 && row[i] != null) row[i].storage().bumpVersion();
        }
    }

    // ---- dtype checks and the host fallback -----------------------------------------------------

    /** Every non-null operand is float32 (the kernels' type). */
    private static boolean f32(Tensor... ts) {
        for (Tensor t : ts) if (t != null && t.dtype() != DType.FLOAT32) return false;
        return true;
    }

    /** "float64 operands" and the like: why an op runs on the host. */
    private static String why(Tensor... ts) {
        StringBuilder sb = new StringBuilder();
        for (Tensor t : ts) {
            if (t != null && t.dtype() != DType.FLOAT32 && sb.indexOf(t.dtype().label()) < 0) {
                sb.append(sb.isEmpty() ? "" : "/").append(t.dtype().label());
            }
        }
        return sb.isEmpty() ? "no CUDA kernel yet" : sb + " operands (the kernels are float32)";
    }

    private Tensor onHost(String op, String reason, Function<Tensor[], Tensor> cpu, Tensor... inputs) {
        return fallback.run(op, reason, this::download, h -> {
            try (Tensor r = cpu.apply(h)) {
                return mem.upload(r);
            }
        }, inputs);
    }

    /** For ops with several results (null entries stay null). */
    private Tensor[] onHostAll(String op, String reason, Function<Tensor[], Tensor[]> cpu, Tensor... inputs) {
        return fallback.run(op, reason, this::download, h -> {
            Tensor[] r = cpu.apply(h);
            Tensor[] out = new Tensor[r.length];
            try {
                for (int i = 0; i < r.length; i++) out[i] = r[i] == null ? null : mem.upload(r[i]);
                return out;
            } catch (RuntimeException | Error e) {
                for (Tensor t : out) if (t != null) t.close();
                throw e;
            } finally {
                for (Tensor t : r) if (t != null) t.close();
            }
        }, inputs);
    }

    /** For ops that write into {@code dst}: it is computed on a host copy and copied back into its view. */
    private void onHostInPlace(String op, String reason, Tensor dst, BiConsumer<Tensor, Tensor[]> cpu, Tensor... inputs) {
        fallback.run(op, reason, this::download, h -> {
            try (Tensor d = download(dst)) {
                cpu.accept(d, h);
                try (Tensor back = mem.upload(d)) {
                    copyInto(dst, back);
                }
            }
            return null;
        }, inputs);
    }

    // ---- resampling for spatial augmentation (called by the data module's device augmentation) --

    /**
     * Rotation, scaling and elastic deformation in one pass (resample.cuh through
     * {@link VolumeKernels#resample}; CPU twin {@link org.voxelforge.core.fused.AffineResample}):
     * output voxel p of the grid {@code out} reads the input at {@code M[:, 0:3] (p - origin +
     * disp[:, p]) + M[:, 3]} (matrix: row-major 3x4). images: float32 [C, X, Y, Z], trilinear,
     * {@code fill} outside; labels: int32 [L, X, Y, Z] (e.g. a label map and a mask), nearest,
     * {@code labelFill} outside; disp: float32 [3, outX, outY, outZ] or null. images or labels may
     * be null (not both). Returns {images on out, labels on out}, null where none was given.
     */
    public Tensor[] resample(Tensor images, Tensor labels, int[] out, double[] matrix, double[] origin, Tensor disp,
                             float fill, int labelFill) {
        String op = "resample of images " + (images == null ? "none" : images.describe()) + ", labels "
                + (labels == null ? "none" : labels.describe()) + ", displacement " + (disp == null ? "none" : disp.describe())
                + " onto " + java.util.Arrays.toString(out);
        if (images == null && labels == null) throw new IllegalArgumentException(op + ": give images, labels or both");
        if (out == null || out.length != 3) throw new IllegalArgumentException(op + ": the output grid must be three sizes [X, Y, Z]");
        if (images != null && (images.dtype() != DType.FLOAT32 || images.rank() != 4)) {
            throw new IllegalArgumentException(op + ": images must be float32 [C, X, Y, Z]");
        }
        if (labels != null && (labels.dtype() != DType.INT32 || labels.rank() != 4)) {
            throw new IllegalArgumentException(op + ": labels must be int32 [L, X, Y, Z]");
        }
        if (images != null && labels != null && !java.util.Arrays.equals(java.util.Arrays.copyOfRange(images.dims(), 1, 4),
                java.util.Arrays.copyOfRange(labels.dims(), 1, 4))) {
            throw new IllegalArgumentException(op + ": images and labels must share their grid [X, Y, Z]");
        }
        if (disp != null && (disp.dtype() != DType.FLOAT32 || !java.util.Arrays.equals(disp.dims(), new int[] {3, out[0], out[1], out[2]}))) {
            throw new IllegalArgumentException(op + ": the displacement must be float32 [3, " + out[0] + ", " + out[1] + ", " + out[2] + "]");
        }
        for (Tensor t : new Tensor[] {images, labels, disp}) {
            if (t != null && !t.device().equals(device())) throw new IllegalArgumentException(op + ": " + t.describe() + " is on " + t.device() + ", not " + device());
        }
        Tensor first = images != null ? images : labels;
        int[] in = java.util.Arrays.copyOfRange(first.dims(), 1, 4);
        int c = images == null ? 0 : images.dim(0), l = labels == null ? 0 : labels.dim(0);
        Tensor imgOut = images == null ? null : mem.empty(DType.FLOAT32, Shape.of(c, out[0], out[1], out[2]));
        Tensor labOut = labels == null ? null : mem.empty(DType.INT32, Shape.of(l, out[0], out[1], out[2]));
        try (Tensor img = images == null ? null : dense(images); Tensor lab = labels == null ? null : dense(labels);
             Tensor d = disp == null ? null : dense(disp)) {
            new VolumeKernels(acc.launcher()).resample(in, out, matrix, origin, d == null ? 0 : mem.ptr(d),
                    img == null ? 0 : mem.ptr(img), imgOut == null ? 0 : mem.ptr(imgOut), c, fill,
                    lab == null ? 0 : mem.ptr(lab), labOut == null ? 0 : mem.ptr(labOut), l, labelFill, stream());
        } catch (RuntimeException | Error e) {
            if (imgOut != null) imgOut.close();
            if (labOut != null) labOut.close();
            throw e;
        }
        return new Tensor[] {imgOut, labOut};
    }
}
