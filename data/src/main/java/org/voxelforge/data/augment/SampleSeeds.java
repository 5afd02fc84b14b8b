package org.voxelforge.data.augment;

import org.voxelforge.core.RandomGenerator;

/**
 * The generator of one sample, a pure function of (seed, epoch, sample index): which thread
 * draws the sample, and in which order, does not matter.
 */
public final class SampleSeeds {
    private SampleSeeds() {}

    public static RandomGenerator generator(long seed, long epoch, long sampleIndex) {
        return new RandomGenerator(mix(mix(mix(seed) ^ epoch) ^ sampleIndex));
    }

    /** SplitMix64's finalizer. */
    static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
