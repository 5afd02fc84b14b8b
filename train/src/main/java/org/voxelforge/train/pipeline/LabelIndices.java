package org.voxelforge.train.pipeline;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.function.LongFunction;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;

/**
 * Label values to class indices for softmax training: label {@code labels[k]} becomes k. Label
 * maps are uint8, as preprocessing writes them; softmax losses and Dice need indices 0..K-1.
 */
final class LabelIndices {
    private final int[] labels;
    private final byte[] index = new byte[256]; // -1 = not a label

    LabelIndices(int[] labels) {
        Arrays.fill(index, (byte) -1);
        for (int k = 0; k < labels.length; k++) {
            if (labels[k] < 0 || labels[k] > 255) throw new IllegalArgumentException("label " + labels[k] + " is outside 0..255");
            index[labels[k]] = (byte) k;
        }
        this.labels = labels.clone();
    }

    /**
     * Rewrites contiguous uint8 {@code labels} in place; a value that is no label is an error
     * naming the case that {@code caseOf} gives for its flat index.
     */
    void remapInPlace(Tensor t, LongFunction<String> caseOf) {
        if (t.dtype() != DType.UINT8 || !t.isContiguous()) {
            throw new IllegalArgumentException("labels must be contiguous uint8 as preprocessing writes them, got " + t.describe()
                    + "; run 'voxelforge preprocess' again");
        }
        MemorySegment seg = t.segment();
        long n = t.numel(), base = t.offset();
        for (long i = 0; i < n; i++) {
            int v = seg.get(ValueLayout.JAVA_BYTE, base + i) & 0xff;
            byte k = index[v];
            if (k < 0) {
                throw new IllegalArgumentException("case " + caseOf.apply(i) + ": label value " + v + " is not one of the dataset's labels "
                        + Arrays.toString(labels) + "; fix the mask or the labels in dataset.json");
            }
            seg.set(ValueLayout.JAVA_BYTE, base + i, k);
        }
    }
}
