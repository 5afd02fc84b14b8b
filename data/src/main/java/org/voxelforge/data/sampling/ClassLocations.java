package org.voxelforge.data.sampling;

import org.voxelforge.core.RandomGenerator;

/**
 * Flat voxel indices of every non-zero label value in a case (restricted to annotated voxels
 * when an annotation mask is given), so a sampler can pick "a random voxel of class c" in O(1).
 * Background (class 0) is usually most of the case, so it is not listed; its voxels are drawn
 * by rejection instead.
 */
public final class ClassLocations {
    private static final int REJECTION_TRIES = 1000;

    private final byte[] label, annotation;
    private final int[][] byClass;   // byClass[c] = flat indices with label c, c >= 1
    private final int[] foreground;  // every voxel with a non-zero label
    private final int background;    // how many annotated voxels have label 0

    private ClassLocations(byte[] label, byte[] annotation, int[][] byClass, int[] foreground, int background) {
        this.label = label;
        this.annotation = annotation;
        this.byClass = byClass;
        this.foreground = foreground;
        this.background = background;
    }

    public static ClassLocations of(byte[] label, byte[] annotation) {
        int[] counts = new int[256];
        for (int i = 0; i < label.length; i++) if (annotation == null || annotation[i] != 0) counts[label[i] & 0xFF]++;
        int[][] by = new int[256][];
        int fgCount = 0;
        for (int c = 1; c < 256; c++) {
            by[c] = new int[counts[c]];
            fgCount += counts[c];
        }
        by[0] = new int[0];
        int[] fill = new int[256];
        int[] fg = new int[fgCount];
        int k = 0;
        for (int i = 0; i < label.length; i++) {
            int c = label[i] & 0xFF;
            if (c == 0 || (annotation != null && annotation[i] == 0)) continue;
            by[c][fill[c]++] = i;
            fg[k++] = i;
        }
        return new ClassLocations(label, annotation, by, fg, counts[0]);
    }

    /** Voxels of class {@code c >= 1} (empty when the class is absent). */
    public int[] of(int c) { return c >= 1 && c < 256 ? byClass[c] : new int[0]; }

    public int[] foreground() { return foreground; }

    /** A uniformly drawn (annotated) voxel of class {@code c}, or -1 when the class is absent. */
    public int randomVoxel(int c, RandomGenerator rng) {
        if (c != 0) {
            int[] v = of(c);
            return v.length == 0 ? -1 : v[rng.nextInt(v.length)];
        }
        if (background == 0) return -1;
        for (int t = 0; t < REJECTION_TRIES; t++) {
            int i = rng.nextInt(label.length);
            if (isBackground(i)) return i;
        }
        // background is rare here: take the k-th background voxel, still uniform
        int k = rng.nextInt(background);
        for (int i = 0; i < label.length; i++) if (isBackground(i) && k-- == 0) return i;
        throw new IllegalStateException("unreachable: background count " + background + " disagrees with the label map");
    }

    private boolean isBackground(int i) { return label[i] == 0 && (annotation == null || annotation[i] != 0); }
}
