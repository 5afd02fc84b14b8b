package org.voxelforge.core;

/** How {@link Backend#upsample3d} reads the input; both follow PyTorch's {@code interpolate} exactly. */
public enum UpsampleMode {
    /** {@code src = min(floor(dst * in / out), in - 1)} per axis (PyTorch's legacy 'nearest'). */
    NEAREST,
    /** Linear along D, H and W, with PyTorch's align_corners true/false source-coordinate rules. */
    TRILINEAR
}
