package org.voxelforge.core;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 64-byte aligned off-heap memory from the C library's {@code aligned_alloc}/{@code free}, with
 * freed large blocks kept for reuse.
 *
 * <p>Why a cache: blocks of megabytes come from the kernel (mmap) fresh each time, so their first
 * touch maps every page, and a training step allocates gigabytes in blocks of the same few sizes
 * (a 64^3 U-Net step: 3.7 GB, about 1.8 s of a 7.5 s step in allocation). Freed blocks of at
 * least {@link #CACHE_MIN_BYTES} are kept by exact size, up to {@code voxelforge.cpu.cacheBytes}
 * (default a quarter of physical memory, at most 8 GiB; 0 turns the cache off) and given out
 * again, zeroed; {@link #releaseCache()} gives them back to the system.
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

    /** Blocks at least this large are cached when freed. */
    static final long CACHE_MIN_BYTES = 1L << 20;
    private static final long CACHE_MAX_BYTES = cacheLimit();
    private static final Map<Long, ArrayDeque<Long>> CACHE = new HashMap<>();
    private static final AtomicLong CACHED_BYTES = new AtomicLong();

    private static long cacheLimit() {
        String p = System.getProperty("voxelforge.cpu.cacheBytes");
        if (p != null) return Math.max(0, Long.parseLong(p.trim()));
        long total = 16L << 30;
        try {
            if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                total = os.getTotalMemorySize();
            }
        } catch (LinkageError e) {
            // a runtime without java.management / jdk.management (a minimal jlink image): assume 16 GiB
        }
        return Math.min(8L << 30, total / 4);
    }

    /** A cached block of exactly {@code size} bytes, or 0. */
    private static long takeCached(long size) {
        if (size < CACHE_MIN_BYTES) return 0;
        synchronized (CACHE) {
            ArrayDeque<Long> q = CACHE.get(size);
            if (q == null || q.isEmpty()) return 0;
            CACHED_BYTES.addAndGet(-size);
            return q.pop();
        }
    }

    /** Keeps a freed block for reuse; false when it is too small or the cache is full. */
    private static boolean keep(long address, long size) {
        if (size < CACHE_MIN_BYTES || CACHED_BYTES.get() + size > CACHE_MAX_BYTES) return false;
        synchronized (CACHE) {
            CACHE.computeIfAbsent(size, k -> new ArrayDeque<>()).push(address);
            CACHED_BYTES.addAndGet(size);
        }
        return true;
    }

    /** Frees every cached block (tensors stay valid); for applications that want the memory back between jobs. */
    public static void releaseCache() {
        synchronized (CACHE) {
            for (Map.Entry<Long, ArrayDeque<Long>> e : CACHE.entrySet()) {
                for (long a : e.getValue()) freeNow(a);
                CACHED_BYTES.addAndGet(-e.getKey() * e.getValue().size());
            }
            CACHE.clear();
        }
    }

    /** Bytes of freed blocks kept for reuse (not counted in {@link #liveBytes()}). */
    public static long cachedBytes() { return CACHED_BYTES.get(); }

    /** Allocates {@code bytes} (zero-filled), rounded up to the alignment. */
    public static MemorySegment allocate(long bytes) {
        long size = Math.max(ALIGNMENT, (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT);
        long address = takeCached(size);
        if (address == 0) {
            MemorySegment p;
            try {
                p = (MemorySegment) ALIGNED_ALLOC.invokeExact((long) ALIGNMENT, size);
            } catch (Throwable t) {
                throw new IllegalStateException("aligned_alloc failed", t);
            }
            if (p.address() == 0 && CACHED_BYTES.get() > 0) {
                releaseCache(); // the cache holds memory the system could use: give it back and try once more
                try {
                    p = (MemorySegment) ALIGNED_ALLOC.invokeExact((long) ALIGNMENT, size);
                } catch (Throwable t) {
                    throw new IllegalStateException("aligned_alloc failed", t);
                }
            }
            if (p.address() == 0) {
                throw new OutOfMemoryError("could not allocate " + bytes + " bytes of tensor memory ("
                        + LIVE_BYTES.get() + " bytes already live); close tensors you no longer need "
                        + "or use a TensorScope");
            }
            address = p.address();
        }
        MemorySegment seg = MemorySegment.ofAddress(address).reinterpret(size);
        zero(seg);
        long live = LIVE_BYTES.addAndGet(size);
        PEAK_BYTES.accumulateAndGet(live, Math::max);
        return seg.asSlice(0, bytes);
    }

    /** Blocks at least this large are zeroed (and so first touched, page faults included) by all pool threads. */
    private static final long PARALLEL_ZERO_BYTES = 4L << 20;
    private static final long ZERO_CHUNK = 1L << 20;

    /** Zero-fills a block, a large one on all pool threads. */
    private static void zero(MemorySegment seg) {
        long size = seg.byteSize();
        if (size < PARALLEL_ZERO_BYTES || Parallel.threads() == 1) {
            seg.fill((byte) 0);
            return;
        }
        long chunks = (size + ZERO_CHUNK - 1) / ZERO_CHUNK;
        Parallel.forRange(chunks, 1, (lo, hi) -> {
            long from = lo * ZERO_CHUNK, to = Math.min(size, hi * ZERO_CHUNK);
            seg.asSlice(from, to - from).fill((byte) 0);
        });
    }

    static void free(long address, long bytes) {
        long size = Math.max(ALIGNMENT, (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT);
        LIVE_BYTES.addAndGet(-size);
        if (!keep(address, size)) freeNow(address);
    }

    private static void freeNow(long address) {
        try {
            FREE.invokeExact(MemorySegment.ofAddress(address));
        } catch (Throwable t) {
            throw new IllegalStateException("free failed", t);
        }
    }

    /** Bytes of tensor memory currently allocated on the CPU. */
    public static long liveBytes() { return LIVE_BYTES.get(); }

    /** Highest {@link #liveBytes()} seen since start or the last {@link #resetPeak()}. */
    public static long peakBytes() { return PEAK_BYTES.get(); }

    public static void resetPeak() { PEAK_BYTES.set(LIVE_BYTES.get()); }
}
