package org.voxelforge.train.inference;

import org.voxelforge.core.Tensor;

/** How a model's logits [N, K, ...] become probabilities. */
public enum Activation {
    /** Mutually exclusive classes: softmax over the channel axis (then argmax for labels). */
    SOFTMAX,
    /** Independent, possibly overlapping regions (BraTS WT/TC/ET): sigmoid per channel (then thresholds). */
    SIGMOID;

    public Tensor apply(Tensor logits) {
        return this == SOFTMAX ? logits.softmax(1) : logits.sigmoid();
    }
}
