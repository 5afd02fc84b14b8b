package org.voxelforge.data.augment;

import org.voxelforge.core.RandomGenerator;
import org.voxelforge.data.sampling.Patch;

/**
 * The open BraTS channel augmentation (Myronenko 2018, used by later BraTS entries): each
 * channel, on z-scored intensities, times a factor in [1 - scale, 1 + scale] plus a shift in
 * [-shift, shift].
 */
public final class ChannelScaleShift extends RandomTransform {
    private final double scale, shift;

    public ChannelScaleShift(double probability, double scale, double shift) {
        super(probability);
        if (!(scale >= 0 && scale < 1 && shift >= 0)) {
            throw new IllegalArgumentException("channel scale/shift: scale " + scale + " must be in [0, 1) and shift " + shift + " >= 0");
        }
        this.scale = scale; this.shift = shift;
    }

    @Override public void applyAlways(Patch p, RandomGenerator rng) {
        int n = p.voxels();
        for (int c = 0; c < p.channels; c++) {
            float f = (float) uniform(rng, 1 - scale, 1 + scale), s = (float) uniform(rng, -shift, shift);
            for (int i = c * n; i < (c + 1) * n; i++) p.image[i] = p.image[i] * f + s;
        }
    }
}
