package org.voxelforge.core;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * A block of memory shared by a tensor and all its views: host memory for the CPU, a device
 * pointer for CUDA and the emulator. Freed when the last tensor that references it is closed; a
 * {@link Cleaner} frees it if every reference was dropped unclosed.
 *
 * <p>Only CPU storage has a {@link #segment()}: host code that reads a device tensor directly
 * would crash on a GPU, so it fails here on every device, the emulator included, with the fix
 * ({@code Tensor.to(Device.CPU)}). Backends reach device memory through {@link #pointer()}.
 *
 * <p>The version counter counts in-place writes; autograd records it when it saves a tensor
 * and refuses to run a backward pass that would read a tensor changed since.
 */
public final class Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final MemorySegment segment; // null on a device
    private final long pointer;
    private final long bytes;
    private final Device device;
    private final AtomicInteger refs = new AtomicInteger(0);
    private final Freer freer;
    private final Cleaner.Cleanable cleanable;
    private volatile int version;

    /** The cleaning action must not reference the Storage itself, or it never becomes unreachable. */
    private static final class Freer implements Runnable {
        private final long address;
        private final LongConsumer free;
        private volatile boolean freed;

        Freer(long address, LongConsumer free) { this.address = address; this.free = free; }

        @Override public synchronized void run() {
            if (!freed) {
                freed = true;
                free.accept(address);
            }
        }
    }

    private Storage(MemorySegment segment, long pointer, long bytes, Device device, LongConsumer free) {
        this.segment = segment;
        this.pointer = pointer;
        this.bytes = bytes;
        this.device = device;
        this.freer = new Freer(pointer, free);
        this.cleanable = CLEANER.register(this, freer);
    }

    /** Zero-filled CPU storage of {@code bytes}. */
    public static Storage allocateCpu(long bytes) {
        MemorySegment s = NativeMemory.allocate(bytes);
        long size = s.byteSize();
        return new Storage(s, s.address(), size, Device.CPU, address -> NativeMemory.free(address, size));
    }

    /**
     * Device storage over {@code pointer} (a block of at least {@code bytes}), handed back with
     * {@code free} (called once, from any thread, when the last view closes or the cleaner runs).
     */
    public static Storage onDevice(Device device, long pointer, long bytes, LongConsumer free) {
        if (device.isCpu()) throw new IllegalArgumentException("Storage.onDevice: use allocateCpu for CPU memory");
        if (pointer == 0) throw new IllegalArgumentException("Storage.onDevice: null device pointer for " + bytes + " bytes on " + device);
        return new Storage(null, pointer, bytes, device, free);
    }

    public Device device() { return device; }

    public long byteSize() { return bytes; }

    /** The host memory of CPU storage, or a clear error if it was freed or lives on a device. */
    public MemorySegment segment() {
        checkLive();
        if (segment == null) {
            throw new IllegalStateException("this tensor lives on " + device + ", where host code cannot read it; copy it to "
                    + "the host first with tensor.to(Device.CPU)");
        }
        return segment;
    }

    /** The block's address: a device pointer on a device, the native address of the memory on the CPU. */
    public long pointer() {
        checkLive();
        return pointer;
    }

    private void checkLive() {
        if (freer.freed) {
            throw new IllegalStateException("tensor storage was used after it was closed; keep the "
                    + "tensor open (or retain it from its TensorScope) while it is in use");
        }
    }

    public boolean isFreed() { return freer.freed; }

    public int version() { return version; }

    /** Called by every in-place write. */
    public void bumpVersion() { version++; }

    void retain() { refs.incrementAndGet(); }

    void release() {
        if (refs.decrementAndGet() <= 0) cleanable.clean();
    }
}
