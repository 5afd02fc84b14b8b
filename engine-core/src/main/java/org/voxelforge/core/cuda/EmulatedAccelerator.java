package org.voxelforge.core.cuda;

import java.lang.foreign.MemorySegment;
import org.voxelforge.core.Device;

/**
 * The emulator as an {@link Accelerator}: "device memory" is native host memory from a caching
 * allocator of its own, copies are memory copies, and kernels run synchronously on the calling
 * thread in the host emulator ({@link EmulatedKernels}). One per process ({@link #get()}).
 *
 * <p>Its capacity is {@code -Dvoxelforge.emulator.memoryMiB} (default 8192), so that running out
 * of device memory fails as it would on a GPU.
 */
public final class EmulatedAccelerator implements Accelerator {
    private static final long DEFAULT_CAPACITY_MIB = 8192;

    private final EmulatedKernels emulator;
    private final CachingAllocator allocator;
    private final long capacity;

    private EmulatedAccelerator(EmulatedKernels emulator, long capacity) {
        this.emulator = emulator;
        this.capacity = capacity;
        this.allocator = new CachingAllocator(new EmulatedDeviceMemory(capacity));
    }

    private static final class Holder {
        static final EmulatedAccelerator INSTANCE = new EmulatedAccelerator(EmulatedKernels.get(),
                Long.getLong("voxelforge.emulator.memoryMiB", DEFAULT_CAPACITY_MIB) << 20);
    }

    /** The emulated device; throws IllegalStateException with the reason when the emulator is unavailable. */
    public static EmulatedAccelerator get() {
        EmulatedKernels.get(); // the reason, when the emulator library cannot be loaded
        return Holder.INSTANCE;
    }

    @Override public Device device() { return Device.EMULATOR; }

    @Override public String describe() {
        return "emulator (host memory, " + CachingAllocator.human(capacity) + "; CUDA kernels run on the CPU by the host emulator)";
    }

    @Override public KernelLauncher launcher() { return emulator; }

    @Override public CachingAllocator allocator() { return allocator; }

    @Override public long stream() { return 0; }

    @Override public void copyToDevice(MemorySegment src, long dst, long bytes) {
        MemorySegment.copy(src, 0, at(dst, bytes), 0, bytes);
    }

    @Override public void copyToHost(long src, MemorySegment dst, long bytes) {
        MemorySegment.copy(at(src, bytes), 0, dst, 0, bytes);
    }

    @Override public void copyDeviceToDevice(long dst, long src, long bytes) {
        MemorySegment.copy(at(src, bytes), 0, at(dst, bytes), 0, bytes);
    }

    @Override public void memsetZero(long dst, long bytes) { at(dst, bytes).fill((byte) 0); }

    @Override public void synchronize() {}

    private static MemorySegment at(long pointer, long bytes) {
        if (pointer == 0 && bytes > 0) throw new IllegalArgumentException("emulated device copy: null pointer for " + bytes + " bytes");
        return MemorySegment.ofAddress(pointer).reinterpret(bytes);
    }
}
