package org.voxelforge.nn.loss;

import org.voxelforge.core.Tensor;

/**
 * Everything a loss may compare against: labels {@code [N, spatial...]} (or one-hot
 * {@code [N, C, spatial...]}) and, for the boundary family, signed distance maps
 * {@code [N, C, spatial...]} of the ground truth (negative inside, positive outside), or null.
 */
public record LossTarget(Tensor labels, Tensor distanceMaps) {
    public static LossTarget of(Tensor labels) { return new LossTarget(labels, null); }

    public static LossTarget of(Tensor labels, Tensor distanceMaps) { return new LossTarget(labels, distanceMaps); }
}
