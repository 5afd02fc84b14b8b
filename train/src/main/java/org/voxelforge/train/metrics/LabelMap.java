package org.voxelforge.train.metrics;

import java.util.Arrays;

/**
 * A 3D integer label volume [X, Y, Z], row-major (z fastest), with its voxel spacing in mm.
 * Index of voxel (x, y, z) is {@code (x * Y + y) * Z + z}.
 */
public record LabelMap(int[] labels, int[] dims, double[] spacing) {
    public LabelMap {
        if (dims.length != 3) {
            throw new IllegalArgumentException("label map: expected 3 dims [X, Y, Z], got " + Arrays.toString(dims));
        }
        long n = (long) dims[0] * dims[1] * dims[2];
        if (dims[0] < 0 || dims[1] < 0 || dims[2] < 0 || n != labels.length) {
            throw new IllegalArgumentException("label map: " + labels.length + " labels do not fill shape "
                    + Arrays.toString(dims) + " (" + n + " voxels)");
        }
        if (spacing.length != 3) {
            throw new IllegalArgumentException("label map: spacing " + Arrays.toString(spacing)
                    + " must have 3 entries (mm per voxel along X, Y, Z)");
        }
        for (double s : spacing) {
            if (!(s > 0) || Double.isInfinite(s)) {
                throw new IllegalArgumentException("label map: spacing " + Arrays.toString(spacing) + " must be finite and positive");
            }
        }
    }

    /** Unit spacing. */
    public static LabelMap of(int[] labels, int... dims) { return new LabelMap(labels, dims, new double[] {1, 1, 1}); }

    /** Voxels whose label is in {@code classLabels} (a final class such as BraTS WT = {1,2,3}). */
    public boolean[] mask(int... classLabels) { return mask(labels, classLabels); }

    public static boolean[] mask(int[] labels, int... classLabels) {
        boolean[] m = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            int v = labels[i];
            for (int c : classLabels) if (v == c) { m[i] = true; break; }
        }
        return m;
    }

    /** Length of the image diagonal in mm; the distance reported when exactly one mask is empty. */
    public static double diagonalMm(int[] dims, double[] spacing) {
        double s = 0;
        for (int a = 0; a < 3; a++) s += (dims[a] * spacing[a]) * (dims[a] * spacing[a]);
        return Math.sqrt(s);
    }

    public static void checkSameGrid(String op, int n, boolean[] a, boolean[] b) {
        if (a.length != n || b.length != n) {
            throw new IllegalArgumentException(op + ": masks of " + a.length + " and " + b.length
                    + " voxels for a grid of " + n + "; expected equal sizes");
        }
    }

    public static int voxels(int[] dims) {
        if (dims.length != 3) throw new IllegalArgumentException("expected dims [X, Y, Z], got " + Arrays.toString(dims));
        return dims[0] * dims[1] * dims[2];
    }
}
