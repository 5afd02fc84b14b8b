package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

/**
 * The double-buffered staging without a GPU: an engine that queues the "asynchronous" copies and
 * runs them only when a wait reaches them, as a stream would at the latest, so that a staging
 * buffer refilled while its copy is still queued would send the wrong bytes.
 */
class PinnedStagingTest {
    /** A lazy copy engine over host memory ("device" addresses are host addresses). */
    static final class LazyEngine implements PinnedStaging.Engine {
        private final Deque<Runnable> queue = new ArrayDeque<>();
        private final long[] marks = new long[2];
        private long issued, done;
        int waits;

        @Override public void toDeviceAsync(long dst, MemorySegment pinned, long bytes) {
            queue.add(() -> MemorySegment.copy(pinned, 0, MemorySegment.ofAddress(dst).reinterpret(bytes), 0, bytes));
            issued++;
        }

        @Override public void toHostAsync(MemorySegment pinned, long src, long bytes) {
            queue.add(() -> MemorySegment.copy(MemorySegment.ofAddress(src).reinterpret(bytes), 0, pinned, 0, bytes));
            issued++;
        }

        @Override public void record(int slot) { marks[slot] = issued; }

        @Override public void await(int slot) {
            waits++;
            while (done < marks[slot]) {
                queue.poll().run();
                done++;
            }
        }
    }

    @Test void roundTripsOfManySizesThroughSmallBuffers() {
        try (Arena a = Arena.ofConfined()) {
            for (long bytes : new long[] {0, 1, 63, 64, 65, 128, 129, 1000, 4096 + 17}) {
                MemorySegment host = a.allocate(Math.max(1, bytes)), device = a.allocate(Math.max(1, bytes)), back = a.allocate(Math.max(1, bytes));
                for (long i = 0; i < bytes; i++) host.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + 7));
                LazyEngine e = new LazyEngine();
                PinnedStaging s = new PinnedStaging(a.allocate(64), a.allocate(64), e);
                s.toDevice(host, device.address(), bytes);
                assertEquals(e.issued, e.done, "every upload chunk arrived before toDevice returned");
                s.toHost(device.address(), back, bytes);
                assertEquals(e.issued, e.done);
                assertEquals(-1, host.asSlice(0, bytes).mismatch(device.asSlice(0, bytes)), bytes + " bytes up");
                assertEquals(-1, host.asSlice(0, bytes).mismatch(back.asSlice(0, bytes)), bytes + " bytes back");
            }
        }
    }

    @Test void buffersAreDifferentAndOfOneSize() {
        try (Arena a = Arena.ofConfined()) {
            assertThrows(IllegalArgumentException.class, () -> new PinnedStaging(a.allocate(64), a.allocate(32), new LazyEngine()));
        }
    }
}
