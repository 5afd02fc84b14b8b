package org.voxelforge.core.cuda;

import static org.voxelforge.core.cuda.NativeFunction.FLOAT;
import static org.voxelforge.core.cuda.NativeFunction.INT;
import static org.voxelforge.core.cuda.NativeFunction.LONG;
import static org.voxelforge.core.cuda.NativeFunction.PTR;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;

/**
 * Hand-written FFM bindings to the CUDA driver API ({@code libcuda.so.1}), the calls the CUDA
 * backend needs and no more. Signatures and versioned symbol names follow CUDA 13's
 * {@code cuda.h} (checked against /usr/local/cuda/include/cuda.h: e.g. {@code cuMemAlloc} is
 * the macro for {@code cuMemAlloc_v2}). Handles (contexts, streams, events, modules, functions)
 * and device pointers are passed around as {@code long}; a {@code CUdevice} is an {@code int}.
 * Every CUresult is checked: a failure throws {@link CudaException} with the call, the error
 * name and its description.
 */
public final class CudaDriver {
    public static final int CUDA_SUCCESS = 0;
    public static final int CUDA_ERROR_OUT_OF_MEMORY = 2;
    public static final int CUDA_ERROR_NO_DEVICE = 100;
    public static final int ATTR_MULTIPROCESSOR_COUNT = 16;
    public static final int ATTR_COMPUTE_CAPABILITY_MAJOR = 75;
    public static final int ATTR_COMPUTE_CAPABILITY_MINOR = 76;
    public static final int STREAM_NON_BLOCKING = 1;
    public static final int EVENT_DEFAULT = 0;
    public static final int MEMHOSTALLOC_PORTABLE = 1;

    private static final String LIB = "libcuda.so.1";

    private final NativeFunction cuInit, cuDriverGetVersion, cuDeviceGetCount, cuDeviceGet, cuDeviceGetName,
            cuDeviceGetAttribute, cuDeviceTotalMem, cuDevicePrimaryCtxRetain, cuDevicePrimaryCtxRelease,
            cuCtxSetCurrent, cuCtxSynchronize, cuStreamCreate, cuStreamSynchronize, cuStreamDestroy,
            cuEventCreate, cuEventRecord, cuEventSynchronize, cuEventElapsedTime, cuEventDestroy,
            cuMemAlloc, cuMemFree, cuMemsetD8, cuMemsetD32, cuMemsetD8Async, cuMemsetD32Async,
            cuMemcpyHtoD, cuMemcpyDtoH, cuMemcpyDtoD, cuMemcpyHtoDAsync, cuMemcpyDtoHAsync, cuMemcpyDtoDAsync,
            cuMemHostAlloc, cuMemFreeHost, cuMemGetInfo, cuModuleLoadData, cuModuleUnload, cuModuleGetFunction,
            cuLaunchKernel, cuGetErrorName, cuGetErrorString;

