package org.voxelforge.train.trainer;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.core.Device;
import org.voxelforge.core.cuda.EmulatedKernels;
import org.voxelforge.data.augment.Compose;
import org.voxelforge.data.augment.Flip;
import org.voxelforge.data.augment.IntensityTransforms;
import org.voxelforge.data.augment.Rot90;
import org.voxelforge.data.augment.SpatialTransform;
import org.voxelforge.nn.models.DynamicUNet;

/**
 * A short run on the emulator with augmentation on the device ({@code --augment-on device}):
 * it trains (finite losses, every step augmented on the device) and repeats itself exactly
 * for a fixed seed, noise included (the device's Philox stream is keyed by the sample's generator).
 */
class DeviceAugmentationTrainerTest {
    @TempDir Path tmp;

    static Compose pipeline() {
        double a = Math.toRadians(30);
        return new Compose(new SpatialTransform(0, 0, 1, 1, 1, 0.5, new double[] {a, a, a}, 0.5, 0.8, 1.2),
                new org.voxelforge.data.augment.GaussianNoise(0.5, 0, 0.1), IntensityTransforms.brightness(), IntensityTransforms.gamma(),
                new Flip(1.0, 0, 1, 2), new Rot90(0.5, 0, 1));
    }

    List<Double> run(String name) throws Exception {
        List<LabeledVolume> cases = Synthetic.twoSpheres();
        List<Double> losses = new ArrayList<>();
        int[] augmented = {0};
        try (DynamicUNet m = Synthetic.tinyUNet()) {
            m.to(Device.EMULATOR);
            TrainingOptions o = Synthetic.options(1, 3);
            DeviceAugmentation aug = new DeviceAugmentation(pipeline(), 5, o.batchSize(), (epoch, s) -> false);
            try (Trainer t = new Trainer(m, o, new InMemoryBatchSource(cases, Synthetic.PATCH, o.batchSize(), 3), List.of(),
                    tmp.resolve(name), null)) {
                t.setDeviceAugmentation((epoch, step, images, labels, mask) -> {
                    assertEquals(Device.EMULATOR, images.device(), "augmented where the model is");
                    augmented[0]++;
                    return aug.augment(epoch, step, images, labels, mask);
                });
                for (int step = 0; step < o.stepsPerEpoch(); step++) losses.add(t.trainStep(0, step));
            }
        } finally {
            Synthetic.close(cases);
        }
        assertEquals(losses.size(), augmented[0], "every step was augmented on the device");
        return losses;
    }

    @Test void trainsAndRepeatsItselfForAFixedSeed() throws Exception {
        assumeTrue(EmulatedKernels.availability().available(), () -> "kernel emulator unavailable: " + EmulatedKernels.availability().reason());
        List<Double> first = run("a"), second = run("b");
        for (double l : first) assertTrue(Double.isFinite(l), "loss " + first);
        assertEquals(first, second, "same seed, same losses");
    }
}
