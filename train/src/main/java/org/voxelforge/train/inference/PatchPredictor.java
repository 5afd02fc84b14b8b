package org.voxelforge.train.inference;

import org.voxelforge.core.Tensor;

/** Turns a batch of windows [N, C, X, Y, Z] into probabilities [N, K, X, Y, Z]. */
@FunctionalInterface
public interface PatchPredictor {
    Tensor predict(Tensor windows);

    /** Where it computes: {@link SlidingWindow} keeps the volume and its accumulators there. */
    default org.voxelforge.core.Device device() { return org.voxelforge.core.Device.CPU; }
}
