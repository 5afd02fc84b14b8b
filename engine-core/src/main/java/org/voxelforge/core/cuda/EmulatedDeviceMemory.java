package org.voxelforge.core.cuda;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The emulator's "device memory": native host blocks (256-byte aligned, as cudaMalloc's), with a
 * capacity so that the allocator's out-of-memory path behaves as on a GPU. Its bytes are not
 * counted in NativeMemory's CPU statistics; the allocator's stats count them, as for a GPU.
 */
final class EmulatedDeviceMemory implements DeviceMemoryApi {
    private static final long ALIGNMENT = 256;
    private static final MethodHandle ALIGNED_ALLOC, FREE;

    static {
        Linker linker = Linker.nativeLinker();
        ALIGNED_ALLOC = linker.downcallHandle(linker.defaultLookup().find("aligned_alloc").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        FREE = linker.downcallHandle(linker.defaultLookup().find("free").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
    }

    private final long capacity;
    private long used;
    private final java.util.Map<Long, Long> sizes = new java.util.HashMap<>();

    EmulatedDeviceMemory(long capacity) { this.capacity = capacity; }

    @Override public synchronized long malloc(long bytes) {
        if (bytes <= 0 || used + bytes > capacity) return 0;
        long size = Math.ceilDiv(bytes, ALIGNMENT) * ALIGNMENT;
        MemorySegment p;
        try {
            p = (MemorySegment) ALIGNED_ALLOC.invokeExact(ALIGNMENT, size);
        } catch (Throwable t) {
            throw new IllegalStateException("aligned_alloc failed", t);
        }
        if (p.address() == 0) return 0;
        used += bytes;
        sizes.put(p.address(), bytes);
        return p.address();
    }

    @Override public synchronized void free(long pointer) {
        Long bytes = sizes.remove(pointer);
        if (bytes == null) throw new IllegalArgumentException("emulated device free: 0x" + Long.toHexString(pointer) + " is not a live block");
        used -= bytes;
        try {
            FREE.invokeExact(MemorySegment.ofAddress(pointer));
        } catch (Throwable t) {
            throw new IllegalStateException("free failed", t);
        }
    }

    @Override public synchronized long[] memInfo() { return new long[] {capacity - used, capacity}; }
}
