package org.voxelforge.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.voxelforge.cli.selftest.CpuChecks;
import org.voxelforge.cli.selftest.CudaChecks;
import org.voxelforge.cli.selftest.SelfTestCheck;
import org.voxelforge.cli.selftest.SelfTestReport;
import org.voxelforge.cli.selftest.SelfTestResult;
import org.voxelforge.cli.selftest.SelfTestSuite;
import org.voxelforge.core.io.AtomicFiles;
import org.voxelforge.core.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Checks that the engine computes correctly on this machine: each fast path against an
 * independent reference, one line per check, then a summary; exit code 1 when any check fails.
 */
@Command(name = "selftest", mixinStandardHelpOptions = true,
        description = {"Check that the engine computes correctly on this machine: CPU kernels, gradients, random numbers, NIfTI I/O,",
                "a U-Net training step and, when a GPU is found, the CUDA kernels, cuBLAS and cuDNN against the CPU.",
                "Prints one line per check (PASS/FAIL/SKIP, time, error vs tolerance); exits 1 if any check fails."})
final class SelftestCommand implements Callable<Integer> {
    enum DeviceChoice { cpu, cuda, all }

    @Option(names = "--quick", description = "Smaller sizes (a few seconds).")
    boolean quick;

    @Option(names = "--json", paramLabel = "<file>", description = "Also write the results as JSON to this file.")
    Path json;

    @Option(names = "--device", defaultValue = "all", paramLabel = "cpu|cuda|all",
            description = "Which checks to run (default: ${DEFAULT-VALUE}). all: the CPU checks, and the CUDA ones when a device is found"
                    + " (else SKIP with the reason); cuda: a missing device is a FAIL.")
    DeviceChoice device;

    @Override public Integer call() throws IOException {
        List<SelfTestCheck> checks = new ArrayList<>();
        if (device != DeviceChoice.cuda) checks.addAll(CpuChecks.all(quick));
        if (device != DeviceChoice.cpu) checks.addAll(CudaChecks.all(quick, device == DeviceChoice.cuda));
        System.out.println("voxelforge selftest (" + (quick ? "quick" : "full") + ", device " + device + "): " + checks.size() + " checks");
        long t0 = System.nanoTime();
        List<SelfTestResult> results = new SelfTestSuite(checks).run(r -> System.out.println(SelfTestReport.line(r)));
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.println(SelfTestReport.summary(results, seconds));
        if (json != null) {
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("quick", quick);
            settings.put("device", device.name());
            settings.put("java", Runtime.version().toString());
            AtomicFiles.writeString(json, Json.writePretty(SelfTestReport.toJson(results, settings, seconds)));
            System.out.println("results written to " + json);
        }
        return SelfTestSuite.exitCode(results);
    }
}
