package org.voxelforge.data.distance;

/**
 * The slow, obviously right twin of {@link EuclideanDistanceTransform}: for every foreground
 * voxel, the minimum over all background voxels of the physical Euclidean distance. O(n^2);
 * for tests on small masks only.
 */
public final class BruteForceDistanceTransform {
    private BruteForceDistanceTransform() {}

    public static double[] distances(byte[] mask, int[] dims, double[] spacing) {
        double[] w = EuclideanDistanceTransform.checkArgs(mask.length, dims, spacing);
        int n = mask.length, rank = dims.length;
        int[][] coords = new int[n][];
        for (int i = 0; i < n; i++) coords[i] = unravel(i, dims);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            if (mask[i] == 0) continue;
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                if (mask[j] != 0) continue;
                double s = 0;
                for (int a = 0; a < rank; a++) {
                    double d = (coords[i][a] - coords[j][a]) * w[a];
                    s += d * d;
                }
                best = Math.min(best, s);
            }
            out[i] = Math.sqrt(best);
        }
        return out;
    }

    static int[] unravel(int i, int[] dims) {
        int[] c = new int[dims.length];
        for (int a = dims.length - 1; a >= 0; a--) {
            c[a] = i % dims[a];
            i /= dims[a];
        }
        return c;
    }
}
