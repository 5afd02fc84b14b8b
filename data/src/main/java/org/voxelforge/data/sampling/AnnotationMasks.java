package org.voxelforge.data.sampling;

import java.util.Arrays;
import org.voxelforge.core.RandomGenerator;

/**
 * Sparse-annotation masks {@code [X, Y, Z]} (1 = annotated, 0 = not): whole slices along one
 * axis are annotated, chosen at a fixed interval, at random, or from a given list.
 */
public final class AnnotationMasks {
    private AnnotationMasks() {}

    /** Slices {@code offset, offset + interval, ...} along {@code axis}. */
    public static byte[] everyNth(int[] dims, int axis, int interval, int offset) {
        if (interval <= 0 || offset < 0) {
            throw new IllegalArgumentException("annotation mask: interval " + interval + " must be > 0 and offset " + offset + " >= 0");
        }
        boolean[] keep = new boolean[checkAxis(dims, axis)];
        for (int s = offset; s < keep.length; s += interval) keep[s] = true;
        return slices(dims, axis, keep);
    }

    /** {@code count} distinct slices along {@code axis}, drawn uniformly without replacement. */
    public static byte[] random(int[] dims, int axis, int count, RandomGenerator rng) {
        int n = checkAxis(dims, axis);
        if (count < 0 || count > n) {
            throw new IllegalArgumentException("annotation mask: " + count + " random slices out of " + n + " along axis " + axis);
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = 0; i < count; i++) { // partial Fisher-Yates
            int j = i + rng.nextInt(n - i);
            int t = order[i]; order[i] = order[j]; order[j] = t;
        }
        boolean[] keep = new boolean[n];
        for (int i = 0; i < count; i++) keep[order[i]] = true;
        return slices(dims, axis, keep);
    }

    /** The listed slices along {@code axis}. */
    public static byte[] listed(int[] dims, int axis, int... sliceIndices) {
        boolean[] keep = new boolean[checkAxis(dims, axis)];
        for (int s : sliceIndices) {
            if (s < 0 || s >= keep.length) {
                throw new IllegalArgumentException("annotation mask: slice " + s + " outside [0, " + keep.length + ") along axis " + axis
                        + " of shape " + Arrays.toString(dims));
            }
            keep[s] = true;
        }
        return slices(dims, axis, keep);
    }

    private static int checkAxis(int[] dims, int axis) {
        if (dims.length != 3 || axis < 0 || axis > 2) {
            throw new IllegalArgumentException("annotation mask: axis " + axis + " of shape " + Arrays.toString(dims) + "; expected [X, Y, Z] and axis 0..2");
        }
        return dims[axis];
    }

    private static byte[] slices(int[] dims, int axis, boolean[] keep) {
        byte[] m = new byte[dims[0] * dims[1] * dims[2]];
        int i = 0;
        for (int x = 0; x < dims[0]; x++)
            for (int y = 0; y < dims[1]; y++)
                for (int z = 0; z < dims[2]; z++, i++) {
                    int s = axis == 0 ? x : axis == 1 ? y : z;
                    if (keep[s]) m[i] = 1;
                }
        return m;
    }
}
