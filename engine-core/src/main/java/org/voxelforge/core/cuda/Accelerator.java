package org.voxelforge.core.cuda;

import java.lang.foreign.MemorySegment;
import java.util.Optional;
import org.voxelforge.core.Device;

/**
 * A device as {@link CudaBackend} uses it: memory from a caching allocator, copies between host
 * and device, kernel launches, all in order on one compute stream. Two implementations: a real GPU
 * ({@link GpuAccelerator}) and the emulator ({@link EmulatedAccelerator}: host memory, the same
 * kernel sources run by the host emulator), so that the backend's code runs in CI.
 *
 * <p>Ordering: launches, {@link #copyDeviceToDevice} and {@link #memsetZero} are queued on
 * {@link #stream()}; {@link #copyToHost} waits for everything queued before it; {@link #copyToDevice}
 * returns when the host memory may be reused.
 */
public interface Accelerator {
    Device device();

    /** "cuda:0 NVIDIA H200 (compute 9.0, ...)" or "emulator (host memory, ...)". */
    String describe();

    KernelLauncher launcher();

    CachingAllocator allocator();

    /** The compute stream (0: the default stream). */
    long stream();

    void copyToDevice(MemorySegment src, long dst, long bytes);

    void copyToHost(long src, MemorySegment dst, long bytes);

    void copyDeviceToDevice(long dst, long src, long bytes);

    void memsetZero(long dst, long bytes);

    /** Waits for all queued work; a kernel's asynchronous error surfaces here. */
    void synchronize();

    /** cuBLAS on this device, when present (never under the emulator). */
    default Optional<BlasHandle> blas() { return Optional.empty(); }

    /** cuDNN on this device, when present and allowed (never under the emulator). */
    default Optional<DnnHandle> dnn() { return Optional.empty(); }

    /** A cuBLAS binding and this device's handle, bound to the compute stream. */
    record BlasHandle(Cublas cublas, long handle) {}

    /** A cuDNN binding and this device's handle, bound to the compute stream. */
    record DnnHandle(Cudnn cudnn, long handle) {}
}
