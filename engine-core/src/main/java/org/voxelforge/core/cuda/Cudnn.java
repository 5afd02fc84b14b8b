package org.voxelforge.core.cuda;

import static org.voxelforge.core.cuda.NativeFunction.INT;
import static org.voxelforge.core.cuda.NativeFunction.LONG;
import static org.voxelforge.core.cuda.NativeFunction.PTR;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Hand-written FFM bindings to cuDNN 9 ({@code libcudnn.so.9}): handle and stream, N-d tensor,
 * filter and convolution descriptors, the three convolution passes, algorithm search
 * ({@code Find...Ex}, which times real runs, and {@code Get..._v7}, heuristics only) and
 * workspace queries. Descriptors are opaque pointers passed as {@code long}.
 *
 * <p>No cuDNN header is installed on the build machines: prototypes, enum values and the
 * {@code cudnnConvolution*AlgoPerf_t} layout are written from NVIDIA's cuDNN 9 API reference
 * (the legacy convolution API, still shipped in 9.x) and are UNVERIFIED until a GPU session
 * runs them. Data-type codes: FLOAT 0, DOUBLE 1, HALF 2, BFLOAT16 9. Layouts: NCHW 0, NHWC 1
 * (NHWC means channels-last in any rank, i.e. NDHWC for 3D). Math types: DEFAULT 0 (TF32 allowed
 * for float32 on Ampere+), TENSOR_OP 1, TENSOR_OP_ALLOW_CONVERSION 2, FMA 3 (no TF32).
 */
public final class Cudnn {
    public static final int STATUS_SUCCESS = 0;
    public static final int DATA_FLOAT = 0, DATA_DOUBLE = 1, DATA_HALF = 2, DATA_BFLOAT16 = 9;
    public static final int FORMAT_NCHW = 0, FORMAT_NHWC = 1;
    public static final int CROSS_CORRELATION = 1;
    public static final int MATH_DEFAULT = 0, MATH_TENSOR_OP = 1, MATH_TENSOR_OP_ALLOW_CONVERSION = 2, MATH_FMA = 3;

    /** One entry of an algorithm search (cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t). */
    public record AlgoPerf(int algorithm, int status, float timeMillis, long memoryBytes, int determinism, int mathType) {}

