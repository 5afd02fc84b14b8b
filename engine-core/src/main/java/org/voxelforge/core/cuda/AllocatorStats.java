package org.voxelforge.core.cuda;

/**
 * A snapshot of {@link CachingAllocator}'s counters (bytes are block sizes after rounding).
 *
 * @param allocatedBytes bytes in blocks handed out and not yet freed
 * @param cachedBytes    bytes in freed blocks kept for reuse
 * @param reservedBytes  allocated + cached: what the allocator holds from the device
 * @param peakAllocatedBytes highest allocatedBytes since creation or the last reset
 * @param peakReservedBytes  highest reservedBytes since creation or the last reset
 * @param deviceMallocs  calls to the device's malloc (cudaMalloc / cuMemAlloc)
 * @param deviceFrees    calls to the device's free
 * @param cacheHits      allocations served from the cache
 * @param allocations    all allocations served
 * @param oomRetries     times the cache was emptied to retry an allocation the device refused
 */
public record AllocatorStats(long allocatedBytes, long cachedBytes, long reservedBytes,
                             long peakAllocatedBytes, long peakReservedBytes,
                             long deviceMallocs, long deviceFrees, long cacheHits, long allocations,
                             long oomRetries) {
    @Override public String toString() {
        return "allocated " + CachingAllocator.human(allocatedBytes) + " (peak " + CachingAllocator.human(peakAllocatedBytes)
                + "), cached " + CachingAllocator.human(cachedBytes) + ", reserved " + CachingAllocator.human(reservedBytes)
                + " (peak " + CachingAllocator.human(peakReservedBytes) + "), " + deviceMallocs + " device mallocs, "
                + cacheHits + "/" + allocations + " cache hits, " + oomRetries + " out-of-memory retries";
    }
}
