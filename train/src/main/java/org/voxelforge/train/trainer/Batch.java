package org.voxelforge.train.trainer;

import org.voxelforge.core.Tensor;

/**
 * One training batch: images {@code [B, C, X, Y, Z]} (floating point), labels
 * {@code [B, X, Y, Z]} (integer) and an optional voxel mask {@code [B, X, Y, Z]} (nonzero =
 * annotated) or null. The trainer closes it after the step.
 */
public record Batch(Tensor images, Tensor labels, Tensor maskOrNull) implements AutoCloseable {
    public Batch {
        if (images == null || labels == null) throw new IllegalArgumentException("Batch: images and labels must be given");
        if (images.rank() != 5 || labels.rank() != 4 || images.dim(0) != labels.dim(0)
                || images.dim(2) != labels.dim(1) || images.dim(3) != labels.dim(2) || images.dim(4) != labels.dim(3)) {
            throw new IllegalArgumentException("Batch: images " + images.describe() + " and labels " + labels.describe()
                    + " must be [B, C, X, Y, Z] and [B, X, Y, Z] with the same B, X, Y, Z");
        }
        if (maskOrNull != null && !java.util.Arrays.equals(maskOrNull.dims(), labels.dims())) {
            throw new IllegalArgumentException("Batch: mask " + maskOrNull.describe() + " must have the labels' shape " + labels.describe());
        }
    }

    @Override public void close() {
        images.close();
        labels.close();
        if (maskOrNull != null) maskOrNull.close();
    }
}
