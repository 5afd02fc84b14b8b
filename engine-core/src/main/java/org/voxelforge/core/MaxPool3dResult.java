package org.voxelforge.core;

/**
 * What {@link Backend#maxPool3d} returns: the maxima [N, C, D', H', W'] and, for each, the INT64
 * flat index {@code (d * H + h) * W + w} of its source within the input's own [D, H, W] plane
 * (PyTorch's {@code return_indices=True} convention), which the backward pass scatters by.
 */
public record MaxPool3dResult(Tensor values, Tensor indices) implements AutoCloseable {
    @Override public void close() {
        values.close();
        indices.close();
    }
}
