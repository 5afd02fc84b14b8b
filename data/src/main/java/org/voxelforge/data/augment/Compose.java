package org.voxelforge.data.augment;

import java.util.ArrayList;
import java.util.List;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.data.sampling.Patch;

/**
 * A pipeline of transforms applied in order. Each transform gets its own generator split from
 * the sample's, so adding or changing one transform does not shift the draws of the others,
 * and a sample's augmentation depends only on the generator it is given.
 */
public final class Compose implements DrawableTransform {
    private final List<Transform> transforms;

    public Compose(List<? extends Transform> transforms) { this.transforms = List.copyOf(transforms); }

    public Compose(Transform... transforms) { this(List.of(transforms)); }

    @Override public void apply(Patch patch, RandomGenerator rng) {
        for (Transform t : transforms) t.apply(patch, rng.split());
    }

    /** Every member's steps, each drawn from its own split as {@link #apply} gives it; every member must be drawable. */
    @Override public void draw(PatchShape shape, RandomGenerator rng, List<AugmentStep> out) {
        for (Transform t : transforms) out.addAll(DrawableTransform.draw(t, shape, rng.split()));
    }

    /** Applies the pipeline with the generator of {@code (seed, epoch, sampleIndex)}. */
    public void apply(Patch patch, long seed, long epoch, long sampleIndex) {
        apply(patch, SampleSeeds.generator(seed, epoch, sampleIndex));
    }

    /**
     * nnU-Net's default pipeline for 3D patches: spatial (rotation, scaling), noise, blur,
     * brightness, contrast, low resolution, gamma with and without inversion, mirroring.
     */
    public static Compose nnUNetDefaults() {
        List<Transform> t = new ArrayList<>();
        t.add(SpatialTransform.nnUNetDefaults());
        t.add(IntensityTransforms.noise());
        t.add(IntensityTransforms.blur());
        t.add(IntensityTransforms.brightness());
        t.add(IntensityTransforms.contrast());
        t.add(IntensityTransforms.lowResolution());
        t.add(IntensityTransforms.gammaInverted());
        t.add(IntensityTransforms.gamma());
        t.add(new Flip(1.0, 0, 1, 2));
        return new Compose(t);
    }
}
