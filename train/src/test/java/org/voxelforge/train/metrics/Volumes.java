package org.voxelforge.train.metrics;

import java.util.Random;

/** Hand-made and random test volumes. */
final class Volumes {
    private Volumes() {}

    static int idx(int[] d, int x, int y, int z) { return (x * d[1] + y) * d[2] + z; }

    /** Sets the box [x0,x1) x [y0,y1) x [z0,z1) to {@code value}. */
    static void box(int[] labels, int[] d, int x0, int x1, int y0, int y1, int z0, int z1, int value) {
        for (int x = x0; x < x1; x++) for (int y = y0; y < y1; y++) for (int z = z0; z < z1; z++) labels[idx(d, x, y, z)] = value;
    }

    static boolean[] boxMask(int[] d, int x0, int x1, int y0, int y1, int z0, int z1) {
        int[] l = new int[d[0] * d[1] * d[2]];
        box(l, d, x0, x1, y0, y1, z0, z1, 1);
        return LabelMap.mask(l, 1);
    }

    /** Union of a few random balls: blob-like masks with real surfaces. */
    static boolean[] blobs(int[] d, Random r, int count) {
        boolean[] m = new boolean[d[0] * d[1] * d[2]];
        for (int b = 0; b < count; b++) {
            double cx = r.nextDouble() * d[0], cy = r.nextDouble() * d[1], cz = r.nextDouble() * d[2];
            double rad = 1.5 + r.nextDouble() * 3.5;
            for (int x = 0; x < d[0]; x++) for (int y = 0; y < d[1]; y++) for (int z = 0; z < d[2]; z++) {
                double dx = x - cx, dy = y - cy, dz = z - cz;
                if (dx * dx + dy * dy + dz * dz <= rad * rad) m[idx(d, x, y, z)] = true;
            }
        }
        return m;
    }

    static boolean[] random(int n, Random r, double p) {
        boolean[] m = new boolean[n];
        for (int i = 0; i < n; i++) m[i] = r.nextDouble() < p;
        return m;
    }

    static int[] ints(boolean[] m) {
        int[] v = new int[m.length];
        for (int i = 0; i < m.length; i++) v[i] = m[i] ? 1 : 0;
        return v;
    }
}
