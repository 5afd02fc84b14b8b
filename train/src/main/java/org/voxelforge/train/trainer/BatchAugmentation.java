package org.voxelforge.train.trainer;

import org.voxelforge.core.Tensor;

/**
 * Augmentation of a batch already on the model's device, done by the trainer between the copy to
 * the device and the forward pass ({@code --augment-on device}). Must be a pure function of
 * (epoch, step) and the tensors, like {@link BatchSource#next}, so that resume stays exact.
 */
@FunctionalInterface
public interface BatchAugmentation {
    /**
     * New {images, labels, mask-or-null} for images [B, C, X, Y, Z], labels and mask [B, X, Y, Z]
     * on the device; the inputs stay open. Tensors it makes while a TensorScope is open die with it.
     */
    Tensor[] augment(int epoch, int step, Tensor images, Tensor labels, Tensor maskOrNull);
}
