package org.voxelforge.core.cuda;

/**
 * The three device-memory calls {@link CachingAllocator} needs, so that it can be tested with a
 * fake device. {@link DriverMemoryApi} implements them over {@link CudaDriver}.
 */
public interface DeviceMemoryApi {
    /** A new device block of exactly {@code bytes}, or 0 when the device is out of memory (other failures throw). */
    long malloc(long bytes);

    void free(long pointer);

    /** {free bytes, total bytes} of the device right now. */
    long[] memInfo();
}
