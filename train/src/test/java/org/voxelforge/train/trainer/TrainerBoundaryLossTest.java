package org.voxelforge.train.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.core.Device;
import org.voxelforge.core.cuda.EmulatedKernels;
import org.voxelforge.nn.models.DynamicUNet;

/**
 * The boundary-loss composites train: the Trainer makes the batch's signed distance maps (on the
 * model's device) and the boundary term changes the loss; on the emulated CUDA device, where the
 * maps come from the EDT kernels, the first step's loss matches the CPU run's.
 */
class TrainerBoundaryLossTest {
    static List<LabeledVolume> cases;

    @BeforeAll static void makeCases() { cases = Synthetic.twoSpheres(); }

    @AfterAll static void freeCases() { Synthetic.close(cases); }

    private static double[] losses(String loss, boolean deep, Device device, Path out, int steps) {
        TrainingOptions o = Synthetic.options(1, steps).withLoss(loss, deep);
        try (DynamicUNet m = Synthetic.tinyUNet()) {
            m.to(device);
            try (Trainer t = new Trainer(m, o, new InMemoryBatchSource(cases, Synthetic.PATCH, 2, 3), List.of(), out, null)) {
                double[] l = new double[steps];
                for (int s = 0; s < steps; s++) l[s] = t.trainStep(0, s);
                return l;
            }
        }
    }

    @Test void boundaryCompositesTrainAndTheBoundaryTermCounts(@TempDir Path out) {
        double[] region = losses("dice_ce", true, Device.CPU, out.resolve("dice_ce"), 1);
        for (String name : new String[] {"bl", "hdl", "gsl"}) {
            double[] l = losses(name, true, Device.CPU, out.resolve(name), 2);
            for (double v : l) assertTrue(Double.isFinite(v), name + ": loss " + v);
            assertNotEquals(region[0], l[0], 1e-6, name + ": the boundary term must change the loss of the same first batch");
        }
    }

    @Test void distanceMapsOnTheEmulatedDeviceGiveTheCpuLosses(@TempDir Path out) {
        EmulatedKernels.Availability a = EmulatedKernels.availability();
        Assumptions.assumeTrue(a.available(), "kernel emulator unavailable: " + a.reason());
        double[] cpu = losses("bl", false, Device.CPU, out.resolve("cpu"), 1);
        double[] dev = losses("bl", false, Device.EMULATOR, out.resolve("emu"), 1);
        for (int s = 0; s < cpu.length; s++) assertEquals(cpu[s], dev[s], 1e-4 * Math.max(1, Math.abs(cpu[s])), "step " + s);
    }
}
