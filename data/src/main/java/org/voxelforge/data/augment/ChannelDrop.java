package org.voxelforge.data.augment;

import org.voxelforge.core.RandomGenerator;
import org.voxelforge.data.sampling.Patch;

/** BraTS channel dropping: one image channel, drawn uniformly, set to 0 (never the only one). */
public final class ChannelDrop extends RandomTransform {
    public ChannelDrop(double probability) { super(probability); }

    @Override public Step drawAlways(PatchShape s, RandomGenerator rng) {
        if (s.channels() < 2) return null;
        return new Step(rng.nextInt(s.channels()));
    }

    /** Channel {@code channel} set to 0. */
    public record Step(int channel) implements AugmentStep {
        @Override public void apply(Patch p) {
            int n = p.voxels();
            java.util.Arrays.fill(p.image, channel * n, (channel + 1) * n, 0f);
        }
    }
}
