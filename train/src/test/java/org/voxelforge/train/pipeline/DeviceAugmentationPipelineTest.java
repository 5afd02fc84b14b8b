package org.voxelforge.train.pipeline;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.voxelforge.core.Device;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.cuda.EmulatedKernels;
import org.voxelforge.data.augment.AugmentStep;
import org.voxelforge.data.augment.DrawableTransform;
import org.voxelforge.data.augment.GaussianNoise;
import org.voxelforge.data.augment.PatchShape;
import org.voxelforge.data.augment.SampleSeeds;
import org.voxelforge.data.augment.device.DeviceAugmenter;
import org.voxelforge.data.augment.device.DeviceSample;
import org.voxelforge.data.sampling.Patch;

/**
 * The named pipelines "nnunet" and "brats2020" drawn per sample as the loader draws them, then
 * executed on the emulator and on the CPU: the same images to 1e-5 of the largest |value|, the
 * same labels and masks exactly. Gaussian noise steps are left out of both (device noise has the
 * CPU's distribution, not necessarily its values); every other draw is kept, so the samples see
 * rotations, scalings, intensity changes, flips and quarter turns as in training.
 */
class DeviceAugmentationPipelineTest {

    static Patch patch(long seed, int channels, int[] d) {
        Random rnd = new Random(seed);
        int n = d[0] * d[1] * d[2];
        float[] img = new float[channels * n];
        for (int i = 0; i < img.length; i++) img[i] = (float) (rnd.nextGaussian() + (i % 7) * 0.2);
        byte[] lab = new byte[n], msk = new byte[n];
        for (int i = 0; i < n; i++) {
            lab[i] = (byte) rnd.nextInt(4);
            msk[i] = (byte) (rnd.nextDouble() < 0.8 ? 1 : 0);
        }
        return new Patch("case", channels, d, img, lab, seed % 2 == 0 ? msk : null);
    }

    @ParameterizedTest @ValueSource(strings = {"nnunet", "brats2020"})
    void namedPipelineOnTheEmulatorMatchesTheCpu(String name) {
        assumeTrue(EmulatedKernels.availability().available(), () -> "kernel emulator unavailable: " + EmulatedKernels.availability().reason());
        int channels = name.equals("brats2020") ? 4 : 1;
        int[] d = {12, 12, 10};
        int spatial = 0, total = 0;
        for (long s = 0; s < 24; s++) {
            Patch p = patch(s, channels, d);
            List<AugmentStep> steps = DrawableTransform.draw(Augmentations.named(name), PatchShape.of(p),
                    SampleSeeds.augmentationGenerator(42, 1, s));
            steps = steps.stream().filter(st -> !(st instanceof GaussianNoise.Step)).toList();
            total += steps.size();
            spatial += (int) steps.stream().filter(st -> st instanceof org.voxelforge.data.augment.SpatialTransform.Step).count();
            Patch ref = p.copy();
            for (AugmentStep st : steps) st.apply(ref);
            try (DeviceSample ds = upload(p)) {
                DeviceAugmenter.apply(steps, ds);
                float[] img = ds.image().toFloatArray();
                double big = 1;
                for (float v : ref.image) big = Math.max(big, Math.abs(v));
                for (int i = 0; i < img.length; i++) assertEquals(ref.image[i], img[i], 1e-5 * big, name + " sample " + s + " " + steps + ": image " + i);
                int[] lab = ds.labels().toIntArray();
                for (int i = 0; i < lab.length; i++) assertEquals(ref.label[i], lab[i], name + " sample " + s + ": label " + i);
                if (ref.mask != null) {
                    int[] m = ds.mask().toIntArray();
                    for (int i = 0; i < m.length; i++) assertEquals(ref.mask[i], m[i], name + " sample " + s + ": mask " + i);
                }
            }
        }
        assertTrue(spatial >= 3 && total >= 30, name + ": too few draws fired to test (" + spatial + " spatial, " + total + " in all)");
    }

    static DeviceSample upload(Patch p) {
        int n = p.voxels();
        int[] lab = new int[n], msk = p.mask == null ? null : new int[n];
        for (int i = 0; i < n; i++) {
            lab[i] = p.label[i];
            if (msk != null) msk[i] = p.mask[i];
        }
        int[] d = p.dims;
        return new DeviceSample(Tensor.of(p.image, p.channels, d[0], d[1], d[2]).transferTo(Device.EMULATOR),
                Tensor.ofInts(lab, d).transferTo(Device.EMULATOR), msk == null ? null : Tensor.ofInts(msk, d).transferTo(Device.EMULATOR));
    }
}
