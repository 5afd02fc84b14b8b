package org.voxelforge.core.cuda;

/** The device could not supply a block even after the allocator returned all its cached blocks. */
public final class DeviceOutOfMemoryException extends RuntimeException {
    private final long requestedBytes;

    public DeviceOutOfMemoryException(String message, long requestedBytes) {
        super(message);
        this.requestedBytes = requestedBytes;
    }

    public long requestedBytes() { return requestedBytes; }
}
