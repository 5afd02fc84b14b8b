package org.voxelforge.data.augment;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.voxelforge.data.loader.CaseProvider;
import org.voxelforge.data.loader.PatchBatchSource;
import org.voxelforge.data.sampling.CaseVolume;
import org.voxelforge.data.sampling.Patch;
import org.voxelforge.data.sampling.PatchSampler;

/**
 * {@link SampleSeeds#augmentationGenerator} is the generator PatchBatchSource augments a sample
 * with: cropping without augmentation and then executing the steps drawn from it gives the
 * loader's augmented sample bit for bit. This is what lets the trainer augment on the device
 * what the loader only cropped.
 */
class AugmentationGeneratorTest {

    static CaseVolume volume(String id, long seed) {
        Random rnd = new Random(seed);
        int[] d = {20, 18, 16};
        int n = d[0] * d[1] * d[2];
        float[] img = new float[2 * n];
        byte[] lab = new byte[n];
        for (int i = 0; i < img.length; i++) img[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < n; i++) lab[i] = (byte) (rnd.nextDouble() < 0.2 ? 1 : 0);
        return new CaseVolume(id, 2, d, img, lab);
    }

    @Test void drawingFromItRepeatsTheLoadersAugmentation() {
        byte[] annotation = new byte[20 * 18 * 16];
        for (int i = 0; i < annotation.length; i += 3) annotation[i] = 1;
        CaseProvider cases = CaseProvider.inMemory(List.of(volume("a", 1), volume("b", 2)), Map.of("b", annotation));
        PatchSampler sampler = new PatchSampler(new int[] {10, 10, 8});
        Compose pipeline = CpuAugmentFingerprintTest.everyTransform();
        PatchBatchSource augmented = new PatchBatchSource(cases, sampler, pipeline, 2, 9);
        PatchBatchSource cropped = new PatchBatchSource(cases, sampler, null, 2, 9);
        for (int epoch = 0; epoch < 2; epoch++) {
            for (long s = 0; s < 4; s++) {
                Patch want = augmented.sample(epoch, s), got = cropped.sample(epoch, s);
                for (AugmentStep st : DrawableTransform.draw(pipeline, PatchShape.of(got), SampleSeeds.augmentationGenerator(9, epoch, s))) {
                    st.apply(got);
                }
                assertEquals(CpuAugmentFingerprintTest.fingerprint(want), CpuAugmentFingerprintTest.fingerprint(got), "epoch " + epoch + " sample " + s);
                assertArrayEquals(want.image, got.image);
            }
        }
    }
}
