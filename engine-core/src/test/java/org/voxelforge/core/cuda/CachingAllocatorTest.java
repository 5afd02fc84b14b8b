package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CachingAllocatorTest {
    private static final long MiB = 1L << 20;

    @Test void sizeClassesRoundTo512BelowOneMiBAndTo2MiBAbove() {
        assertEquals(512, CachingAllocator.roundSize(0));
        assertEquals(512, CachingAllocator.roundSize(1));
        assertEquals(512, CachingAllocator.roundSize(512));
        assertEquals(1024, CachingAllocator.roundSize(513));
        assertEquals(MiB, CachingAllocator.roundSize(MiB));
        assertEquals(2 * MiB, CachingAllocator.roundSize(MiB + 1));
        assertEquals(4 * MiB, CachingAllocator.roundSize(2 * MiB + 1));
        assertThrows(IllegalArgumentException.class, () -> CachingAllocator.roundSize(-1));
        // against a naive definition over many sizes
        Random r = new Random(1);
        for (int i = 0; i < 10_000; i++) {
            long b = r.nextLong(64 * MiB);
            long c = CachingAllocator.roundSize(b);
            long unit = Math.max(b, 1) <= MiB ? 512 : 2 * MiB;
            assertTrue(c >= b && c % unit == 0 && c - Math.max(b, 1) < unit, "size " + b + " -> " + c);
        }
    }

    @Test void freedBlockIsReusedOnTheSameStreamOnly() {
        FakeDeviceMemory dev = new FakeDeviceMemory(1L << 30);
        CachingAllocator a = new CachingAllocator(dev);
        long p = a.allocate(1000, 7);
        a.free(p);
        assertEquals(p, a.allocate(1000, 7), "same stream, same class: the cached block");
        long q = a.allocate(1000, 8);
        assertNotEquals(p, q, "another stream never gets a block cached for stream 7");
        assertEquals(2, dev.mallocCalls);
        AllocatorStats s = a.stats();
        assertEquals(1, s.cacheHits());
        assertEquals(3, s.allocations());
        assertEquals(1024 * 2, s.allocatedBytes());
    }

    @Test void smallRequestsNeedTheExactClassLargeOnesTakeABoundedBiggerBlock() {
        FakeDeviceMemory dev = new FakeDeviceMemory(1L << 30);
        CachingAllocator a = new CachingAllocator(dev);
        long small = a.allocate(4096, 0);
        a.free(small);
        long other = a.allocate(1024, 0);
        assertNotEquals(small, other, "a 4 KiB block does not serve a 1 KiB request");
        long big = a.allocate(12 * MiB, 0);
        a.free(big);
        assertEquals(big, a.allocate(6 * MiB, 0), "a 12 MiB block serves a 6 MiB request (6 MiB slack)");
        a.free(big);
        long two = a.allocate(MiB + 1, 0);
        assertNotEquals(big, two, "a 12 MiB block does not serve a 2 MiB request (10 MiB slack > 8 MiB)");
    }

    @Test void outOfMemoryFreesTheCacheAndRetriesOnce() {
        FakeDeviceMemory dev = new FakeDeviceMemory(10 * MiB);
        CachingAllocator a = new CachingAllocator(dev);
        long p1 = a.allocate(4 * MiB, 1);
        long p2 = a.allocate(4 * MiB, 2);
        a.free(p1);
        a.free(p2);
        assertEquals(8 * MiB, a.stats().cachedBytes());
        // 6 MiB does not fit next to 8 MiB of cached blocks, and no cached block is big enough.
        long p3 = a.allocate(6 * MiB, 1);
        assertNotEquals(0, p3);
        AllocatorStats s = a.stats();
        assertEquals(1, s.oomRetries());
        assertEquals(0, s.cachedBytes(), "the cache was emptied");
        assertEquals(2, s.deviceFrees());
        assertEquals(6 * MiB, s.allocatedBytes());
        assertEquals(6 * MiB, dev.used);
        assertEquals(1, dev.refused);
    }

    @Test void outOfMemoryAfterTheRetryNamesRequestFreeAndTotal() {
        FakeDeviceMemory dev = new FakeDeviceMemory(10 * MiB);
        CachingAllocator a = new CachingAllocator(dev);
        long live = a.allocate(6 * MiB, 0);
        DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class, () -> a.allocate(5 * MiB, 0));
        assertEquals(5 * MiB, e.requestedBytes());
        String m = e.getMessage();
        assertTrue(m.contains("5.0 MiB") && m.contains("4.0 MiB free") && m.contains("10.0 MiB total")
                && m.contains("6.0 MiB in live blocks"), m);
        assertEquals(2, dev.refused, "one malloc, one retry, no more");
        assertEquals(6 * MiB, a.stats().allocatedBytes(), "a failed allocation changes no counter but the retries");
        a.free(live);
    }

    @Test void statisticsTrackPeaksAndReservedBytes() {
        FakeDeviceMemory dev = new FakeDeviceMemory(1L << 30);
        CachingAllocator a = new CachingAllocator(dev);
        long p = a.allocate(3 * MiB, 0);   // 4 MiB
        long q = a.allocate(100, 0);        // 512 B
        a.free(p);
        AllocatorStats s = a.stats();
        assertEquals(512, s.allocatedBytes());
        assertEquals(4 * MiB, s.cachedBytes());
        assertEquals(4 * MiB + 512, s.reservedBytes());
        assertEquals(4 * MiB + 512, s.peakAllocatedBytes());
        assertEquals(2, s.deviceMallocs());
        a.resetPeaks();
        assertEquals(512, a.stats().peakAllocatedBytes());
        a.emptyCache();
        assertEquals(0, a.stats().cachedBytes());
        assertEquals(512, dev.used);
        a.free(q);
        assertEquals(0, a.stats().allocatedBytes());
    }

    @Test void doubleFreeAndForeignPointersAreRefused() {
        CachingAllocator a = new CachingAllocator(new FakeDeviceMemory(1L << 30));
        long p = a.allocate(10, 0);
        a.free(p);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.free(p));
        assertTrue(e.getMessage().contains("not a live block"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.free(12345));
    }

    /** Random traffic against a naive model: live blocks never overlap and the books balance. */
    @Test void randomTrafficKeepsTheBooks() {
        FakeDeviceMemory dev = new FakeDeviceMemory(1024 * MiB); // room for 60 live blocks of 12 MiB
        CachingAllocator a = new CachingAllocator(dev);
        Random r = new Random(42);
        List<long[]> live = new ArrayList<>(); // {pointer, requested}
        for (int step = 0; step < 5000; step++) {
            if (live.isEmpty() || r.nextInt(3) > 0 && live.size() < 60) {
                long bytes = r.nextBoolean() ? r.nextLong(1, 4096) : r.nextLong(1, 12 * MiB);
                long p = a.allocate(bytes, r.nextInt(3));
                assertTrue(a.blockSize(p) >= bytes);
                live.add(new long[] {p, bytes});
            } else {
                a.free(live.remove(r.nextInt(live.size()))[0]);
            }
            Set<Long> pointers = new HashSet<>();
            long sum = 0;
            for (long[] l : live) {
                assertTrue(pointers.add(l[0]), "a pointer is live twice");
                sum += a.blockSize(l[0]);
            }
            AllocatorStats s = a.stats();
            assertEquals(sum, s.allocatedBytes());
            assertEquals(dev.used, s.reservedBytes(), "reserved = what the device gave out");
        }
        assertTrue(a.stats().cacheHits() > 1000, "traffic of repeated sizes mostly hits the cache: " + a.stats());
    }
}
