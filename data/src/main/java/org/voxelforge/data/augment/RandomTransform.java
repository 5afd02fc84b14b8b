package org.voxelforge.data.augment;

import java.util.List;
import org.voxelforge.core.RandomGenerator;

/** A transform applied to a sample with probability {@code p} (one uniform draw decides). */
public abstract class RandomTransform implements DrawableTransform {
    protected final double probability;

    protected RandomTransform(double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": probability " + probability + " must be in [0, 1]");
        }
        this.probability = probability;
    }

    @Override public final void draw(PatchShape shape, RandomGenerator rng, List<AugmentStep> out) {
        if (rng.nextDouble() < probability) {
            AugmentStep s = drawAlways(shape, rng);
            if (s != null) out.add(s);
        }
    }

    /** The parameters of the transform once it fires, drawn from {@code rng}; null when there is nothing to do. */
    public abstract AugmentStep drawAlways(PatchShape shape, RandomGenerator rng);

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
