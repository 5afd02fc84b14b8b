package org.voxelforge.core.cuda;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The real GPU path of {@link KernelLauncher}: voxelforge.fatbin loaded into one device's context
 * with cuModuleLoadData, functions looked up by name once and kept, launches by cuLaunchKernel.
 */
final class DriverKernelLauncher implements KernelLauncher {
    private final CudaDevice device;
    private final long module;
    private final ConcurrentHashMap<String, Long> functions = new ConcurrentHashMap<>();

    DriverKernelLauncher(CudaDevice device, byte[] fatbin) {
        this.device = device;
        device.makeCurrent();
        this.module = device.driver().moduleLoadData(fatbin);
    }

    /** The CUfunction of a kernel; a missing name throws a CudaException naming it. */
    long function(String name) {
        return functions.computeIfAbsent(name, n -> {
            device.makeCurrent();
            return device.driver().moduleGetFunction(module, n);
        });
    }

    @Override public void launch(String kernel, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
                                 int dynamicSharedBytes, long stream, MemorySegment kernelParams) {
        long f = function(kernel);
        device.makeCurrent();
        device.driver().launchKernel(f, gridX, gridY, gridZ, blockX, blockY, blockZ, dynamicSharedBytes, stream, kernelParams);
    }

    @Override public int multiprocessors() { return device.multiprocessors(); }

    void unload() {
        device.makeCurrent();
        device.driver().moduleUnload(module);
    }
}
