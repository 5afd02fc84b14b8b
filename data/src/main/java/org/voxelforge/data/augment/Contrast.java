package org.voxelforge.data.augment;

import org.voxelforge.core.RandomGenerator;
import org.voxelforge.data.sampling.Patch;

/** nnU-Net's contrast: per channel, (x - mean) * f + mean, clipped to the channel's original range. */
public final class Contrast extends RandomTransform {
    private final double lo, hi;

    public Contrast(double probability, double lo, double hi) {
        super(probability);
        checkRange("contrast", lo, hi);
        this.lo = lo; this.hi = hi;
    }

    @Override public Step drawAlways(PatchShape s, RandomGenerator rng) {
        double[] f = new double[s.channels()];
        for (int c = 0; c < f.length; c++) f[c] = factorAroundOne(rng, lo, hi);
        return new Step(f);
    }

    /** Channel c with contrast factor {@code factors[c]}. */
    public record Step(double[] factors) implements AugmentStep {
        @Override public void apply(Patch p) {
            int n = p.voxels();
            for (int c = 0; c < p.channels; c++) Contrast.apply(p.image, c * n, n, factors[c]);
        }
    }

    public static void apply(float[] v, int off, int n, double f) {
        double[] s = VolumeOps.stats(v, off, n);
        for (int i = off; i < off + n; i++) v[i] = (float) Math.clamp((v[i] - s[2]) * f + s[2], s[0], s[1]);
    }
}
