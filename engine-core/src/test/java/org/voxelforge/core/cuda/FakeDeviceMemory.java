package org.voxelforge.core.cuda;

import java.util.HashMap;
import java.util.Map;

/** A device with a fixed capacity that hands out fake pointers and counts its calls. */
final class FakeDeviceMemory implements DeviceMemoryApi {
    final long capacity;
    final Map<Long, Long> blocks = new HashMap<>();
    long used, nextPointer = 0x7f00_0000_0000L, mallocCalls, freeCalls, refused;

    FakeDeviceMemory(long capacity) { this.capacity = capacity; }

    @Override public long malloc(long bytes) {
        mallocCalls++;
        if (used + bytes > capacity) {
            refused++;
            return 0;
        }
        long p = nextPointer;
        nextPointer += bytes + 4096;
        blocks.put(p, bytes);
        used += bytes;
        return p;
    }

    @Override public void free(long pointer) {
        freeCalls++;
        Long size = blocks.remove(pointer);
        if (size == null) throw new AssertionError("fake device: free of unknown pointer " + pointer);
        used -= size;
    }

    @Override public long[] memInfo() { return new long[] {capacity - used, capacity}; }
}
