package org.voxelforge.data.augment;

import org.voxelforge.core.RandomGenerator;
import org.voxelforge.data.sampling.Patch;

/** A transform applied to a sample with probability {@code p} (one uniform draw decides). */
public abstract class RandomTransform implements Transform {
    protected final double probability;

    protected RandomTransform(double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": probability " + probability + " must be in [0, 1]");
        }
        this.probability = probability;
    }

    @Override public final void apply(Patch patch, RandomGenerator rng) {
        if (rng.nextDouble() < probability) applyAlways(patch, rng);
    }

    /** The transform itself, drawing its parameters from {@code rng}. */
    public abstract void applyAlways(Patch patch, RandomGenerator rng);

    /** Uniform in [lo, hi). */
    static double uniform(RandomGenerator rng, double lo, double hi) { return lo + (hi - lo) * rng.nextDouble(); }

    /**
     * nnU-Net's draw for a factor range around 1 (gamma, contrast): half the time below 1,
     * half above, so a range like (0.7, 1.5) does not favour enlarging.
     */
    static double factorAroundOne(RandomGenerator rng, double lo, double hi) {
        if (rng.nextDouble() < 0.5 && lo < 1) return uniform(rng, lo, 1);
        return uniform(rng, Math.max(lo, 1), hi);
    }

    static void checkRange(String op, double lo, double hi) {
        if (!(lo <= hi) || Double.isInfinite(lo) || Double.isInfinite(hi)) {
            throw new IllegalArgumentException(op + ": range [" + lo + ", " + hi + "] must be finite with lo <= hi");
        }
    }
}
