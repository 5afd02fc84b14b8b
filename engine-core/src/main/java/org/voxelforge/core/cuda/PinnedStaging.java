package org.voxelforge.core.cuda;

import java.lang.foreign.MemorySegment;

/**
 * Host-device copies through two page-locked staging buffers, double-buffered: while the copy
 * engine moves one chunk, the host fills (or empties) the other, so a large transfer runs at the
 * pinned-memory rate with the host's memcpy hidden behind it. Ordinary (pageable) host memory,
 * where tensors live, cannot be copied asynchronously; this is the path that makes it fast.
 *
 * <p>The scheduling is written against {@link Engine}, so that it is tested without a GPU (an
 * engine that runs the queued copies only when they are waited for catches any reuse of a buffer
 * still in flight); {@link GpuAccelerator} runs it on the driver's async copies and events.
 * Both methods return when the host memory may be reused and the data has arrived.
 */
final class PinnedStaging {
    /** The asynchronous copies and the per-buffer completion markers, in stream order. */
    interface Engine {
        void toDeviceAsync(long dst, MemorySegment pinned, long bytes);

        void toHostAsync(MemorySegment pinned, long src, long bytes);

        /** Marks the point in the stream after the last copy issued on staging buffer {@code slot}. */
        void record(int slot);

        /** Waits until the stream has passed {@code slot}'s latest mark. */
        void await(int slot);
    }

    private final MemorySegment[] buffers;
    private final Engine engine;
    private final boolean[] inFlight = new boolean[2];

    /** Two page-locked buffers of one size (the chunk). */
    PinnedStaging(MemorySegment a, MemorySegment b, Engine engine) {
        if (a.byteSize() != b.byteSize() || a.byteSize() == 0) throw new IllegalArgumentException("staging buffers must be of one non-zero size");
        this.buffers = new MemorySegment[] {a, b};
        this.engine = engine;
    }

    long chunkBytes() { return buffers[0].byteSize(); }

    /** Copies {@code bytes} of {@code src} to device address {@code dst}. */
    synchronized void toDevice(MemorySegment src, long dst, long bytes) {
        long chunk = chunkBytes();
        int slot = 0;
        for (long off = 0; off < bytes; off += chunk, slot ^= 1) {
            long n = Math.min(chunk, bytes - off);
            if (inFlight[slot]) engine.await(slot); // its previous chunk must have left before we overwrite it
            MemorySegment.copy(src, off, buffers[slot], 0, n);
            engine.toDeviceAsync(dst + off, buffers[slot], n);
            engine.record(slot);
            inFlight[slot] = true;
        }
        drain();
    }

    /** Copies {@code bytes} from device address {@code src} into {@code dst}. */
    synchronized void toHost(long src, MemorySegment dst, long bytes) {
        long chunk = chunkBytes();
        long chunks = Math.ceilDiv(bytes, chunk);
        for (long i = 0; i < Math.min(2, chunks); i++) issueToHost(src, bytes, i);
        for (long i = 0; i < chunks; i++) {
            int slot = (int) (i & 1);
            engine.await(slot);
            inFlight[slot] = false;
            long off = i * chunk, n = Math.min(chunk, bytes - off);
            MemorySegment.copy(buffers[slot], 0, dst, off, n);
            if (i + 2 < chunks) issueToHost(src, bytes, i + 2);
        }
    }

    private void issueToHost(long src, long bytes, long i) {
        int slot = (int) (i & 1);
        long off = i * chunkBytes(), n = Math.min(chunkBytes(), bytes - off);
        engine.toHostAsync(buffers[slot], src + off, n);
        engine.record(slot);
        inFlight[slot] = true;
    }

    private void drain() {
        for (int s = 0; s < 2; s++) {
            if (inFlight[s]) {
                engine.await(s);
                inFlight[s] = false;
            }
        }
    }
}
