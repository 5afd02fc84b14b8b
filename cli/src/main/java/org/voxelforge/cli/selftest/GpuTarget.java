package org.voxelforge.cli.selftest;

import java.lang.foreign.MemorySegment;
import org.voxelforge.core.cuda.CudaKernels;

/** A CUDA device as a {@link KernelTarget}: buffers from its caching allocator, given back on close. */
final class GpuTarget implements KernelTarget {
    private final Gpu gpu;
    private final DeviceBuffers buffers;

    GpuTarget(Gpu gpu) {
        this.gpu = gpu;
        this.buffers = gpu.buffers();
    }

    @Override public String label() { return "cuda"; }

    @Override public CudaKernels kernels() { return gpu.device().kernels(); }

    @Override public long allocateBytes(long bytes) { return buffers.allocateBytes(bytes); }

    @Override public long upload(MemorySegment host) { return buffers.upload(host); }

    @Override public void download(long pointer, MemorySegment host) { buffers.download(pointer, host); }

    @Override public void close() { buffers.close(); }
}
