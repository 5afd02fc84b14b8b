package org.voxelforge.core.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A caching device allocator in the style of PyTorch's: device mallocs are slow and synchronise
 * the device, so freed blocks are kept and handed out again.
 *
 * <ul>
 *   <li>Size classes: requests up to 1 MiB round up to a multiple of 512 B (small pool), larger
 *       ones to a multiple of 2 MiB (large pool). Every block is one device malloc of its class
 *       size; blocks are never split (simpler than PyTorch, and 3D training reuses few sizes).</li>
 *   <li>Free blocks are cached per stream: a block freed on stream S is only reused for an
 *       allocation on S, whose work is ordered after the work that used it, so no event is
 *       needed. Using a block on another stream than the one it was allocated for is the
 *       caller's job to order (there is no recordStream yet).</li>
 *   <li>Reuse: a small request takes a cached block of exactly its class; a large request takes
 *       the smallest cached block of at least its class and at most {@link #LARGE_REUSE_SLACK}
 *       bigger (bounded waste).</li>
 *   <li>Out of memory: all cached blocks of every stream are returned to the device and the
 *       malloc retried once; if that fails too, a {@link DeviceOutOfMemoryException} states the
 *       request, the device's free and total bytes, and what this allocator holds.</li>
 * </ul>
 * Thread-safe (one lock; the device calls it wraps are far slower than the lock).
 */
public final class CachingAllocator {
    public static final long SMALL_LIMIT = 1L << 20;
    public static final long SMALL_ROUND = 512;
    public static final long LARGE_ROUND = 2L << 20;
    /** A cached large block may serve a request up to this many bytes smaller than itself. */
    public static final long LARGE_REUSE_SLACK = 8L << 20;

    private record Block(long pointer, long size, long stream) {}

    private final DeviceMemoryApi device;
    /** stream -> (class size -> free blocks of that size). */
    private final Map<Long, TreeMap<Long, ArrayDeque<Block>>> cache = new HashMap<>();
    private final Map<Long, Block> live = new HashMap<>();

    private long allocated, cached, peakAllocated, peakReserved;
    private long mallocs, frees, hits, allocations, oomRetries;

    public CachingAllocator(DeviceMemoryApi device) { this.device = device; }

    /** The size class of a request: 512 B steps up to 1 MiB, 2 MiB steps above. */
    public static long roundSize(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("device allocation: size must be >= 0 bytes, got " + bytes);
        long b = Math.max(bytes, 1);
        long unit = b <= SMALL_LIMIT ? SMALL_ROUND : LARGE_ROUND;
        return Math.ceilDiv(b, unit) * unit;
    }

    /** A device pointer to at least {@code bytes}, to be used on {@code stream} (0 is the default stream). */
    public synchronized long allocate(long bytes, long stream) {
        long size = roundSize(bytes);
        allocations++;
        Block b = takeCached(size, stream);
        if (b != null) {
            hits++;
            cached -= b.size();
        } else {
            long p = device.malloc(size);
            mallocs++;
            if (p == 0) {
                oomRetries++;
                emptyCacheLocked();
                p = device.malloc(size);
                mallocs++;
                if (p == 0) throw outOfMemory(bytes, size);
            }
            b = new Block(p, size, stream);
        }
        live.put(b.pointer(), b);
        allocated += b.size();
        peakAllocated = Math.max(peakAllocated, allocated);
        peakReserved = Math.max(peakReserved, allocated + cached);
        return b.pointer();
    }

    /** Returns a block to the cache of the stream it was allocated for. */
    public synchronized void free(long pointer) {
        Block b = live.remove(pointer);
        if (b == null) {
            throw new IllegalArgumentException("device free: 0x" + Long.toHexString(pointer)
                    + " is not a live block of this allocator (freed twice, or allocated elsewhere)");
        }
        allocated -= b.size();
        cached += b.size();
        cache.computeIfAbsent(b.stream(), s -> new TreeMap<>()).computeIfAbsent(b.size(), s -> new ArrayDeque<>()).push(b);
    }

    /** The size of a live block (its size class, at least the bytes requested). */
    public synchronized long blockSize(long pointer) {
        Block b = live.get(pointer);
        if (b == null) throw new IllegalArgumentException("device block 0x" + Long.toHexString(pointer) + " is not live");
        return b.size();
    }

    /** Returns every cached block to the device (live blocks are untouched). */
    public synchronized void emptyCache() { emptyCacheLocked(); }

    public synchronized AllocatorStats stats() {
        return new AllocatorStats(allocated, cached, allocated + cached, peakAllocated, peakReserved,
                mallocs, frees, hits, allocations, oomRetries);
    }

    /** Starts the peaks again from the current values (for per-step measurements). */
    public synchronized void resetPeaks() {
        peakAllocated = allocated;
        peakReserved = allocated + cached;
    }

    private Block takeCached(long size, long stream) {
        TreeMap<Long, ArrayDeque<Block>> pool = cache.get(stream);
        if (pool == null) return null;
        Long key;
        if (size <= SMALL_LIMIT) {
            key = pool.containsKey(size) ? size : null;
        } else {
            key = pool.ceilingKey(size);
            if (key != null && (key <= SMALL_LIMIT || key - size > LARGE_REUSE_SLACK)) key = null;
        }
        if (key == null) return null;
        ArrayDeque<Block> q = pool.get(key);
        Block b = q.pop();
        if (q.isEmpty()) pool.remove(key);
        return b;
    }

    private void emptyCacheLocked() {
        for (TreeMap<Long, ArrayDeque<Block>> pool : cache.values()) {
            for (ArrayDeque<Block> q : pool.values()) {
                for (Block b : q) {
                    device.free(b.pointer());
                    frees++;
                    cached -= b.size();
                }
            }
        }
        cache.clear();
    }

    private DeviceOutOfMemoryException outOfMemory(long bytes, long size) {
        long[] info = device.memInfo();
        return new DeviceOutOfMemoryException("CUDA out of memory: tried to allocate " + human(bytes) + " (" + bytes
                + " bytes, size class " + size + "); the device has " + human(info[0]) + " free of " + human(info[1])
                + " total; this allocator holds " + human(allocated) + " in live blocks and has returned its cache. "
                + "Reduce the batch or patch size, or close tensors you no longer need.", bytes);
    }

    static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        if (bytes < 1L << 20) return String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        if (bytes < 1L << 30) return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        return String.format(java.util.Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }
}
