package org.voxelforge.train.inference;

import java.util.Arrays;

/**
 * Where sliding windows start along each axis, as nnU-Net's
 * {@code compute_steps_for_sliding_window}: the target step is {@code (1 - overlap) * patch};
 * the number of steps is {@code ceil((size - patch) / step) + 1}; the steps are then spread
 * evenly from 0 to {@code size - patch} (rounded half to even, as numpy's round), so the first
 * window touches the start, the last the end, and neighbours overlap at least as asked.
 */
public final class WindowSteps {
    private WindowSteps() {}

    /** Start offsets per axis; every size must be >= the patch size (pad first). */
    public static int[][] of(int[] size, int[] patch, double overlap) {
        if (size.length != patch.length) {
            throw new IllegalArgumentException("sliding window steps: volume " + Arrays.toString(size) + " and patch "
                    + Arrays.toString(patch) + " need the same number of axes");
        }
        if (!(overlap >= 0 && overlap < 1)) {
            throw new IllegalArgumentException("sliding window steps: overlap must be in [0, 1), got " + overlap);
        }
        int[][] steps = new int[size.length][];
        for (int a = 0; a < size.length; a++) {
            if (patch[a] < 1 || size[a] < patch[a]) {
                throw new IllegalArgumentException("sliding window steps: volume " + Arrays.toString(size) + " must be at least the patch "
                        + Arrays.toString(patch) + " on every axis (pad it first)");
            }
            double target = patch[a] * (1 - overlap);
            int n = (int) Math.ceil((size[a] - patch[a]) / target) + 1;
            int maxStart = size[a] - patch[a];
            double actual = n > 1 ? (double) maxStart / (n - 1) : 0;
            steps[a] = new int[n];
            for (int i = 0; i < n; i++) steps[a][i] = (int) Math.rint(actual * i);
        }
        return steps;
    }
}
