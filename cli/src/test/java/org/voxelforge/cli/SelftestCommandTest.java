package org.voxelforge.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.core.cuda.CudaRuntime;
import org.voxelforge.core.io.Json;

/** {@code voxelforge selftest --quick} end to end on this machine, and its JSON report. */
class SelftestCommandTest {
    @TempDir Path tmp;

    @Test @SuppressWarnings("unchecked")
    void quickSelftestPassesEveryCpuCheckAndSkipsCudaWithTheReason() throws Exception {
        Path json = tmp.resolve("selftest.json");
        CliRun r = CliRun.run("selftest", "--quick", "--json", json.toString());
        assertEquals(0, r.code(), r.out() + r.err());

        Map<String, Object> doc = Json.parseObject(Files.readString(json), json.toString());
        List<Map<String, Object>> results = (List<Map<String, Object>>) doc.get("results");
        assertTrue(results.size() >= 20, "only " + results.size() + " checks");
        boolean cuda = CudaRuntime.isAvailable();
        int cpuChecks = 0, cudaChecks = 0;
        for (Map<String, Object> res : results) {
            String name = (String) res.get("name"), status = (String) res.get("status"), detail = (String) res.get("detail");
            // every check has its own line in the text output
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(name + " ") && l.contains(status)), name + " has no line in\n" + r.out());
            if (name.startsWith("info ")) {
                assertEquals("INFO", status, name);
            } else if (name.startsWith("cuda ")) {
                cudaChecks++;
                if (cuda) assertEquals("PASS", status, name + ": " + detail);
                else {
                    assertEquals("SKIP", status, name);
                    assertTrue(detail.startsWith("CUDA unavailable"), name + ": " + detail);
                }
            } else {
                cpuChecks++;
                assertEquals("PASS", status, name + ": " + detail);
            }
        }
        assertTrue(cpuChecks >= 15 && cudaChecks >= 6, cpuChecks + " CPU and " + cudaChecks + " CUDA checks");
        // without CUDA the device line carries the discovery reason itself
        if (!cuda) {
            String device = r.out().lines().filter(l -> l.startsWith("cuda device ")).findFirst().orElseThrow();
            assertTrue(device.contains(CudaRuntime.unavailableReason()), device);
        }
        Map<String, Object> summary = (Map<String, Object>) doc.get("summary");
        assertEquals(0L, ((Number) summary.get("fail")).longValue());
        assertEquals(0L, ((Number) summary.get("exitCode")).longValue());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("selftest: ") && l.contains(" 0 failed") && l.endsWith("OK")), r.out());
        // measured checks carry their error and tolerance
        Map<String, Object> sgemm = results.stream().filter(m -> ((String) m.get("name")).startsWith("cpu sgemm")).findFirst().orElseThrow();
        assertTrue(((Number) sgemm.get("error")).doubleValue() <= ((Number) sgemm.get("tolerance")).doubleValue());
    }

    /** --device cuda runs only the CUDA checks; where CUDA is missing that is a FAIL (exit 1), not a silent SKIP. */
    @Test void deviceCudaRunsOnlyCudaChecksAndFailsWithoutAGpu() {
        CliRun r = CliRun.run("selftest", "--quick", "--device", "cuda");
        assertFalse(r.out().lines().anyMatch(l -> l.startsWith("cpu ") || l.startsWith("gradcheck ")), r.out());
        if (CudaRuntime.isAvailable()) {
            assertEquals(0, r.code(), r.out());
        } else {
            assertEquals(1, r.code(), r.out());
            String device = r.out().lines().filter(l -> l.startsWith("cuda device ")).findFirst().orElseThrow();
            assertTrue(device.contains(" FAIL ") && device.contains(CudaRuntime.unavailableReason()), device);
        }
    }

    /**
     * --device emulator runs our CUDA kernels' checks (the ones a GPU session runs with --device
     * cuda) on the kernel emulator, so the check code itself has run before any GPU sees it.
     */
    @Test void deviceEmulatorRunsTheKernelChecksOnTheCpu() {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.voxelforge.core.cuda.EmulatedKernels.availability().available(),
                () -> "kernel emulator unavailable: " + org.voxelforge.core.cuda.EmulatedKernels.availability().reason());
        CliRun r = CliRun.run("selftest", "--quick", "--device", "emulator");
        assertEquals(0, r.code(), r.out());
        List<String> lines = r.out().lines().filter(l -> l.startsWith("emulator ")).toList();
        assertEquals(19, lines.size(), r.out());
        for (String l : lines) assertTrue(l.contains(" PASS "), l);
        for (String n : List.of("fused softmax dice + ce vs twin", "fused group norm + leaky relu NDHWC vs twin",
                "fused region losses (tversky, focal, boundary) vs twin", "augmentation on the device vs cpu",
                "signed distance maps on the device vs cpu")) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("emulator " + n + " ")), n + " missing from\n" + r.out());
        }
        assertTrue(r.out().contains("emulator conv3d implicit gemm vs cpu"), r.out());
        assertTrue(r.out().contains("emulator conv3d channels-last vs cpu"), r.out());
        String backend = lines.stream().filter(l -> l.startsWith("emulator backend unet step vs cpu")).findFirst().orElseThrow();
        assertTrue(backend.contains("host ops: none"), backend);
        // the device augmentation ran every kind of step of the pipeline it checks, on the device
        String augment = lines.stream().filter(l -> l.startsWith("emulator augmentation on the device vs cpu")).findFirst().orElseThrow();
        for (String step : List.of("SpatialTransform", "GaussianBlur", "Brightness", "Contrast", "LowResolution", "Gamma", "Flip")) {
            assertTrue(augment.contains(step), step + " not in " + augment);
        }
        assertTrue(augment.contains("host ops: none"), augment);
    }

    @Test void badDeviceIsAUserError() {
        CliRun r = CliRun.run("selftest", "--device", "tpu");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("tpu"), r.err());
    }
}
