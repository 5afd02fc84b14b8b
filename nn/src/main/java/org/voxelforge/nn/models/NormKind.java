package org.voxelforge.nn.models;

import org.voxelforge.core.DType;
import org.voxelforge.nn.Module;
import org.voxelforge.nn.layers.BatchNorm3d;
import org.voxelforge.nn.layers.GroupNorm;
import org.voxelforge.nn.layers.InstanceNorm3d;

/** The normalisation a model's conv blocks use, and how each is built (eps 1e-5 throughout). */
public enum NormKind {
    /** InstanceNorm3d with affine weight and bias (nnU-Net). */
    INSTANCE_AFFINE,
    /** InstanceNorm3d without affine parameters (PyTorch's default; open BraTS 2020 "inorm"). */
    INSTANCE,
    /** BatchNorm3d, momentum 0.1. */
    BATCH,
    /** GroupNorm with {@link #groupsFor} groups, affine. */
    GROUP;

    public Module make(int channels, DType dtype) {
        return switch (this) {
            case INSTANCE_AFFINE -> new InstanceNorm3d(channels, 1e-5, true, dtype);
            case INSTANCE -> new InstanceNorm3d(channels, 1e-5, false, dtype);
            case BATCH -> new BatchNorm3d(channels, 1e-5, 0.1, true, dtype);
            case GROUP -> new GroupNorm(groupsFor(channels), channels, 1e-5, true, dtype);
        };
    }

    /**
     * Group count for GroupNorm: 16 groups (at most one per channel), halved until it divides
     * the channel count, the rule of the open BraTS 2020 solution.
     */
    public static int groupsFor(int channels) {
        int g = Math.min(16, channels);
        while (channels % g != 0) g /= 2;
        return g;
    }
}
