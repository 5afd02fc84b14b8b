package org.voxelforge.train.postprocess;

import org.voxelforge.train.metrics.BinaryMorphology;
import org.voxelforge.train.metrics.ConnectedComponents;
import org.voxelforge.train.metrics.Connectivity;
import org.voxelforge.train.metrics.LabelMap;

/**
 * The postprocessing transforms on 3D label arrays. Each works on the mask of a set of labels:
 * with {@code group} true the labels form one mask; otherwise each label is treated alone, in
 * the order given. Arrays are modified in place.
 */
public final class LabelTransforms {
    private LabelTransforms() {}

    /** Sets components smaller than {@code minSize} voxels to background 0 (skimage's remove_small_objects: size < min_size goes). */
    public static void removeSmallObjects(int[] labels, int[] dims, int[] targets, boolean group, int minSize, Connectivity c) {
        replaceSmallObjects(labels, dims, targets, group, minSize, 0, c);
    }

    /** Sets components smaller than {@code minSize} voxels to {@code fillLabel}. */
    public static void replaceSmallObjects(int[] labels, int[] dims, int[] targets, boolean group, int minSize, int fillLabel, Connectivity c) {
        for (int[] set : sets(targets, group)) {
            ConnectedComponents.Components cc = ConnectedComponents.label(LabelMap.mask(labels, set), dims, c);
            for (int i = 0; i < labels.length; i++) {
                int comp = cc.labels()[i];
                if (comp != 0 && cc.sizes()[comp] < minSize) labels[i] = fillLabel;
            }
        }
    }

    /** Keeps the {@code k} largest components (ties: the earlier in raster order) and sets the rest to 0. */
    public static void keepLargest(int[] labels, int[] dims, int[] targets, boolean group, int k, Connectivity c) {
        if (k < 1) throw new IllegalArgumentException("keep_largest: k must be at least 1, got " + k);
        for (int[] set : sets(targets, group)) {
            ConnectedComponents.Components cc = ConnectedComponents.label(LabelMap.mask(labels, set), dims, c);
            if (cc.count() <= k) continue;
            Integer[] order = new Integer[cc.count()];
            for (int i = 0; i < order.length; i++) order[i] = i + 1;
            java.util.Arrays.sort(order, (a, b) -> cc.sizes()[b] != cc.sizes()[a] ? Integer.compare(cc.sizes()[b], cc.sizes()[a]) : Integer.compare(a, b));
            boolean[] keep = new boolean[cc.count() + 1];
            for (int i = 0; i < k; i++) keep[order[i]] = true;
            for (int i = 0; i < labels.length; i++) {
                int comp = cc.labels()[i];
                if (comp != 0 && !keep[comp]) labels[i] = 0;
            }
        }
    }

    /**
     * Fills holes (background of the mask, 6-connected, not reaching the image border) with
     * {@code fillLabel}; whatever the hole held (background or another label) is overwritten.
     * A negative {@code fillLabel} fills each label's holes with that label (group false only).
     */
    public static void fillHoles(int[] labels, int[] dims, int[] targets, boolean group, int fillLabel) {
        if (group && fillLabel < 0) {
            throw new IllegalArgumentException("fill_holes: a group of labels " + java.util.Arrays.toString(targets) + " needs params.fill_label");
        }
        for (int[] set : sets(targets, group)) {
            boolean[] holes = BinaryMorphology.holes(LabelMap.mask(labels, set), dims);
            int fill = fillLabel >= 0 ? fillLabel : set[0];
            for (int i = 0; i < labels.length; i++) if (holes[i]) labels[i] = fill;
        }
    }

    private static int[][] sets(int[] targets, boolean group) {
        if (targets.length == 0) throw new IllegalArgumentException("postprocess: a step needs at least one label in 'labels'");
        if (group) return new int[][] {targets};
        int[][] out = new int[targets.length][];
        for (int i = 0; i < targets.length; i++) out[i] = new int[] {targets[i]};
        return out;
    }
}
