package org.voxelforge.data.augment;

import org.voxelforge.data.sampling.Patch;

/**
 * One augmentation of one sample with its random parameters already drawn: what a
 * {@link DrawableTransform} decided, apart from doing it. {@link #apply} executes it on a CPU
 * patch (the reference); {@code device.DeviceAugmenter} executes the same step on a sample's
 * tensors on a device. No step keeps or reads a generator, so both execute identical parameters.
 */
public sealed interface AugmentStep
        permits Brightness.Step, ChannelDrop.Step, ChannelScaleShift.Step, Contrast.Step, Flip.Step, Gamma.Step, GaussianBlur.Step,
        GaussianNoise.Step, LowResolution.Step, Rot90.Step, SpatialTransform.Step {

    /** Executes the step on a CPU patch in place. */
    void apply(Patch patch);
}
