package org.voxelforge.data.loader;

import java.util.List;
import org.voxelforge.core.Tensor;

/**
 * One batch: images float32 [B, C, X, Y, Z], labels uint8 [B, X, Y, Z] and, when any case has
 * an annotation mask, masks uint8 [B, X, Y, Z] (1 = annotated; null otherwise). The consumer
 * owns the tensors and closes them with the batch.
 */
public record Batch(int epoch, int index, List<String> caseIds, Tensor images, Tensor labels, Tensor masks) implements AutoCloseable {
    @Override public void close() {
        images.close();
        labels.close();
        if (masks != null) masks.close();
    }
}
