package org.voxelforge.data.augment;

import org.voxelforge.core.RandomGenerator;
import org.voxelforge.data.sampling.Patch;

/** BraTS channel dropping: one image channel, drawn uniformly, set to 0 (never the only one). */
public final class ChannelDrop extends RandomTransform {
    public ChannelDrop(double probability) { super(probability); }

    @Override public void applyAlways(Patch p, RandomGenerator rng) {
        if (p.channels < 2) return;
        int c = rng.nextInt(p.channels), n = p.voxels();
        java.util.Arrays.fill(p.image, c * n, (c + 1) * n, 0f);
    }
}
