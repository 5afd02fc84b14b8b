package org.voxelforge.data.augment;

import org.voxelforge.core.RandomGenerator;
import org.voxelforge.data.sampling.Patch;

/**
 * Additive Gaussian noise with a standard deviation drawn in [stdLo, stdHi] per sample. The draw
 * reserves the noise's Philox counters (one per image value) and keeps only (key, first counter);
 * the values are generated where the step executes, so a device never receives host noise.
 */
public final class GaussianNoise extends RandomTransform {
    private final double stdLo, stdHi;

    public GaussianNoise(double probability, double stdLo, double stdHi) {
        super(probability);
        checkRange("gaussian noise: std", stdLo, stdHi);
        this.stdLo = stdLo; this.stdHi = stdHi;
    }

    @Override public Step drawAlways(PatchShape s, RandomGenerator rng) {
        double std = uniform(rng, stdLo, stdHi);
        long n = (long) s.channels() * s.voxels();
        return new Step(std, rng.key(), rng.advance(n));
    }

    /**
     * Noise NORMAL(0, std) from the Philox stream {@code (key, counter + i)} for image value i
     * (channel-major), the stream RandomGenerator.normal fills from.
     */
    public record Step(double std, long key, long counter) implements AugmentStep {
        @Override public void apply(Patch p) {
            float[] noise = VolumeOps.philox(RandomGenerator.Distribution.NORMAL, 0, std, key, counter, p.image.length);
            for (int i = 0; i < noise.length; i++) p.image[i] += noise[i];
        }
    }
}
