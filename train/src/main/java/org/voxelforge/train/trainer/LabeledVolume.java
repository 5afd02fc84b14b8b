package org.voxelforge.train.trainer;

import org.voxelforge.core.Tensor;

/** A whole case: image {@code [C, X, Y, Z]} (float32) and integer labels {@code [X, Y, Z]}. */
public record LabeledVolume(String id, Tensor image, Tensor labels) {
    public LabeledVolume {
        if (image.rank() != 4 || labels.rank() != 3 || image.dim(1) != labels.dim(0) || image.dim(2) != labels.dim(1)
                || image.dim(3) != labels.dim(2)) {
            throw new IllegalArgumentException("LabeledVolume " + id + ": image " + image.describe() + " and labels "
                    + labels.describe() + " must be [C, X, Y, Z] and [X, Y, Z] on the same grid");
        }
        if (labels.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("LabeledVolume " + id + ": labels " + labels.describe() + " must be an integer dtype");
        }
    }
}
