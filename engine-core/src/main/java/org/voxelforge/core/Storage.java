package org.voxelforge.core;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A block of memory shared by a tensor and all its views. Freed when the last tensor that
 * references it is closed; a {@link Cleaner} frees it if every reference was dropped unclosed.
 *
 * <p>The version counter counts in-place writes; autograd records it when it saves a tensor
 * and refuses to run a backward pass that would read a tensor changed since.
 */
public final class Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final MemorySegment segment;
    private final long bytes;
    private final Device device;
    private final AtomicInteger refs = new AtomicInteger(0);
    private final Freer freer;
    private final Cleaner.Cleanable cleanable;
    private volatile int version;

    /** The cleaning action must not reference the Storage itself, or it never becomes unreachable. */
    private static final class Freer implements Runnable {
        private final long address;
        private final long bytes;
        private volatile boolean freed;

        Freer(long address, long bytes) { this.address = address; this.bytes = bytes; }

        @Override public synchronized void run() {
            if (!freed) {
                freed = true;
                NativeMemory.free(address, bytes);
            }
        }
    }

    private Storage(MemorySegment segment, Device device) {
        this.segment = segment;
        this.bytes = segment.byteSize();
        this.device = device;
        this.freer = new Freer(segment.address(), bytes);
        this.cleanable = CLEANER.register(this, freer);
    }

    /** Zero-filled CPU storage of {@code bytes}. */
    public static Storage allocateCpu(long bytes) {
        return new Storage(NativeMemory.allocate(bytes), Device.CPU);
    }

    public Device device() { return device; }

    public long byteSize() { return bytes; }

    /** The memory, or a clear error if it was freed. */
    public MemorySegment segment() {
        if (freer.freed) {
            throw new IllegalStateException("tensor storage was used after it was closed; keep the "
                    + "tensor open (or retain it from its TensorScope) while it is in use");
        }
        return segment;
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
