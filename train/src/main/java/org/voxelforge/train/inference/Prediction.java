package org.voxelforge.train.inference;

import org.voxelforge.core.Tensor;

/** Probabilities [K, X, Y, Z] (float32) and labels [X, Y, Z] (int32) on the grid the model saw, plus how the run went. */
public record Prediction(Tensor probabilities, Tensor labels, SlidingWindow.Stats stats) implements AutoCloseable {
    @Override public void close() {
        probabilities.close();
        labels.close();
    }
}
