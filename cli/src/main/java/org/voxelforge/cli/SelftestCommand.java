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
import org.voxelforge.cli.selftest.SelfTestSuite;
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
    enum DeviceChoice { cpu, cuda, emulator, all }

    @Option(names = "--quick", description = "Smaller sizes (a few seconds).")
    boolean quick;

    @Option(names = "--json", paramLabel = "<file>", description = "Also write the results as JSON to this file.")
    Path json;

    @Option(names = "--device", defaultValue = "all", paramLabel = "cpu|cuda|emulator|all",
            description = "Which checks to run (default: ${DEFAULT-VALUE}). all: the CPU checks, and the CUDA ones when a device is found"
                    + " (else SKIP with the reason); cuda: a missing device is a FAIL; emulator: our CUDA kernels' checks"
                    + " run on the CPU by the kernel emulator (the same kernel sources, compiled by g++; no GPU needed).")
    DeviceChoice device;

    @Override public Integer call() throws IOException {
        List<SelfTestCheck> checks = new ArrayList<>();
        if (device == DeviceChoice.cpu || device == DeviceChoice.all) checks.addAll(CpuChecks.all(quick));
        if (device == DeviceChoice.cuda || device == DeviceChoice.all) checks.addAll(CudaChecks.all(quick, device == DeviceChoice.cuda));
        if (device == DeviceChoice.emulator) checks.addAll(CudaChecks.emulated(quick));
        System.out.println("voxelforge selftest (" + (quick ? "quick" : "full") + ", device " + device + "): " + checks.size() + " checks");
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("quick", quick);
        settings.put("device", device.name());
        settings.put("java", Runtime.version().toString());
        return new SelfTestSuite(checks).runAndReport(System.out, json, settings);
    }
}
