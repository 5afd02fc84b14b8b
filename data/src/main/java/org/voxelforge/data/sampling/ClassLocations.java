package org.voxelforge.data.sampling;

/**
 * Flat voxel indices of every label value in a case (restricted to annotated voxels when an
 * annotation mask is given), so a sampler can pick "a random voxel of class c" in O(1).
 */
public final class ClassLocations {
    private final int[][] byClass;   // byClass[c] = flat indices with label c
    private final int[] foreground;  // every voxel with a non-zero label

    private ClassLocations(int[][] byClass, int[] foreground) {
        this.byClass = byClass;
        this.foreground = foreground;
    }

    public static ClassLocations of(byte[] label, byte[] annotation) {
        int[] counts = new int[256];
        for (int i = 0; i < label.length; i++) if (annotation == null || annotation[i] != 0) counts[label[i] & 0xFF]++;
        int[][] by = new int[256][];
        for (int c = 0; c < 256; c++) by[c] = new int[counts[c]];
        int[] fill = new int[256];
        int fgCount = 0;
        for (int i = 0; i < label.length; i++) {
            if (annotation != null && annotation[i] == 0) continue;
            int c = label[i] & 0xFF;
            by[c][fill[c]++] = i;
            if (c != 0) fgCount++;
        }
        int[] fg = new int[fgCount];
        int k = 0;
        for (int i = 0; i < label.length; i++) {
            if ((annotation == null || annotation[i] != 0) && label[i] != 0) fg[k++] = i;
        }
        return new ClassLocations(by, fg);
    }

    /** Voxels of class {@code c} (empty when the class is absent). */
    public int[] of(int c) { return c >= 0 && c < 256 ? byClass[c] : new int[0]; }

    public int[] foreground() { return foreground; }
}