    public CudaDriver(SymbolLookup lib) {
        cuInit = fn(lib, "cuInit", INT);
        cuDriverGetVersion = fn(lib, "cuDriverGetVersion", PTR);
        cuDeviceGetCount = fn(lib, "cuDeviceGetCount", PTR);
        cuDeviceGet = fn(lib, "cuDeviceGet", PTR, INT);
        cuDeviceGetName = fn(lib, "cuDeviceGetName", PTR, INT, INT);
        cuDeviceGetAttribute = fn(lib, "cuDeviceGetAttribute", PTR, INT, INT);
        cuDeviceTotalMem = fn(lib, "cuDeviceTotalMem_v2", PTR, INT);
        cuDevicePrimaryCtxRetain = fn(lib, "cuDevicePrimaryCtxRetain", PTR, INT);
        cuDevicePrimaryCtxRelease = fn(lib, "cuDevicePrimaryCtxRelease_v2", INT);
        cuCtxSetCurrent = fn(lib, "cuCtxSetCurrent", PTR);
        cuCtxSynchronize = fn(lib, "cuCtxSynchronize");
        cuStreamCreate = fn(lib, "cuStreamCreate", PTR, INT);
        cuStreamSynchronize = fn(lib, "cuStreamSynchronize", PTR);
        cuStreamDestroy = fn(lib, "cuStreamDestroy_v2", PTR);
        cuEventCreate = fn(lib, "cuEventCreate", PTR, INT);
        cuEventRecord = fn(lib, "cuEventRecord", PTR, PTR);
        cuEventSynchronize = fn(lib, "cuEventSynchronize", PTR);
        // cuda.h 13 maps cuEventElapsedTime to _v2 (added in 12.8); older drivers only have the plain name.
        cuEventElapsedTime = new NativeFunction(LIB, lib, java.lang.foreign.FunctionDescriptor.of(INT, PTR, PTR, PTR),
                "cuEventElapsedTime_v2", "cuEventElapsedTime");
        cuEventDestroy = fn(lib, "cuEventDestroy_v2", PTR);
        cuMemAlloc = fn(lib, "cuMemAlloc_v2", PTR, LONG);
        cuMemFree = fn(lib, "cuMemFree_v2", LONG);
        cuMemsetD8 = fn(lib, "cuMemsetD8_v2", LONG, ValueLayout.JAVA_BYTE, LONG);
        cuMemsetD32 = fn(lib, "cuMemsetD32_v2", LONG, INT, LONG);
        cuMemsetD8Async = fn(lib, "cuMemsetD8Async", LONG, ValueLayout.JAVA_BYTE, LONG, PTR);
        cuMemsetD32Async = fn(lib, "cuMemsetD32Async", LONG, INT, LONG, PTR);
        cuMemcpyHtoD = fn(lib, "cuMemcpyHtoD_v2", LONG, PTR, LONG);
        cuMemcpyDtoH = fn(lib, "cuMemcpyDtoH_v2", PTR, LONG, LONG);
        cuMemcpyDtoD = fn(lib, "cuMemcpyDtoD_v2", LONG, LONG, LONG);
        cuMemcpyHtoDAsync = fn(lib, "cuMemcpyHtoDAsync_v2", LONG, PTR, LONG, PTR);
        cuMemcpyDtoHAsync = fn(lib, "cuMemcpyDtoHAsync_v2", PTR, LONG, LONG, PTR);
        cuMemcpyDtoDAsync = fn(lib, "cuMemcpyDtoDAsync_v2", LONG, LONG, LONG, PTR);
        cuMemHostAlloc = fn(lib, "cuMemHostAlloc", PTR, LONG, INT);
        cuMemFreeHost = fn(lib, "cuMemFreeHost", PTR);
        cuMemGetInfo = fn(lib, "cuMemGetInfo_v2", PTR, PTR);
        cuModuleLoadData = fn(lib, "cuModuleLoadData", PTR, PTR);
        cuModuleUnload = fn(lib, "cuModuleUnload", PTR);
        cuModuleGetFunction = fn(lib, "cuModuleGetFunction", PTR, PTR, PTR);
        cuLaunchKernel = fn(lib, "cuLaunchKernel", PTR, INT, INT, INT, INT, INT, INT, INT, PTR, PTR, PTR);
        cuGetErrorName = fn(lib, "cuGetErrorName", INT, PTR);
        cuGetErrorString = fn(lib, "cuGetErrorString", INT, PTR);
    }

    private static NativeFunction fn(SymbolLookup lib, String name, ValueLayout... args) {
        return NativeFunction.status(LIB, lib, name, args);
    }

    // ---- errors ------------------------------------------------------------------------------

    /** Throws a {@link CudaException} naming {@code fn}'s symbol when {@code result} is not CUDA_SUCCESS. */
    private void check(NativeFunction fn, int result) {
        if (result != CUDA_SUCCESS) throw new CudaException(fn.name(), result, errorName(result), errorString(result));
    }

    /** "CUDA_ERROR_OUT_OF_MEMORY" for 2, or "CUresult 2" when the driver does not know the code. */
    public String errorName(int result) { return errorText(cuGetErrorName, result, "CUresult " + result); }

    public String errorString(int result) { return errorText(cuGetErrorString, result, ""); }