    /** {algo, status, float time, (pad), size_t memory, determinism, mathType, int reserved[3], (pad)}: 48 bytes. */
    static final StructLayout ALGO_PERF = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("algo"), ValueLayout.JAVA_INT.withName("status"),
            ValueLayout.JAVA_FLOAT.withName("time"), MemoryLayout.paddingLayout(4),
            ValueLayout.JAVA_LONG.withName("memory"), ValueLayout.JAVA_INT.withName("determinism"),
            ValueLayout.JAVA_INT.withName("mathType"), MemoryLayout.sequenceLayout(3, ValueLayout.JAVA_INT).withName("reserved"),
            MemoryLayout.paddingLayout(4));

    private static final String LIB = "cuDNN";
    private static final int MAX_ALGOS = 16;

    private final NativeFunction getVersion, getErrorString, create, destroy, setStream,
            createTensor, setTensorNd, destroyTensor, createFilter, setFilterNd, destroyFilter,
            createConv, setConvNd, setConvMath, setConvGroups, destroyConv, fwdOutputDims,
            fwdGetV7, fwdFindEx, fwdWorkspace, forward,
            bwdDataGetV7, bwdDataFindEx, bwdDataWorkspace, backwardData,
            bwdFilterGetV7, bwdFilterFindEx, bwdFilterWorkspace, backwardFilter;

    public Cudnn(SymbolLookup lib) {
        getVersion = new NativeFunction(LIB, lib, FunctionDescriptor.of(LONG), "cudnnGetVersion");
        getErrorString = new NativeFunction(LIB, lib, FunctionDescriptor.of(PTR, INT), "cudnnGetErrorString");
        create = fn(lib, "cudnnCreate", PTR);
        destroy = fn(lib, "cudnnDestroy", PTR);
        setStream = fn(lib, "cudnnSetStream", PTR, PTR);
        createTensor = fn(lib, "cudnnCreateTensorDescriptor", PTR);
        // (desc, dataType, nbDims, const int dimA[], const int strideA[])
        setTensorNd = fn(lib, "cudnnSetTensorNdDescriptor", PTR, INT, INT, PTR, PTR);
        destroyTensor = fn(lib, "cudnnDestroyTensorDescriptor", PTR);
        createFilter = fn(lib, "cudnnCreateFilterDescriptor", PTR);
        // (desc, dataType, format, nbDims, const int filterDimA[])
        setFilterNd = fn(lib, "cudnnSetFilterNdDescriptor", PTR, INT, INT, INT, PTR);
        destroyFilter = fn(lib, "cudnnDestroyFilterDescriptor", PTR);
        createConv = fn(lib, "cudnnCreateConvolutionDescriptor", PTR);
        // (desc, arrayLength, padA[], filterStrideA[], dilationA[], mode, computeType)
        setConvNd = fn(lib, "cudnnSetConvolutionNdDescriptor", PTR, INT, PTR, PTR, PTR, INT, INT);
        setConvMath = fn(lib, "cudnnSetConvolutionMathType", PTR, INT);
        setConvGroups = fn(lib, "cudnnSetConvolutionGroupCount", PTR, INT);
        destroyConv = fn(lib, "cudnnDestroyConvolutionDescriptor", PTR);
        // (conv, xDesc, wDesc, nbDims, int outDimA[])
        fwdOutputDims = fn(lib, "cudnnGetConvolutionNdForwardOutputDim", PTR, PTR, PTR, INT, PTR);
        // (handle, xDesc, wDesc, convDesc, yDesc, requested, int* returned, perf*)
        fwdGetV7 = fn(lib, "cudnnGetConvolutionForwardAlgorithm_v7", PTR, PTR, PTR, PTR, PTR, INT, PTR, PTR);
        // (handle, xDesc, x, wDesc, w, convDesc, yDesc, y, requested, int* returned, perf*, workspace, wsBytes)
        fwdFindEx = fn(lib, "cudnnFindConvolutionForwardAlgorithmEx", PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, INT, PTR, PTR, PTR, LONG);
        // (handle, xDesc, wDesc, convDesc, yDesc, algo, size_t* bytes)
        fwdWorkspace = fn(lib, "cudnnGetConvolutionForwardWorkspaceSize", PTR, PTR, PTR, PTR, PTR, INT, PTR);
        // (handle, *alpha, xDesc, x, wDesc, w, convDesc, algo, workspace, wsBytes, *beta, yDesc, y)
        forward = fn(lib, "cudnnConvolutionForward", PTR, PTR, PTR, PTR, PTR, PTR, PTR, INT, PTR, LONG, PTR, PTR, PTR);
        // (handle, wDesc, dyDesc, convDesc, dxDesc, requested, int* returned, perf*)
        bwdDataGetV7 = fn(lib, "cudnnGetConvolutionBackwardDataAlgorithm_v7", PTR, PTR, PTR, PTR, PTR, INT, PTR, PTR);
        // (handle, wDesc, w, dyDesc, dy, convDesc, dxDesc, dx, requested, int* returned, perf*, workspace, wsBytes)
        bwdDataFindEx = fn(lib, "cudnnFindConvolutionBackwardDataAlgorithmEx", PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, INT, PTR, PTR, PTR, LONG);
        // (handle, wDesc, dyDesc, convDesc, dxDesc, algo, size_t* bytes)
        bwdDataWorkspace = fn(lib, "cudnnGetConvolutionBackwardDataWorkspaceSize", PTR, PTR, PTR, PTR, PTR, INT, PTR);
        // (handle, *alpha, wDesc, w, dyDesc, dy, convDesc, algo, workspace, wsBytes, *beta, dxDesc, dx)
        backwardData = fn(lib, "cudnnConvolutionBackwardData", PTR, PTR, PTR, PTR, PTR, PTR, PTR, INT, PTR, LONG, PTR, PTR, PTR);
        // (handle, xDesc, dyDesc, convDesc, dwDesc, requested, int* returned, perf*)
        bwdFilterGetV7 = fn(lib, "cudnnGetConvolutionBackwardFilterAlgorithm_v7", PTR, PTR, PTR, PTR, PTR, INT, PTR, PTR);
        // (handle, xDesc, x, dyDesc, dy, convDesc, dwDesc, dw, requested, int* returned, perf*, workspace, wsBytes)
        bwdFilterFindEx = fn(lib, "cudnnFindConvolutionBackwardFilterAlgorithmEx", PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, INT, PTR, PTR, PTR, LONG);
        // (handle, xDesc, dyDesc, convDesc, dwDesc, algo, size_t* bytes)
        bwdFilterWorkspace = fn(lib, "cudnnGetConvolutionBackwardFilterWorkspaceSize", PTR, PTR, PTR, PTR, PTR, INT, PTR);
        // (handle, *alpha, xDesc, x, dyDesc, dy, convDesc, algo, workspace, wsBytes, *beta, dwDesc, dw)
        backwardFilter = fn(lib, "cudnnConvolutionBackwardFilter", PTR, PTR, PTR, PTR, PTR, PTR, PTR, INT, PTR, LONG, PTR, PTR, PTR);
    }

    private static NativeFunction fn(SymbolLookup lib, String name, ValueLayout... args) {
        return NativeFunction.status(LIB, lib, name, args);
    }

    private void check(NativeFunction fn, int status) {
        if (status != STATUS_SUCCESS) throw new CudaException(fn.name(), status, "cudnnStatus " + status, errorString(status));
    }

    public String errorString(int status) {
        try {
            MemorySegment s = (MemorySegment) getErrorString.handle().invokeExact(status);
            return s.address() == 0 ? "" : s.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            return "";
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    private static MemorySegment p(long address) { return MemorySegment.ofAddress(address); }

    /** cudnnGetVersion(): 91002 for 9.10.2 (see {@link CudnnVersionPolicy}). */
    public long version() {
        try { return (long) getVersion.handle().invokeExact(); } catch (Throwable t) { throw rethrow(t); }
    }

    // ---- handle -------------------------------------------------------------------------------

    public long create() { return newHandle(create); }

    public void destroy(long handle) { call1(destroy, handle); }

    public void setStream(long handle, long stream) {
        try { check(setStream, (int) setStream.handle().invokeExact(p(handle), p(stream))); } catch (Throwable t) { throw rethrow(t); }
    }

    private long newHandle(NativeFunction fn) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(PTR);
            check(fn, (int) fn.handle().invokeExact(out));
            return out.get(ValueLayout.ADDRESS, 0).address();
        } catch (Throwable t) { throw rethrow(t); }
    }

    private void call1(NativeFunction fn, long handle) {
        try { check(fn, (int) fn.handle().invokeExact(p(handle))); } catch (Throwable t) { throw rethrow(t); }
    }

    // ---- descriptors ---------------------------------------------------------------------------

    /** Row-major (NCDHW) strides in elements, for {@link #tensorDescriptor}. */
    public static int[] packedStrides(int[] dims) {
        int[] st = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            st[i] = acc;
            acc = Math.multiplyExact(acc, dims[i]);
        }
        return st;
    }

    /** A tensor descriptor with explicit dims and strides in elements, always in NCDHW dim order (strides give the layout). */
    public long tensorDescriptor(int dataType, int[] dims, int[] strides) {
        if (dims.length != strides.length || dims.length < 3 || dims.length > 8) {
            throw new IllegalArgumentException("cudnn tensor descriptor: dims and strides must have the same rank in [3, 8], got "
                    + java.util.Arrays.toString(dims) + " and " + java.util.Arrays.toString(strides));
        }
        long d = newHandle(createTensor);
        try (Arena a = Arena.ofConfined()) {
            check(setTensorNd, (int) setTensorNd.handle().invokeExact(p(d), dataType, dims.length,
                    a.allocateFrom(ValueLayout.JAVA_INT, dims), a.allocateFrom(ValueLayout.JAVA_INT, strides)));
            return d;
        } catch (Throwable t) {
            destroyTensorDescriptor(d);
            throw rethrow(t);
        }
    }

    public void destroyTensorDescriptor(long d) { call1(destroyTensor, d); }

    /** A filter descriptor: dims are always [K, C, (D,) H, W]; format NHWC means the data is stored K,(D,)H,W,C. */
    public long filterDescriptor(int dataType, int format, int[] dims) {
        long d = newHandle(createFilter);
        try (Arena a = Arena.ofConfined()) {
            check(setFilterNd, (int) setFilterNd.handle().invokeExact(p(d), dataType, format, dims.length,
                    a.allocateFrom(ValueLayout.JAVA_INT, dims)));
            return d;
        } catch (Throwable t) {
            destroyFilterDescriptor(d);
            throw rethrow(t);
        }
    }

    public void destroyFilterDescriptor(long d) { call1(destroyFilter, d); }

    /** A cross-correlation (what deep learning calls convolution) with the given accumulation type, math type and groups. */
    public long convolutionDescriptor(int[] padding, int[] stride, int[] dilation, int computeType, int mathType, int groups) {
        if (padding.length != stride.length || padding.length != dilation.length) {
            throw new IllegalArgumentException("cudnn convolution descriptor: padding, stride and dilation need one entry per spatial dim, got "
                    + padding.length + ", " + stride.length + ", " + dilation.length);
        }
        long d = newHandle(createConv);
        try (Arena a = Arena.ofConfined()) {
            check(setConvNd, (int) setConvNd.handle().invokeExact(p(d), padding.length, a.allocateFrom(ValueLayout.JAVA_INT, padding),
                    a.allocateFrom(ValueLayout.JAVA_INT, stride), a.allocateFrom(ValueLayout.JAVA_INT, dilation), CROSS_CORRELATION, computeType));
            check(setConvMath, (int) setConvMath.handle().invokeExact(p(d), mathType));
            if (groups != 1) check(setConvGroups, (int) setConvGroups.handle().invokeExact(p(d), groups));
            return d;
        } catch (Throwable t) {
            destroyConvolutionDescriptor(d);
            throw rethrow(t);
        }
    }

    public void destroyConvolutionDescriptor(long d) { call1(destroyConv, d); }

    /** The output dims cuDNN computes for a forward convolution ([N, K, D', H', W']). */
    public int[] forwardOutputDims(long conv, long x, long w, int rank) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.JAVA_INT, rank);
            check(fwdOutputDims, (int) fwdOutputDims.handle().invokeExact(p(conv), p(x), p(w), rank, out));
            return out.toArray(ValueLayout.JAVA_INT);
        } catch (Throwable t) { throw rethrow(t); }
    }

    // ---- algorithm search and workspace ----------------------------------------------------------

    /** Heuristic ranking (no runs), best first. */
    public List<AlgoPerf> forwardAlgorithmsV7(long handle, long x, long w, long conv, long y) {
        return perfQuery(fwdGetV7, (returned, perf) -> (int) fwdGetV7.handle().invokeExact(p(handle), p(x), p(w), p(conv), p(y), MAX_ALGOS, returned, perf));
    }

    /** Times every algorithm on the given buffers (their contents are overwritten), best first. */
    public List<AlgoPerf> findForwardAlgorithms(long handle, long xDesc, long x, long wDesc, long w, long conv, long yDesc, long y,
                                                long workspace, long workspaceBytes) {
        return perfQuery(fwdFindEx, (returned, perf) -> (int) fwdFindEx.handle().invokeExact(p(handle), p(xDesc), p(x), p(wDesc), p(w),
                p(conv), p(yDesc), p(y), MAX_ALGOS, returned, perf, p(workspace), workspaceBytes));
    }

    public long forwardWorkspaceBytes(long handle, long x, long w, long conv, long y, int algo) {
        return sizeQuery(fwdWorkspace, out -> (int) fwdWorkspace.handle().invokeExact(p(handle), p(x), p(w), p(conv), p(y), algo, out));
    }

    public List<AlgoPerf> backwardDataAlgorithmsV7(long handle, long w, long dy, long conv, long dx) {
        return perfQuery(bwdDataGetV7, (returned, perf) -> (int) bwdDataGetV7.handle().invokeExact(p(handle), p(w), p(dy), p(conv), p(dx), MAX_ALGOS, returned, perf));
    }

    public List<AlgoPerf> findBackwardDataAlgorithms(long handle, long wDesc, long w, long dyDesc, long dy, long conv, long dxDesc, long dx,
                                                     long workspace, long workspaceBytes) {
        return perfQuery(bwdDataFindEx, (returned, perf) -> (int) bwdDataFindEx.handle().invokeExact(p(handle), p(wDesc), p(w), p(dyDesc), p(dy),
                p(conv), p(dxDesc), p(dx), MAX_ALGOS, returned, perf, p(workspace), workspaceBytes));
    }

    public long backwardDataWorkspaceBytes(long handle, long w, long dy, long conv, long dx, int algo) {
        return sizeQuery(bwdDataWorkspace, out -> (int) bwdDataWorkspace.handle().invokeExact(p(handle), p(w), p(dy), p(conv), p(dx), algo, out));
    }

    public List<AlgoPerf> backwardFilterAlgorithmsV7(long handle, long x, long dy, long conv, long dw) {
        return perfQuery(bwdFilterGetV7, (returned, perf) -> (int) bwdFilterGetV7.handle().invokeExact(p(handle), p(x), p(dy), p(conv), p(dw), MAX_ALGOS, returned, perf));
    }

    public List<AlgoPerf> findBackwardFilterAlgorithms(long handle, long xDesc, long x, long dyDesc, long dy, long conv, long dwDesc, long dw,
                                                       long workspace, long workspaceBytes) {
        return perfQuery(bwdFilterFindEx, (returned, perf) -> (int) bwdFilterFindEx.handle().invokeExact(p(handle), p(xDesc), p(x), p(dyDesc), p(dy),
                p(conv), p(dwDesc), p(dw), MAX_ALGOS, returned, perf, p(workspace), workspaceBytes));
    }

    public long backwardFilterWorkspaceBytes(long handle, long x, long dy, long conv, long dw, int algo) {
        return sizeQuery(bwdFilterWorkspace, out -> (int) bwdFilterWorkspace.handle().invokeExact(p(handle), p(x), p(dy), p(conv), p(dw), algo, out));
    }

    @FunctionalInterface private interface PerfCall { int call(MemorySegment returned, MemorySegment perf) throws Throwable; }

    @FunctionalInterface private interface SizeCall { int call(MemorySegment out) throws Throwable; }

    private List<AlgoPerf> perfQuery(NativeFunction fn, PerfCall call) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment returned = a.allocate(ValueLayout.JAVA_INT);
            MemorySegment perf = a.allocate(ALGO_PERF, MAX_ALGOS);
            check(fn, call.call(returned, perf));
            return readPerf(perf, returned.get(ValueLayout.JAVA_INT, 0));
        } catch (Throwable t) { throw rethrow(t); }
    }

    /** Parses {@code count} perf structs; package-private so the layout is unit-tested. */
    static List<AlgoPerf> readPerf(MemorySegment perf, int count) {
        List<AlgoPerf> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            MemorySegment s = perf.asSlice(i * ALGO_PERF.byteSize(), ALGO_PERF.byteSize());
            out.add(new AlgoPerf(s.get(ValueLayout.JAVA_INT, 0), s.get(ValueLayout.JAVA_INT, 4), s.get(ValueLayout.JAVA_FLOAT, 8),
                    s.get(ValueLayout.JAVA_LONG, 16), s.get(ValueLayout.JAVA_INT, 24), s.get(ValueLayout.JAVA_INT, 28)));
        }
        return out;
    }

    private long sizeQuery(NativeFunction fn, SizeCall call) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.JAVA_LONG);
            check(fn, call.call(out));
            return out.get(ValueLayout.JAVA_LONG, 0);
        } catch (Throwable t) { throw rethrow(t); }
    }

    // ---- the three passes (float alpha/beta: right for float, half and bfloat16 data) ---------------

    /** y = alpha conv(x, w) + beta y. */
    public void forward(long handle, float alpha, long xDesc, long x, long wDesc, long w, long conv, int algo,
                        long workspace, long workspaceBytes, float beta, long yDesc, long y) {
        try (Arena a = Arena.ofConfined()) {
            check(forward, (int) forward.handle().invokeExact(p(handle), a.allocateFrom(ValueLayout.JAVA_FLOAT, alpha), p(xDesc), p(x),
                    p(wDesc), p(w), p(conv), algo, p(workspace), workspaceBytes, a.allocateFrom(ValueLayout.JAVA_FLOAT, beta), p(yDesc), p(y)));
        } catch (Throwable t) { throw rethrow(t); }
    }

    /** dx = alpha conv_transpose(dy, w) + beta dx. */
    public void backwardData(long handle, float alpha, long wDesc, long w, long dyDesc, long dy, long conv, int algo,
                             long workspace, long workspaceBytes, float beta, long dxDesc, long dx) {
        try (Arena a = Arena.ofConfined()) {
            check(backwardData, (int) backwardData.handle().invokeExact(p(handle), a.allocateFrom(ValueLayout.JAVA_FLOAT, alpha), p(wDesc), p(w),
                    p(dyDesc), p(dy), p(conv), algo, p(workspace), workspaceBytes, a.allocateFrom(ValueLayout.JAVA_FLOAT, beta), p(dxDesc), p(dx)));
        } catch (Throwable t) { throw rethrow(t); }
    }

    /** dw = alpha correlate(x, dy) + beta dw. */
    public void backwardFilter(long handle, float alpha, long xDesc, long x, long dyDesc, long dy, long conv, int algo,
                               long workspace, long workspaceBytes, float beta, long dwDesc, long dw) {
        try (Arena a = Arena.ofConfined()) {
            check(backwardFilter, (int) backwardFilter.handle().invokeExact(p(handle), a.allocateFrom(ValueLayout.JAVA_FLOAT, alpha), p(xDesc), p(x),
                    p(dyDesc), p(dy), p(conv), algo, p(workspace), workspaceBytes, a.allocateFrom(ValueLayout.JAVA_FLOAT, beta), p(dwDesc), p(dw)));
        } catch (Throwable t) { throw rethrow(t); }
    }
}
