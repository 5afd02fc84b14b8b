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

    @Override public Step drawAlways(PatchShape s, RandomGenerator rng) {
        float[] f = new float[s.channels()], sh = new float[s.channels()];
        for (int c = 0; c < f.length; c++) {
            f[c] = (float) uniform(rng, 1 - scale, 1 + scale);
            sh[c] = (float) uniform(rng, -shift, shift);
        }
        return new Step(f, sh);
    }

    /** Channel c becomes {@code x * scales[c] + shifts[c]} (two float roundings). */
    public record Step(float[] scales, float[] shifts) implements AugmentStep {
        @Override public void apply(Patch p) {
            int n = p.voxels();
            for (int c = 0; c < p.channels; c++) {
                float f = scales[c], s = shifts[c];
                for (int i = c * n; i < (c + 1) * n; i++) p.image[i] = p.image[i] * f + s;
            }
        }
    }
}
