package org.voxelforge.data.augment;

import org.voxelforge.core.RandomGenerator;
import org.voxelforge.data.sampling.Patch;

/** Gaussian blur of each image channel with its own sigma in [sigmaLo, sigmaHi] voxels (reflect border). */
public final class GaussianBlur extends RandomTransform {
    private final double sigmaLo, sigmaHi;

    public GaussianBlur(double probability, double sigmaLo, double sigmaHi) {
        super(probability);
        checkRange("gaussian blur: sigma", sigmaLo, sigmaHi);
        this.sigmaLo = sigmaLo; this.sigmaHi = sigmaHi;
    }

    @Override public Step drawAlways(PatchShape s, RandomGenerator rng) {
        double[] sigma = new double[s.channels()];
        for (int c = 0; c < sigma.length; c++) sigma[c] = uniform(rng, sigmaLo, sigmaHi);
        return new Step(sigma);
    }

    /** Channel c blurred with {@code sigmas[c]} voxels (reflect border). */
    public record Step(double[] sigmas) implements AugmentStep {
        @Override public void apply(Patch p) {
            int n = p.voxels();
            for (int c = 0; c < p.channels; c++) VolumeOps.gaussianBlur(p.image, c * n, p.dims, sigmas[c], true);
        }
    }
}
