package org.voxelforge.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The block cache: a reused block comes back zeroed, accounting keeps live and cached bytes apart, release empties it. */
class NativeMemoryTest {
    @Test void reusedBlocksAreZeroedAndAccounted() {
        long bytes = 3L << 20; // over the cache threshold and the parallel-zeroing threshold's half
        long live0 = NativeMemory.liveBytes();
        MemorySegment a = NativeMemory.allocate(bytes);
        long address = a.address();
        assertEquals(live0 + bytes, NativeMemory.liveBytes());
        a.fill((byte) 7);
        long cached0 = NativeMemory.cachedBytes();
        NativeMemory.free(address, bytes);
        assertEquals(live0, NativeMemory.liveBytes());
        assertTrue(NativeMemory.cachedBytes() >= cached0, "the freed block is kept (or the cache is off)");
        MemorySegment b = NativeMemory.allocate(bytes);
        for (long i = 0; i < bytes; i += 4093) assertEquals(0, b.get(ValueLayout.JAVA_BYTE, i), "byte " + i + " of a reused block");
        assertEquals(0, b.get(ValueLayout.JAVA_BYTE, bytes - 1));
        NativeMemory.free(b.address(), bytes);
        NativeMemory.releaseCache();
        assertEquals(0, NativeMemory.cachedBytes());
        // small blocks are never cached
        MemorySegment c = NativeMemory.allocate(1000);
        NativeMemory.free(c.address(), 1000);
        assertEquals(0, NativeMemory.cachedBytes());
    }

    @Test void largeBlocksAreZeroed() {
        long bytes = 9L << 20; // zeroed on all pool threads
        MemorySegment a = NativeMemory.allocate(bytes);
        a.fill((byte) 1);
        NativeMemory.free(a.address(), bytes);
        MemorySegment b = NativeMemory.allocate(bytes);
        for (long i = 0; i < bytes; i += 65537) assertEquals(0, b.get(ValueLayout.JAVA_BYTE, i), "byte " + i);
        NativeMemory.free(b.address(), bytes);
    }
}
