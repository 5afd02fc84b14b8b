package org.voxelforge.cli.selftest;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.voxelforge.core.cuda.CudaDevice;
import org.voxelforge.core.cuda.CudaDriver;

/**
 * float32 device buffers of one check, taken from the device's caching allocator and all given
 * back on {@link #close()} (even when the check failed half way), so that a failed check does
 * not leak memory into the next.
 */
final class DeviceBuffers implements AutoCloseable {
    private final CudaDevice device;
    private final CudaDriver driver;
    private final List<Long> live = new ArrayList<>();

    DeviceBuffers(CudaDevice device, CudaDriver driver) {
        if (device == null || driver == null) throw new IllegalArgumentException("device buffers: no device or driver");
        this.device = device;
        this.driver = driver;
    }

    /** Room for {@code floats} float32 values (at least one byte). */
    long allocate(long floats) {
        long p = device.allocator().allocate(Math.max(1, 4L * floats), 0);
        if (p == 0) throw new IllegalStateException("device allocation of " + floats + " floats returned a null pointer");
        live.add(p);
        return p;
    }

    long allocateBytes(long bytes) {
        long p = device.allocator().allocate(Math.max(1, bytes), 0);
        if (p == 0) throw new IllegalStateException("device allocation of " + bytes + " bytes returned a null pointer");
        live.add(p);
        return p;
    }

    /** A new buffer holding a copy of {@code host}'s bytes. */
    long upload(MemorySegment host) {
        long p = allocateBytes(host.byteSize());
        device.makeCurrent();
        driver.memcpyHtoD(p, host, host.byteSize());
        return p;
    }

    /** Waits for the device (so a kernel's error surfaces here, named), then copies {@code host.byteSize()} bytes back. */
    void download(long pointer, MemorySegment host) {
        device.synchronize();
        device.makeCurrent();
        driver.memcpyDtoH(host, pointer, host.byteSize());
    }

    long upload(float[] data) {
        long p = allocate(data.length);
        try (Arena a = Arena.ofConfined()) {
            device.makeCurrent();
            driver.memcpyHtoD(p, a.allocateFrom(ValueLayout.JAVA_FLOAT, data), 4L * data.length);
        }
        return p;
    }

    /** Waits for the device (so a kernel's error surfaces here, named), then copies n floats back. */
    float[] download(long pointer, int n) {
        device.synchronize();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, n));
            device.makeCurrent();
            driver.memcpyDtoH(host, pointer, 4L * n);
            return n == 0 ? new float[0] : host.toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    /** Frees every buffer; a failing free does not stop the others and is reported after them. */
    @Override public void close() {
        RuntimeException first = null;
        try {
            device.synchronize(); // no kernel may still be using a block that goes back to the cache
        } catch (RuntimeException e) {
            first = e;
        }
        for (long p : live) {
            try {
                device.allocator().free(p);
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        live.clear();
        if (first != null) throw first;
    }
}
