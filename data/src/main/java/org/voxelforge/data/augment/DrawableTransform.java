package org.voxelforge.data.augment;

import java.util.ArrayList;
import java.util.List;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.data.sampling.Patch;

/**
 * A transform whose random parameters are drawn before anything is executed, so that the CPU
 * and a device execute the very same draws. {@link #apply} is draw-then-execute and consumes
 * {@code rng} exactly as {@link #draw} does.
 *
 * <p>Draws may depend on the sample's shape only, never on its values; every transform here
 * keeps the shape (Rot90 turns a non-square plane by two quarter turns only), so a whole
 * pipeline can be drawn from the shape of the cropped patch.
 */
public interface DrawableTransform extends Transform {

    /** Appends to {@code out}, in execution order, the steps this transform takes on a sample of {@code shape}. */
    void draw(PatchShape shape, RandomGenerator rng, List<AugmentStep> out);

    @Override default void apply(Patch patch, RandomGenerator rng) {
        for (AugmentStep s : draw(this, PatchShape.of(patch), rng)) s.apply(patch);
    }

    /** The steps {@code t} takes on a sample of {@code shape}; t must be a DrawableTransform. */
    static List<AugmentStep> draw(Transform t, PatchShape shape, RandomGenerator rng) {
        if (!(t instanceof DrawableTransform d)) {
            throw new IllegalArgumentException("augmentation " + t.getClass().getName() + " draws its parameters while it runs;"
                    + " only a DrawableTransform can be drawn ahead and executed on a device");
        }
        List<AugmentStep> out = new ArrayList<>();
        d.draw(shape, rng, out);
        return out;
    }
}
