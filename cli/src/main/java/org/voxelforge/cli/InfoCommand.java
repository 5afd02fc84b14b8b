package org.voxelforge.cli;

import java.util.concurrent.Callable;
import org.voxelforge.core.Parallel;
import org.voxelforge.kernels.KernelResources;
import picocli.CommandLine.Command;

/** Prints what this machine gives the engine: Java, threads, vector path, kernels. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show the runtime, CPU threads, vector support and CUDA kernels.")
final class InfoCommand implements Callable<Integer> {
    @Override public Integer call() {
        System.out.println("java:          " + Runtime.version() + " (" + System.getProperty("java.home") + ")");
        System.out.println("cpu threads:   " + Parallel.threads() + " (set with -Dvoxelforge.threads=N)");
        boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        System.out.println("vector api:    " + (vector ? "on" : "off (pass --add-modules jdk.incubator.vector)"));
        System.out.println("cuda kernels:  " + (KernelResources.fatbin().isPresent() ? "fatbin packaged" : "not built (no nvcc at build time)"));
        System.out.println("cuda backend:  not available yet (CPU only)");
        return 0;
    }
}
