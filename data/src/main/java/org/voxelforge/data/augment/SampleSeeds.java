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

    /**
     * The generator a sample's augmentation draws from in loader.PatchBatchSource.sample: the
     * sample's generator split twice, the first split going to the patch sampler. Drawing a
     * pipeline from it elsewhere (on the training thread, for the device) repeats the loader's draws.
     */
    public static RandomGenerator augmentationGenerator(long seed, long epoch, long sampleIndex) {
        RandomGenerator g = generator(seed, epoch, sampleIndex);
        g.split(); // the patch sampler's
        return g.split();
    }

    /** SplitMix64's finalizer. */
    static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
