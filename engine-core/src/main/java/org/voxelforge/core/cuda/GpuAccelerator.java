package org.voxelforge.core.cuda;

import java.lang.foreign.MemorySegment;
import java.util.Optional;
import org.voxelforge.core.Device;

/**
 * A CUDA GPU as an {@link Accelerator}: its caching allocator, the fatbin's kernels, the driver's
 * copies, all on the legacy default stream (one compute stream per device to start; the
 * synchronous copies then order themselves after the queued kernels). cuBLAS and cuDNN are used
 * when their libraries load; {@code -Dvoxelforge.cudnn=off} forces our own conv kernels and
 * {@code -Dvoxelforge.cublas=off} our own GEMM kernel.
 *
 * <p>UNVERIFIED on a GPU: written and reviewed, but every session so far had no GPU; the same
 * backend code runs in CI over {@link EmulatedAccelerator}.
 */
public final class GpuAccelerator implements Accelerator {
    private final CudaDevice device;
    private final CudaDriver driver;
    private volatile Optional<BlasHandle> blas;
    private volatile Optional<DnnHandle> dnn;

    GpuAccelerator(CudaDevice device) {
        this.device = device;
        this.driver = device.driver();
    }

    /** cuda:{@code ordinal}; throws IllegalStateException with the reason when CUDA is unavailable. */
    public static GpuAccelerator of(int ordinal) {
        return INSTANCES.computeIfAbsent(ordinal, o -> new GpuAccelerator(CudaRuntime.get().device(o)));
    }

    private static final java.util.Map<Integer, GpuAccelerator> INSTANCES = new java.util.concurrent.ConcurrentHashMap<>();

    public CudaDevice cudaDevice() { return device; }

    @Override public Device device() { return Device.cuda(device.ordinal()); }

    @Override public String describe() { return device.describe(); }

    @Override public KernelLauncher launcher() { return device.kernels().launcher(); }

    @Override public CachingAllocator allocator() { return device.allocator(); }

    @Override public long stream() { return 0; }

    /** Copies at least this large go through the pinned staging buffers; smaller ones are one plain call. */
    static final long STAGED_MIN_BYTES = 256 << 10;
    /** Each of the two staging buffers. */
    static final long STAGING_CHUNK_BYTES = 8L << 20;

    private PinnedStaging staging; // made on the first large copy; null with -Dvoxelforge.cuda.pinned=off

    @Override public void copyToDevice(MemorySegment src, long dst, long bytes) {
        if (bytes == 0) return;
        device.makeCurrent();
        PinnedStaging s = bytes >= STAGED_MIN_BYTES ? staging() : null;
        if (s != null) s.toDevice(src, dst, bytes);
        else driver.memcpyHtoD(dst, src, bytes);
    }

    @Override public void copyToHost(long src, MemorySegment dst, long bytes) {
        if (bytes == 0) return;
        device.makeCurrent();
        PinnedStaging s = bytes >= STAGED_MIN_BYTES ? staging() : null;
        if (s != null) s.toHost(src, dst, bytes);
        else driver.memcpyDtoH(dst, src, bytes);
    }

    /** Two page-locked buffers and an event each, on the compute stream (kept for the process's life). */
    private synchronized PinnedStaging staging() {
        if (staging == null && !"off".equalsIgnoreCase(System.getProperty("voxelforge.cuda.pinned", ""))) {
            MemorySegment a = driver.memHostAlloc(STAGING_CHUNK_BYTES, CudaDriver.MEMHOSTALLOC_PORTABLE);
            MemorySegment b = driver.memHostAlloc(STAGING_CHUNK_BYTES, CudaDriver.MEMHOSTALLOC_PORTABLE);
            long[] events = {driver.eventCreate(CudaDriver.EVENT_DEFAULT), driver.eventCreate(CudaDriver.EVENT_DEFAULT)};
            long stream = stream();
            staging = new PinnedStaging(a, b, new PinnedStaging.Engine() {
                @Override public void toDeviceAsync(long dst, MemorySegment pinned, long n) { driver.memcpyHtoDAsync(dst, pinned, n, stream); }

                @Override public void toHostAsync(MemorySegment pinned, long src, long n) { driver.memcpyDtoHAsync(pinned, src, n, stream); }

                @Override public void record(int slot) { driver.eventRecord(events[slot], stream); }

                @Override public void await(int slot) { driver.eventSynchronize(events[slot]); }
            });
        }
        return staging;
    }

    @Override public void copyDeviceToDevice(long dst, long src, long bytes) {
        if (bytes == 0) return;
        device.makeCurrent();
        driver.memcpyDtoDAsync(dst, src, bytes, stream());
    }

    @Override public void memsetZero(long dst, long bytes) {
        if (bytes == 0) return;
        device.makeCurrent();
        driver.memsetD8Async(dst, (byte) 0, bytes, stream());
    }

    @Override public void synchronize() { device.synchronize(); }

    @Override public Optional<BlasHandle> blas() {
        Optional<BlasHandle> b = blas;
        if (b == null) {
            synchronized (this) {
                if (blas == null) blas = "off".equalsIgnoreCase(System.getProperty("voxelforge.cublas", "")) ? Optional.empty()
                        : tryLoad("cuBLAS", () -> {
                    Cublas c = CudaRuntime.get().cublas();
                    long h = device.cublasHandle();
                    c.setStream(h, stream());
                    c.setMathMode(h, CudaBackend.tf32() ? Cublas.MathMode.TF32_TENSOR_OP : Cublas.MathMode.DEFAULT);
                    return new BlasHandle(c, h);
                });
                b = blas;
            }
        }
        return b;
    }

    @Override public Optional<DnnHandle> dnn() {
        Optional<DnnHandle> d = dnn;
        if (d == null) {
            synchronized (this) {
                if (dnn == null) dnn = "off".equalsIgnoreCase(System.getProperty("voxelforge.cudnn", "")) ? Optional.empty()
                        : tryLoad("cuDNN", () -> {
                            Cudnn c = CudaRuntime.get().cudnn();
                            long h = device.cudnnHandle();
                            c.setStream(h, stream());
                            return new DnnHandle(c, h);
                        });
                d = dnn;
            }
        }
        return d;
    }

    /** A library that does not load leaves our own kernels in charge; say so once. */
    private static <T> Optional<T> tryLoad(String what, java.util.function.Supplier<T> load) {
        try {
            return Optional.of(load.get());
        } catch (RuntimeException | LinkageError e) {
            System.err.println("[voxelforge] " + what + " is not usable (" + e.getMessage() + "); using VoxelForge's own kernels instead");
            return Optional.empty();
        }
    }
}
