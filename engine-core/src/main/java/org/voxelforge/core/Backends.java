package org.voxelforge.core;

import org.voxelforge.core.cpu.CpuBackend;
import org.voxelforge.core.cuda.CudaBackend;

/** Finds the backend for a device. */
public final class Backends {
    private Backends() {}

    public static Backend cpu() { return CpuBackend.INSTANCE; }

    /**
     * The CPU backend, the CUDA backend of a GPU, or the CUDA backend over the emulator. A GPU
     * that is not available throws IllegalStateException with the reason (a missing library, no
     * device, kernels not built) and the fix.
     */
    public static Backend forDevice(Device d) {
        return switch (d.kind()) {
            case CPU -> CpuBackend.INSTANCE;
            case CUDA -> CudaBackend.forGpu(d.index());
            case EMULATOR -> CudaBackend.emulated();
        };
    }
}
