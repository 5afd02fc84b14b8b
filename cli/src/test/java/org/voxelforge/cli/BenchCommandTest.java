package org.voxelforge.cli;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** `voxelforge bench`, the GPU benchmarks' entry in the distribution, run small on the CPU and the emulator. */
class BenchCommandTest {
    @Test void trainStepOnTheCpuAndConvOnTheEmulatorPrintTheirSteadyTimes() {
        CliRun t = CliRun.run("bench", "train-step", "--features", "4,16", "--stages", "3", "--patch", "16", "--steps", "2", "--precision", "bf16");
        assertEquals(0, t.code(), t.out() + t.err());
        assertTrue(t.out().contains("step   2") && t.out().contains("steady: "), t.out());
        CliRun p = CliRun.run("bench", "predict", "--features", "4,16", "--stages", "3", "--patch", "16", "--volume", "20,18,17", "--steps", "2");
        assertEquals(0, p.code(), p.out() + p.err());
        assertTrue(p.out().contains("case   2") && p.out().contains("(8 windows)"), p.out());
        org.junit.jupiter.api.Assumptions.assumeTrue(org.voxelforge.core.cuda.EmulatedKernels.availability().available(),
                () -> "kernel emulator unavailable: " + org.voxelforge.core.cuda.EmulatedKernels.availability().reason());
        CliRun c = CliRun.run("bench", "conv3d", "--device", "emulator", "--channels", "4", "--patch", "6", "--steps", "2");
        assertEquals(0, c.code(), c.out() + c.err());
        assertTrue(c.out().contains("device memory: ") && c.out().contains("host fallbacks: {}"), c.out());
    }

    /** The EDT bench writes distances SciPy agrees with (the cupy script's comparison, here against the host EDT). */
    @Test void edtAndNormLossBenchesRunOnTheEmulator(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.voxelforge.core.cuda.EmulatedKernels.availability().available(),
                () -> "kernel emulator unavailable: " + org.voxelforge.core.cuda.EmulatedKernels.availability().reason());
        java.nio.file.Path npy = dir.resolve("edt.npy");
        CliRun e = CliRun.run("bench", "edt", "--device", "emulator", "--patch", "24", "--steps", "2", "--output", npy.toString());
        assertEquals(0, e.code(), e.out() + e.err());
        assertTrue(e.out().contains("call   2") && e.out().contains("host fallbacks: {}"), e.out());
        float[] got = org.voxelforge.data.npy.Npy.read(npy).toFloatArray();
        double[] want = org.voxelforge.data.distance.EuclideanDistanceTransform.distances(EdtBench.mask(24), new int[] {24, 24, 24}, null);
        for (int i = 0; i < want.length; i++) assertEquals((float) want[i], got[i], 0f, "voxel " + i);
        CliRun n = CliRun.run("bench", "norm-loss", "--device", "emulator", "--batch", "1", "--channels", "8", "--patch", "6", "--steps", "2");
        assertEquals(0, n.code(), n.out() + n.err());
        assertTrue(n.out().contains("steady group norm + leaky relu backward") && n.out().contains("% of the copy's"), n.out());
    }

    @Test void unknownBenchmarksAndDevicesAreRefused() {
        CliRun bad = CliRun.run("bench", "sideways");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("train-step, predict, conv3d, edt or norm-loss"), bad.err());
        CliRun cpuBandwidth = CliRun.run("bench", "norm-loss", "--patch", "4");
        assertEquals(2, cpuBandwidth.code());
        assertTrue(cpuBandwidth.err().contains("needs --device cuda or emulator"), cpuBandwidth.err());
        CliRun dev = CliRun.run("bench", "conv3d", "--device", "tpu");
        assertEquals(2, dev.code());
        assertTrue(dev.err().contains("--device") && dev.err().contains("emulator"), dev.err());
        CliRun precision = CliRun.run("bench", "train-step", "--precision", "fp8");
        assertEquals(2, precision.code());
        assertTrue(precision.err().contains("--precision") && precision.err().contains("bf16"), precision.err());
    }
}
