package org.voxelforge.core.cuda;

/**
 * One GPU as the CUDA backend uses it: its primary context, properties, caching allocator,
 * kernels and library handles. Every method that calls the driver first makes the context
 * current on the calling thread ({@link #makeCurrent()}), so any thread may use a device.
 */
public final class CudaDevice implements AutoCloseable {
    private static final ThreadLocal<CudaDevice> CURRENT = new ThreadLocal<>();

    private final CudaRuntime runtime;
    private final CudaDriver driver;
    private final int ordinal;
    private final int handle;
    private final long context;
    private final String name;
    private final int ccMajor, ccMinor, multiprocessors;
    private final long totalMemory;
    private final CachingAllocator allocator;
    private volatile CudaKernels kernels;
    private volatile long cublasHandle, cudnnHandle;
    private boolean closed;

    CudaDevice(CudaRuntime runtime, int ordinal) {
        this.runtime = runtime;
        this.driver = runtime.driver();
        this.ordinal = ordinal;
        this.handle = driver.device(ordinal);
        this.name = driver.deviceName(handle);
        this.ccMajor = driver.attribute(CudaDriver.ATTR_COMPUTE_CAPABILITY_MAJOR, handle);
        this.ccMinor = driver.attribute(CudaDriver.ATTR_COMPUTE_CAPABILITY_MINOR, handle);
        this.multiprocessors = driver.attribute(CudaDriver.ATTR_MULTIPROCESSOR_COUNT, handle);
        this.totalMemory = driver.totalMemory(handle);
        this.context = driver.primaryContextRetain(handle);
        this.allocator = new CachingAllocator(new DriverMemoryApi(this));
    }

    CudaDriver driver() { return driver; }

    public int ordinal() { return ordinal; }

    public String name() { return name; }

    /** e.g. "9.0" for an H100/H200. */
    public String computeCapability() { return ccMajor + "." + ccMinor; }

    public int computeCapabilityMajor() { return ccMajor; }

    public int multiprocessors() { return multiprocessors; }

    public long totalMemory() { return totalMemory; }

    public CachingAllocator allocator() { return allocator; }

    /** Binds this device's primary context to the calling thread (a no-op when it already is). */
    public void makeCurrent() {
        if (closed) throw new IllegalStateException("cuda:" + ordinal + " is closed");
        if (CURRENT.get() != this) {
            driver.setCurrentContext(context);
            CURRENT.set(this);
        }
    }

    /** {free, total} bytes on the device now. */
    public long[] memoryInfo() {
        makeCurrent();
        return driver.memGetInfo();
    }

    /** The fatbin's kernels, loaded into this device on first use. */
    public CudaKernels kernels() {
        CudaKernels k = kernels;
        if (k == null) {
            synchronized (this) {
                if (kernels == null) {
                    byte[] fatbin = org.voxelforge.kernels.KernelResources.fatbin().orElseThrow(() -> new IllegalStateException(
                            "the CUDA kernels are missing: this jar was built without nvcc (rebuild on a machine with CUDA 13's nvcc)"));
                    kernels = new CudaKernels(this, fatbin);
                }
                k = kernels;
            }
        }
        return k;
    }

    /** This device's cuBLAS handle (math mode DEFAULT: full float32 unless a caller asks for TF32). */
    public synchronized long cublasHandle() {
        if (cublasHandle == 0) {
            makeCurrent();
            cublasHandle = runtime.cublas().create();
        }
        return cublasHandle;
    }

    public synchronized long cudnnHandle() {
        if (cudnnHandle == 0) {
            makeCurrent();
            cudnnHandle = runtime.cudnn().create();
        }
        return cudnnHandle;
    }

    public long createStream() {
        makeCurrent();
        return driver.streamCreate(CudaDriver.STREAM_NON_BLOCKING);
    }

    public void synchronize() {
        makeCurrent();
        driver.contextSynchronize();
    }

    /** e.g. "cuda:0 NVIDIA H200 (compute 9.0, 132 SMs, 139.8 GiB)". */
    public String describe() {
        return "cuda:" + ordinal + " " + name + " (compute " + computeCapability() + ", " + multiprocessors + " SMs, "
                + CachingAllocator.human(totalMemory) + ")";
    }

    @Override public synchronized void close() {
        if (closed) return;
        makeCurrent();
        driver.contextSynchronize();
        if (cublasHandle != 0) runtime.cublas().destroy(cublasHandle);
        if (cudnnHandle != 0) runtime.cudnn().destroy(cudnnHandle);
        if (kernels != null) kernels.unload();
        allocator.emptyCache();
        closed = true;
        CURRENT.remove();
        driver.primaryContextRelease(handle);
    }
}
