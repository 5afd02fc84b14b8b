package org.voxelforge.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --augment-on}: "device" needs a CUDA-backend device and says so before any work;
 * an unknown value is named; on the emulator a one-step run augments on the device and trains
 * channels-last. {@code --channels-last} on the CPU is refused with the fix.
 */
class TrainAugmentOnFlagTest {
    @TempDir static Path tmp;
    static Path data, results, numpy;

    @BeforeAll static void prepare() {
        data = tmp.resolve("data");
        results = tmp.resolve("results");
        numpy = tmp.resolve("numpy");
        assertEquals(0, CliRun.run("synth", "--output", data.toString(), "--cases", "3", "--size", "24,24,20", "--seed", "3").code());
        CliRun a = CliRun.run("analyze", "--data", data.resolve("dataset.json").toString(), "--results", results.toString(), "--nfolds", "3");
        assertEquals(0, a.code(), a.out() + a.err());
        CliRun p = CliRun.run("preprocess", "--results", results.toString(), "--numpy", numpy.toString());
        assertEquals(0, p.code(), p.out() + p.err());
    }

    @Test void deviceAugmentationOnTheCpuIsRefusedWithTheFix() {
        CliRun t = CliRun.run("train", "--results", results.toString(), "--numpy", numpy.toString(), "--folds", "0", "--augment-on", "device");
        assertEquals(2, t.code(), t.out() + t.err());
        assertTrue(t.err().contains("--augment-on device") && t.err().contains("--device is cpu") && t.err().contains("--device cuda")
                && t.err().contains("--augment-on loader"), t.err());
        assertFalse(Files.exists(results.resolve("folds/fold_0/logs")), "nothing trained");

        CliRun bad = CliRun.run("train", "--results", results.toString(), "--numpy", numpy.toString(), "--folds", "0", "--augment-on", "gpu");
        assertEquals(2, bad.code(), bad.out() + bad.err());
        assertTrue(bad.err().contains("--augment-on") && bad.err().contains("loader or device") && bad.err().contains("'gpu'"), bad.err());
    }

    @Test void channelsLastOnTheCpuIsRefusedWithTheFix() {
        CliRun t = CliRun.run("train", "--results", results.toString(), "--numpy", numpy.toString(), "--folds", "2", "--channels-last");
        assertEquals(2, t.code(), t.out() + t.err());
        assertTrue(t.err().contains("--channels-last") && t.err().contains("--device is cpu") && t.err().contains("--device cuda"), t.err());
        assertFalse(Files.exists(results.resolve("folds/fold_2/logs")), "nothing trained");
    }

    @Test void deviceAugmentationTrainsChannelsLastOnTheEmulator() {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.voxelforge.core.cuda.EmulatedKernels.availability().available(),
                () -> "kernel emulator unavailable: " + org.voxelforge.core.cuda.EmulatedKernels.availability().reason());
        CliRun t = CliRun.run("train", "--results", results.toString(), "--numpy", numpy.toString(), "--folds", "1", "--no-predict",
                "--epochs", "1", "--steps-per-epoch", "1", "--features", "4,16", "--patch-size", "16,16,16", "--augmentation", "nnunet",
                "--validate-every", "0",
                "--device", "emulator", "--augment-on", "device", "--channels-last");
        assertEquals(0, t.code(), t.out() + t.err());
        assertTrue(Files.isRegularFile(results.resolve("folds/fold_1/models/final.safetensors")), t.out());
    }
}
