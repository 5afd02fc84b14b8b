package org.voxelforge.cli;

import java.util.concurrent.Callable;
import org.voxelforge.core.Parallel;
import org.voxelforge.core.cuda.CudaRuntime;
import org.voxelforge.kernels.KernelResources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints what this machine gives the engine: Java, threads, vector path, kernels, CUDA. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show the runtime, CPU threads, vector support and CUDA availability.")
final class InfoCommand implements Callable<Integer> {
    @Option(names = "--cuda", description = "Also list where each NVIDIA library was found, or every place it was looked for.")
    boolean cuda;

    @Override public Integer call() {
        System.out.println("java:          " + Runtime.version() + " (" + System.getProperty("java.home") + ")");
        System.out.println("cpu threads:   " + Parallel.threads() + " (set with -Dvoxelforge.threads=N)");
        boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        System.out.println("vector api:    " + (vector ? "on" : "off (pass --add-modules jdk.incubator.vector)"));
        System.out.println("cuda kernels:  " + (KernelResources.fatbin().isPresent() ? "fatbin packaged" : "not built (no nvcc at build time)"));
        CudaRuntime.Availability a = CudaRuntime.availability();
        if (a.available()) {
            System.out.println("cuda:          available, " + a.deviceCount() + " device(s), driver CUDA " + a.driverVersion() / 1000 + "."
                    + a.driverVersion() % 1000 / 10 + " (ops on the GPU are not implemented yet; the CPU backend runs them)");
            if (cuda) {
                var rt = CudaRuntime.get();
                for (int i = 0; i < a.deviceCount(); i++) System.out.println("  " + rt.device(i).describe());
            }
        } else {
            System.out.println("cuda:          unavailable: " + a.reason());
        }
        if (cuda) {
            System.out.println("cuda libraries:");
            for (String line : CudaRuntime.libraryReport(true).split("\n")) System.out.println("  " + line);
        }
        return 0;
    }
}
