package org.voxelforge.bench;

/**
 * Inputs the data-module benchmarks share with their SciPy peer (bench/scripts/scipy_peers.py),
 * built by the same formulas on both sides so both time the same work.
 */
final class DataBenchVolumes {
    /** Spheres (z, y, x, radius in voxels) in a 256^3 volume. */
    static final int[][] SPHERES = {
            {64, 70, 90, 40}, {180, 60, 150, 55}, {120, 190, 60, 30},
            {200, 200, 200, 45}, {40, 180, 210, 25}, {128, 128, 128, 20}};
    static final int EDT_SIZE = 256;
    static final int[] VOLUME = {240, 240, 155};

    private DataBenchVolumes() {}

    /** 1 inside any sphere when {@code inside}, else 1 outside all spheres. */
    static byte[] spheres(boolean inside) {
        int n = EDT_SIZE;
        byte[] m = new byte[n * n * n];
        for (int z = 0, i = 0; z < n; z++)
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++, i++) {
                    boolean in = false;
                    for (int[] s : SPHERES) {
                        long dz = z - s[0], dy = y - s[1], dx = x - s[2];
                        if (dz * dz + dy * dy + dx * dx <= (long) s[3] * s[3]) { in = true; break; }
                    }
                    m[i] = (byte) (in == inside ? 1 : 0);
                }
        return m;
    }

    /** A smooth volume plus a deterministic pattern: value(z, y, x) = sin(0.05 z) cos(0.07 y) + ((z*31 + y*17 + x*7) % 13) / 13. */
    static double[] volume() {
        int[] d = VOLUME;
        double[] v = new double[d[0] * d[1] * d[2]];
        for (int z = 0, i = 0; z < d[0]; z++)
            for (int y = 0; y < d[1]; y++)
                for (int x = 0; x < d[2]; x++, i++) v[i] = Math.sin(0.05 * z) * Math.cos(0.07 * y) + ((z * 31 + y * 17 + x * 7) % 13) / 13.0;
        return v;
    }
}
