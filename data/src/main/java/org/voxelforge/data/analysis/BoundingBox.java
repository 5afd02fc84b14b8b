package org.voxelforge.data.analysis;

import java.util.Arrays;

/**
 * An axis-aligned box of voxels on the RAI grid, {@code start} and {@code end} both inclusive
 * (as MIST's fg_bboxes.csv writes them), inside a volume of shape {@code volume}.
 */
public record BoundingBox(int[] start, int[] end, int[] volume) {
    public BoundingBox {
        start = start.clone();
        end = end.clone();
        volume = volume.clone();
        for (int a = 0; a < 3; a++) {
            if (start[a] < 0 || end[a] >= volume[a] || start[a] > end[a]) {
                throw new IllegalArgumentException("bounding box " + Arrays.toString(start) + ".." + Arrays.toString(end)
                        + " does not lie inside a volume of shape " + Arrays.toString(volume));
            }
        }
    }

    @Override public int[] start() { return start.clone(); }
    @Override public int[] end() { return end.clone(); }
    @Override public int[] volume() { return volume.clone(); }

    public static BoundingBox whole(int[] dims) {
        return new BoundingBox(new int[3], new int[] {dims[0] - 1, dims[1] - 1, dims[2] - 1}, dims);
    }

    public int[] size() { return new int[] {end[0] - start[0] + 1, end[1] - start[1] + 1, end[2] - start[2] + 1}; }

    /** 1 - (box voxels / volume voxels): how much cropping to this box shrinks the volume. */
    public double reduction() {
        int[] s = size();
        return 1.0 - (double) s[0] * s[1] * s[2] / ((double) volume[0] * volume[1] * volume[2]);
    }

    /** The voxels of a row-major volume of shape {@link #volume} inside this box, row-major. */
    public double[] crop(double[] data) {
        int[] s = size();
        double[] out = new double[s[0] * s[1] * s[2]];
        copyRows(data, out, false);
        return out;
    }

    /** The inverse of {@link #crop}: {@code boxed} placed in a volume of zeros. */
    public int[] pad(int[] boxed) {
        int[] out = new int[volume[0] * volume[1] * volume[2]];
        copyRows(boxed, out, true);
        return out;
    }

    /** The inverse of {@link #crop} for a float map: {@code boxed} placed in a volume filled with {@code outside}. */
    public float[] pad(float[] boxed, float outside) {
        float[] out = new float[volume[0] * volume[1] * volume[2]];
        java.util.Arrays.fill(out, outside);
        copyRows(boxed, out, true);
        return out;
    }

    /** Copies the box's z-rows between a whole-volume array and a box-sized one (arrays of one primitive type). */
    private void copyRows(Object from, Object to, boolean intoVolume) {
        int[] s = size();
        int o = 0;
        for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < s[1]; j++) {
                int v = ((start[0] + i) * volume[1] + start[1] + j) * volume[2] + start[2];
                if (intoVolume) System.arraycopy(from, o, to, v, s[2]);
                else System.arraycopy(from, v, to, o, s[2]);
                o += s[2];
            }
        }
    }

    /** The smallest box holding every voxel where {@code inside} is true, or null when none is. */
    public static BoundingBox of(boolean[] inside, int[] dims) {
        int[] lo = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
        int[] hi = {-1, -1, -1};
        int n = 0;
        for (int i = 0; i < dims[0]; i++) {
            for (int j = 0; j < dims[1]; j++) {
                for (int k = 0; k < dims[2]; k++, n++) {
                    if (!inside[n]) continue;
                    lo[0] = Math.min(lo[0], i); hi[0] = Math.max(hi[0], i);
                    lo[1] = Math.min(lo[1], j); hi[1] = Math.max(hi[1], j);
                    lo[2] = Math.min(lo[2], k); hi[2] = Math.max(hi[2], k);
                }
            }
        }
        return hi[0] < 0 ? null : new BoundingBox(lo, hi, dims);
    }

    /** The smallest box holding both. */
    public BoundingBox union(BoundingBox o) {
        if (o == null) return this;
        int[] lo = new int[3], hi = new int[3];
        for (int a = 0; a < 3; a++) { lo[a] = Math.min(start[a], o.start[a]); hi[a] = Math.max(end[a], o.end[a]); }
        return new BoundingBox(lo, hi, volume);
    }
}
