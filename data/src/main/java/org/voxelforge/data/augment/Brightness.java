package org.voxelforge.data.augment;

import org.voxelforge.core.RandomGenerator;
import org.voxelforge.data.sampling.Patch;

/** Multiplicative brightness: each channel times a factor in [lo, hi]. */
public final class Brightness extends RandomTransform {
    private final double lo, hi;

    public Brightness(double probability, double lo, double hi) {
        super(probability);
        checkRange("brightness", lo, hi);
        this.lo = lo; this.hi = hi;
    }

    @Override public Step drawAlways(PatchShape s, RandomGenerator rng) {
        float[] f = new float[s.channels()];
        for (int c = 0; c < f.length; c++) f[c] = (float) uniform(rng, lo, hi);
        return new Step(f);
    }

    /** Channel c times {@code factors[c]}. */
    public record Step(float[] factors) implements AugmentStep {
        @Override public void apply(Patch p) {
            int n = p.voxels();
            for (int c = 0; c < p.channels; c++) {
                float f = factors[c];
                for (int i = c * n; i < (c + 1) * n; i++) p.image[i] *= f;
            }
        }
    }
}
