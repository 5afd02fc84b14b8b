package org.voxelforge.train.inference;

import java.util.Arrays;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/**
 * Probabilities [K, X, Y, Z] to a label map [X, Y, Z] (int32).
 *
 * <ul>
 *   <li>{@link #argmax}: for softmax models; channel k becomes {@code labels[k]} (ties go to the
 *       lowest channel, as numpy's argmax).
 *   <li>{@link #regions}: for sigmoid models with overlapping regions. Starting from 0, each
 *       channel c in order writes {@code labels[c]} where its probability exceeds
 *       {@code thresholds[c]} (strictly), overwriting what earlier channels wrote. For BraTS
 *       ({@link #bratsRegions()}) the channels are WT, TC, ET: WT writes 2 (edema), then TC
 *       writes 1 (necrosis / non-enhancing core), then ET writes 3 (enhancing), so a voxel in
 *       all three ends up 3, in WT and TC only 1, in WT only 2. Note that a voxel above the TC
 *       threshold but not the WT one still gets 1: thresholds act per region, as in the BraTS
 *       2023 framework, without forcing nesting.
 * </ul>
 */
public sealed interface LabelReconstruction {

    Tensor apply(Tensor probabilities);

    /** argmax over channels, channel k mapped to {@code labels[k]}. */
    record Argmax(int[] labels) implements LabelReconstruction {
        public Argmax { labels = labels.clone(); }

        @Override public int[] labels() { return labels.clone(); }

        @Override public Tensor apply(Tensor p) {
            check("argmax", p, labels.length);
            try (TensorScope scope = new TensorScope()) {
                int[] idx = p.argmax(0).cast(DType.INT32).toIntArray();
                for (int i = 0; i < idx.length; i++) idx[i] = labels[idx[i]];
                return scope.retain(Tensor.ofInts(idx, p.dim(1), p.dim(2), p.dim(3)));
            }
        }
    }

    /** Region thresholds, applied in channel order, later channels overwriting earlier ones. */
    record Regions(int[] labels, double[] thresholds) implements LabelReconstruction {
        public Regions {
            if (labels.length != thresholds.length || labels.length == 0) {
                throw new IllegalArgumentException("region reconstruction: need one threshold per region label, got labels "
                        + Arrays.toString(labels) + " and thresholds " + Arrays.toString(thresholds));
            }
            labels = labels.clone();
            thresholds = thresholds.clone();
        }

        @Override public int[] labels() { return labels.clone(); }

        @Override public double[] thresholds() { return thresholds.clone(); }

        public Regions withThresholds(double... t) { return new Regions(labels, t); }

        @Override public Tensor apply(Tensor p) {
            check("region reconstruction", p, labels.length);
            int voxels = p.dim(1) * p.dim(2) * p.dim(3);
            int[] out = new int[voxels];
            try (TensorScope scope = new TensorScope()) {
                float[] v = p.contiguous().toFloatArray();
                for (int c = 0; c < labels.length; c++) {
                    int base = c * voxels;
                    for (int i = 0; i < voxels; i++) if (v[base + i] > thresholds[c]) out[i] = labels[c];
                }
                return scope.retain(Tensor.ofInts(out, p.dim(1), p.dim(2), p.dim(3)));
            }
        }
    }

    /** Channel k becomes label k. */
    static Argmax argmax(int classes) {
        int[] l = new int[classes];
        for (int i = 0; i < classes; i++) l[i] = i;
        return new Argmax(l);
    }

    /** BraTS: channels WT, TC, ET with the BraTS 2023 framework's thresholds 0.45, 0.4, 0.45, written as 2, 1, 3. */
    static Regions bratsRegions() { return new Regions(new int[] {2, 1, 3}, new double[] {0.45, 0.4, 0.45}); }

    private static void check(String op, Tensor p, int channels) {
        if (p.rank() != 4 || p.dim(0) != channels) {
            throw new IllegalArgumentException(op + ": probabilities must be [" + channels + ", X, Y, Z] (one channel per label), got "
                    + p.describe());
        }
    }
}
