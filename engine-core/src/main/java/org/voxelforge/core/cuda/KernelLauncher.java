package org.voxelforge.core.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * Runs a kernel of voxelforge.cu by name with cuLaunchKernel's arguments: {@code kernelParams} is
 * the {@code void**} that {@link KernelArgs#toPointerArray()} builds. Two implementations: the
 * driver on a real GPU ({@link DriverKernelLauncher}) and the host emulator that runs the same
 * kernel sources on the CPU ({@link EmulatedKernels}); {@link CudaKernels} works over either.
 */
public interface KernelLauncher {
    /** Launches {@code kernel}; failures (unknown name, bad shape, a kernel error) throw a {@link CudaException}. */
    void launch(String kernel, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
                int dynamicSharedBytes, long stream, MemorySegment kernelParams);

    /** The same with the parameters added in order by {@code args} (packed in a confined arena for the call). */
    default void launch(String kernel, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
                        int dynamicSharedBytes, long stream, Consumer<KernelArgs> args) {
        try (Arena a = Arena.ofConfined()) {
            KernelArgs k = new KernelArgs(a);
            args.accept(k);
            launch(kernel, gridX, gridY, gridZ, blockX, blockY, blockZ, dynamicSharedBytes, stream, k.toPointerArray());
        }
    }

    /** Streaming multiprocessors, for {@link LaunchConfig#gridStride}. */
    int multiprocessors();
}
