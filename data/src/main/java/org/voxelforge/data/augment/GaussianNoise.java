package org.voxelforge.data.augment;

import org.voxelforge.core.RandomGenerator;
import org.voxelforge.data.sampling.Patch;

/** Additive Gaussian noise with a standard deviation drawn in [stdLo, stdHi] per sample. */
public final class GaussianNoise extends RandomTransform {
    private final double stdLo, stdHi;

    public GaussianNoise(double probability, double stdLo, double stdHi) {
        super(probability);
        checkRange("gaussian noise: std", stdLo, stdHi);
        this.stdLo = stdLo; this.stdHi = stdHi;
    }

    @Override public void applyAlways(Patch p, RandomGenerator rng) {
        double std = uniform(rng, stdLo, stdHi);
        float[] noise = VolumeOps.normal(rng, 0, std, p.image.length);
        for (int i = 0; i < noise.length; i++) p.image[i] += noise[i];
    }
}