    private static String errorText(NativeFunction fn, int result, String fallback) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(PTR);
            int r = (int) fn.handle().invokeExact(result, out);
            MemorySegment s = out.get(ValueLayout.ADDRESS, 0);
            return r != CUDA_SUCCESS || s.address() == 0 ? fallback : s.reinterpret(4096).getString(0);
        } catch (Throwable t) {
            return fallback;
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    private static MemorySegment p(long address) { return MemorySegment.ofAddress(address); }

    // ---- initialisation and devices ------------------------------------------------------------

    public void init() {
        try { check(cuInit, (int) cuInit.handle().invokeExact(0)); } catch (Throwable t) { throw rethrow(t); }
    }

    /** The driver's CUDA version, e.g. 13000 for 13.0. */
    public int driverVersion() { return intOut(cuDriverGetVersion); }

    public int deviceCount() { return intOut(cuDeviceGetCount); }

    private int intOut(NativeFunction fn) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(INT);
            check(fn, (int) fn.handle().invokeExact(out));
            return out.get(INT, 0);
        } catch (Throwable t) { throw rethrow(t); }
    }

    /** The CUdevice of an ordinal. */
    public int device(int ordinal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(INT);
            check(cuDeviceGet, (int) cuDeviceGet.handle().invokeExact(out, ordinal));
            return out.get(INT, 0);
        } catch (Throwable t) { throw rethrow(t); }
    }

    public String deviceName(int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(256);
            check(cuDeviceGetName, (int) cuDeviceGetName.handle().invokeExact(out, 256, device));
            return out.getString(0);
        } catch (Throwable t) { throw rethrow(t); }
    }

    public int attribute(int attribute, int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(INT);
            check(cuDeviceGetAttribute, (int) cuDeviceGetAttribute.handle().invokeExact(out, attribute, device));
            return out.get(INT, 0);
        } catch (Throwable t) { throw rethrow(t); }
    }

    public long totalMemory(int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(LONG);
            check(cuDeviceTotalMem, (int) cuDeviceTotalMem.handle().invokeExact(out, device));
            return out.get(LONG, 0);
        } catch (Throwable t) { throw rethrow(t); }
    }

    // ---- contexts ---------------------------------------------------------------------------------

    /** The device's primary context (the one the runtime API and PyTorch share), retained. */
    public long primaryContextRetain(int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(PTR);
            check(cuDevicePrimaryCtxRetain, (int) cuDevicePrimaryCtxRetain.handle().invokeExact(out, device));
            return out.get(ValueLayout.ADDRESS, 0).address();
        } catch (Throwable t) { throw rethrow(t); }
    }

    public void primaryContextRelease(int device) {
        try { check(cuDevicePrimaryCtxRelease, (int) cuDevicePrimaryCtxRelease.handle().invokeExact(device)); }
        catch (Throwable t) { throw rethrow(t); }
    }

    /** Binds a context to the calling thread (each thread that calls the driver needs it). */
    public void setCurrentContext(long context) {
        try { check(cuCtxSetCurrent, (int) cuCtxSetCurrent.handle().invokeExact(p(context))); }
        catch (Throwable t) { throw rethrow(t); }
    }

    public void contextSynchronize() {
        try { check(cuCtxSynchronize, (int) cuCtxSynchronize.handle().invokeExact()); }
        catch (Throwable t) { throw rethrow(t); }
    }

    // ---- streams and events ------------------------------------------------------------------------

    public long streamCreate(int flags) { return handleOut(cuStreamCreate, flags); }

    public void streamSynchronize(long stream) { call1(cuStreamSynchronize, stream); }

    public void streamDestroy(long stream) { call1(cuStreamDestroy, stream); }

    public long eventCreate(int flags) { return handleOut(cuEventCreate, flags); }

    public void eventRecord(long event, long stream) {
        try { check(cuEventRecord, (int) cuEventRecord.handle().invokeExact(p(event), p(stream))); }
        catch (Throwable t) { throw rethrow(t); }
    }

    public void eventSynchronize(long event) { call1(cuEventSynchronize, event); }

    /** Milliseconds between two recorded, completed events. */
    public float eventElapsedMillis(long start, long end) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(FLOAT);
            check(cuEventElapsedTime, (int) cuEventElapsedTime.handle().invokeExact(out, p(start), p(end)));
            return out.get(FLOAT, 0);
        } catch (Throwable t) { throw rethrow(t); }
    }

    public void eventDestroy(long event) { call1(cuEventDestroy, event); }

    private long handleOut(NativeFunction fn, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(PTR);
            check(fn, (int) fn.handle().invokeExact(out, flags));
            return out.get(ValueLayout.ADDRESS, 0).address();
        } catch (Throwable t) { throw rethrow(t); }
    }

    private void call1(NativeFunction fn, long handle) {
        try { check(fn, (int) fn.handle().invokeExact(p(handle))); } catch (Throwable t) { throw rethrow(t); }
    }

    // ---- memory ------------------------------------------------------------------------------------------

    /** A device allocation, or 0 when the device is out of memory (every other error throws). */
    public long memAllocOrZero(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(LONG);
            int r = (int) cuMemAlloc.handle().invokeExact(out, bytes);
            if (r == CUDA_ERROR_OUT_OF_MEMORY) return 0;
            check(cuMemAlloc, r);
            return out.get(LONG, 0);
        } catch (Throwable t) { throw rethrow(t); }
    }

    public long memAlloc(long bytes) {
        long p = memAllocOrZero(bytes);
        if (p == 0) throw new CudaException(cuMemAlloc.name() + "(" + bytes + " bytes)", CUDA_ERROR_OUT_OF_MEMORY,
                errorName(CUDA_ERROR_OUT_OF_MEMORY), errorString(CUDA_ERROR_OUT_OF_MEMORY));
        return p;
    }

    public void memFree(long devicePointer) {
        try { check(cuMemFree, (int) cuMemFree.handle().invokeExact(devicePointer)); } catch (Throwable t) { throw rethrow(t); }
    }

    public void memsetD8(long dst, byte value, long count) {
        try { check(cuMemsetD8, (int) cuMemsetD8.handle().invokeExact(dst, value, count)); } catch (Throwable t) { throw rethrow(t); }
    }

    /** Sets {@code count} 32-bit words (e.g. a float's bits from Float.floatToRawIntBits). */
    public void memsetD32(long dst, int value, long count) {
        try { check(cuMemsetD32, (int) cuMemsetD32.handle().invokeExact(dst, value, count)); } catch (Throwable t) { throw rethrow(t); }
    }

    public void memsetD8Async(long dst, byte value, long count, long stream) {
        try { check(cuMemsetD8Async, (int) cuMemsetD8Async.handle().invokeExact(dst, value, count, p(stream))); }
        catch (Throwable t) { throw rethrow(t); }
    }

    public void memsetD32Async(long dst, int value, long count, long stream) {
        try { check(cuMemsetD32Async, (int) cuMemsetD32Async.handle().invokeExact(dst, value, count, p(stream))); }
        catch (Throwable t) { throw rethrow(t); }
    }

    public void memcpyHtoD(long dst, MemorySegment src, long bytes) {
        checkHost("cuMemcpyHtoD", src, bytes);
        try { check(cuMemcpyHtoD, (int) cuMemcpyHtoD.handle().invokeExact(dst, src, bytes)); } catch (Throwable t) { throw rethrow(t); }
    }

    public void memcpyDtoH(MemorySegment dst, long src, long bytes) {
        checkHost("cuMemcpyDtoH", dst, bytes);
        try { check(cuMemcpyDtoH, (int) cuMemcpyDtoH.handle().invokeExact(dst, src, bytes)); } catch (Throwable t) { throw rethrow(t); }
    }

    public void memcpyDtoD(long dst, long src, long bytes) {
        try { check(cuMemcpyDtoD, (int) cuMemcpyDtoD.handle().invokeExact(dst, src, bytes)); } catch (Throwable t) { throw rethrow(t); }
    }

    /** Asynchronous only when {@code src} is page-locked ({@link #memHostAlloc}); the host must keep it alive until the stream passes. */
    public void memcpyHtoDAsync(long dst, MemorySegment src, long bytes, long stream) {
        checkHost("cuMemcpyHtoDAsync", src, bytes);
        try { check(cuMemcpyHtoDAsync, (int) cuMemcpyHtoDAsync.handle().invokeExact(dst, src, bytes, p(stream))); }
        catch (Throwable t) { throw rethrow(t); }
    }

    public void memcpyDtoHAsync(MemorySegment dst, long src, long bytes, long stream) {
        checkHost("cuMemcpyDtoHAsync", dst, bytes);
        try { check(cuMemcpyDtoHAsync, (int) cuMemcpyDtoHAsync.handle().invokeExact(dst, src, bytes, p(stream))); }
        catch (Throwable t) { throw rethrow(t); }
    }

    public void memcpyDtoDAsync(long dst, long src, long bytes, long stream) {
        try { check(cuMemcpyDtoDAsync, (int) cuMemcpyDtoDAsync.handle().invokeExact(dst, src, bytes, p(stream))); }
        catch (Throwable t) { throw rethrow(t); }
    }

    private static void checkHost(String op, MemorySegment host, long bytes) {
        if (!host.isNative()) throw new IllegalArgumentException(op + ": the host buffer must be native (off-heap) memory");
        if (bytes < 0 || bytes > host.byteSize()) {
            throw new IllegalArgumentException(op + ": " + bytes + " bytes do not fit a host buffer of " + host.byteSize() + " bytes");
        }
    }

    /** Page-locked host memory (fast and truly asynchronous copies); free with {@link #memFreeHost}. */
    public MemorySegment memHostAlloc(long bytes, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(PTR);
            check(cuMemHostAlloc, (int) cuMemHostAlloc.handle().invokeExact(out, bytes, flags));
            return out.get(ValueLayout.ADDRESS, 0).reinterpret(bytes);
        } catch (Throwable t) { throw rethrow(t); }
    }

    public void memFreeHost(MemorySegment host) {
        try { check(cuMemFreeHost, (int) cuMemFreeHost.handle().invokeExact(host)); } catch (Throwable t) { throw rethrow(t); }
    }

    /** {free, total} bytes of the current context's device. */
    public long[] memGetInfo() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment free = a.allocate(LONG), total = a.allocate(LONG);
            check(cuMemGetInfo, (int) cuMemGetInfo.handle().invokeExact(free, total));
            return new long[] {free.get(LONG, 0), total.get(LONG, 0)};
        } catch (Throwable t) { throw rethrow(t); }
    }

    // ---- modules and launches ------------------------------------------------------------------------------

    /** Loads a fatbin/cubin/PTX image (copied to native memory for the call) into the current context. */
    public long moduleLoadData(byte[] image) {
        try (Arena a = Arena.ofConfined()) {
            // PTX must be NUL-terminated; a fatbin does not mind the extra byte.
            MemorySegment img = a.allocate(image.length + 1L, 16);
            MemorySegment.copy(image, 0, img, ValueLayout.JAVA_BYTE, 0, image.length);
            MemorySegment out = a.allocate(PTR);
            check(cuModuleLoadData, (int) cuModuleLoadData.handle().invokeExact(out, img));
            return out.get(ValueLayout.ADDRESS, 0).address();
        } catch (Throwable t) { throw rethrow(t); }
    }

    public void moduleUnload(long module) { call1(cuModuleUnload, module); }

    public long moduleGetFunction(long module, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(PTR);
            int r = (int) cuModuleGetFunction.handle().invokeExact(out, p(module), a.allocateFrom(name));
            if (r != CUDA_SUCCESS) {
                throw new CudaException(cuModuleGetFunction.name() + "(\"" + name + "\")", r, errorName(r), errorString(r));
            }
            return out.get(ValueLayout.ADDRESS, 0).address();
        } catch (Throwable t) { throw rethrow(t); }
    }

    /** Launches {@code function}; {@code params} is the {@code void**} array built by {@link KernelArgs}. */
    public void launchKernel(long function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
                             int sharedMemBytes, long stream, MemorySegment params) {
        try {
            check(cuLaunchKernel, (int) cuLaunchKernel.handle().invokeExact(p(function), gridX, gridY, gridZ,
                    blockX, blockY, blockZ, sharedMemBytes, p(stream), params, MemorySegment.NULL));
        } catch (Throwable t) { throw rethrow(t); }
    }
}
