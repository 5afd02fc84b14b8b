package org.voxelforge.train.inference;

import org.voxelforge.core.Tensor;

/** Turns a batch of windows [N, C, X, Y, Z] into probabilities [N, K, X, Y, Z]. */
@FunctionalInterface
public interface PatchPredictor {
    Tensor predict(Tensor windows);
}
