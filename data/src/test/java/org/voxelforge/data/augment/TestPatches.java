package org.voxelforge.data.augment;

import org.voxelforge.data.sampling.Patch;

/** Random patches for the augmentation tests ({@link Patch#random}, case id "case"). */
public final class TestPatches {
    private TestPatches() {}

    public static Patch random(long seed, int channels, int[] d, boolean withMask) {
        return Patch.random("case", seed, channels, d, withMask);
    }
}
