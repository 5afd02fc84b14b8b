package org.voxelforge.cli.selftest;

import java.util.List;
import org.voxelforge.core.Parallel;
import org.voxelforge.core.cpu.Sgemm;

/** INFO lines: the JVM, the CPU threads the engine uses, and whether the Vector API fast path is on. */
final class RuntimeInfo {
    private RuntimeInfo() {}

    static List<SelfTestCheck> all() {
        return List.of(
                SelfTestCheck.of("info java", () -> SelfTestResult.info("info java", Runtime.version() + " (" + System.getProperty("java.vendor")
                        + ", " + System.getProperty("java.home") + ")")),
                SelfTestCheck.of("info cpu threads", () -> SelfTestResult.info("info cpu threads", Parallel.threads() + " of "
                        + Runtime.getRuntime().availableProcessors() + " available processors (set with -Dvoxelforge.threads=N)")),
                SelfTestCheck.of("info vector api", () -> SelfTestResult.info("info vector api", vectorApi())));
    }

    /** "jdk.incubator.vector active, sgemm kernel ..." or the scalar fallback and how to leave it. */
    static String vectorApi() {
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        boolean disabled = !Boolean.parseBoolean(System.getProperty("voxelforge.vector", "true"));
        String kernel = "sgemm kernel " + Sgemm.kernelName();
        if (!module) return "scalar fallback: jdk.incubator.vector is not loaded (pass --add-modules jdk.incubator.vector); " + kernel;
        if (disabled) return "scalar fallback for elementwise kernels (-Dvoxelforge.vector=false); " + kernel;
        return "jdk.incubator.vector active; " + kernel;
    }
}
