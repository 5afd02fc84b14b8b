package org.voxelforge.data.augment;

import org.voxelforge.core.RandomGenerator;
import org.voxelforge.data.sampling.Patch;

/** One augmentation of a patch in place; every random choice comes from {@code rng}. */
@FunctionalInterface
public interface Transform {
    void apply(Patch patch, RandomGenerator rng);
}
