package org.voxelforge.core;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 64-byte aligned off-heap memory from the C library's {@code aligned_alloc}/{@code free}.
 *
 * <p>Why not one {@code Arena} per tensor: closing a shared arena makes the JVM handshake with
 * every thread, which costs far more than the free itself in a training step that allocates
 * hundreds of tensors. Explicit malloc/free keeps allocation predictable; use after free is
 * caught one level up, by {@link Storage}'s closed flag.
 */
public final class NativeMemory {
    public static final int ALIGNMENT = 64;

    private static final MethodHandle ALIGNED_ALLOC;
    private static final MethodHandle FREE;
    private static final AtomicLong LIVE_BYTES = new AtomicLong();
    private static final AtomicLong PEAK_BYTES = new AtomicLong();

    static {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        ALIGNED_ALLOC = linker.downcallHandle(libc.find("aligned_alloc").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        FREE = linker.downcallHandle(libc.find("free").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
    }

    private NativeMemory() {}

    /** Allocates {@code bytes} (zero-filled), rounded up to the alignment. */
    public static MemorySegment allocate(long bytes) {
        long size = Math.max(ALIGNMENT, (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT);
        MemorySegment p;
        try {
            p = (MemorySegment) ALIGNED_ALLOC.invokeExact((long) ALIGNMENT, size);
        } catch (Throwable t) {
            throw new IllegalStateException("aligned_alloc failed", t);
        }
        if (p.address() == 0) {
            throw new OutOfMemoryError("could not allocate " + bytes + " bytes of tensor memory ("
                    + LIVE_BYTES.get() + " bytes already live); close tensors you no longer need "
                    + "or use a TensorScope");
        }
        MemorySegment seg = p.reinterpret(size);
        seg.fill((byte) 0);
        long live = LIVE_BYTES.addAndGet(size);
        PEAK_BYTES.accumulateAndGet(live, Math::max);
        return seg.asSlice(0, bytes);
    }

    static void free(long address, long bytes) {
        long size = Math.max(ALIGNMENT, (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT);
        try {
            FREE.invokeExact(MemorySegment.ofAddress(address));
        } catch (Throwable t) {
            throw new IllegalStateException("free failed", t);
        }
        LIVE_BYTES.addAndGet(-size);
    }

    /** Bytes of tensor memory currently allocated on the CPU. */
    public static long liveBytes() { return LIVE_BYTES.get(); }

    /** Highest {@link #liveBytes()} seen since start or the last {@link #resetPeak()}. */
    public static long peakBytes() { return PEAK_BYTES.get(); }

    public static void resetPeak() { PEAK_BYTES.set(LIVE_BYTES.get()); }
}
