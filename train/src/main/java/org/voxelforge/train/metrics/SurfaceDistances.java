package org.voxelforge.train.metrics;

import java.util.Arrays;
import org.voxelforge.data.distance.EuclideanDistanceTransform;

/**
 * Directed surface distances between two non-empty 3D masks, as MONAI computes them: the
 * surfaces are each mask minus its erosion ({@link BinaryMorphology#surface}); every surface
 * voxel of A gets its distance in mm to the nearest surface voxel of B, read from the exact EDT
 * (with spacing) of the complement of B's surface, and the other way round.
 *
 * <p>Only the bounding box of A and B, grown by one voxel and clipped to the image, is
 * transformed: every surface voxel of both lies inside it and the erosion sees the same
 * neighbourhood there, so the distances are exactly those of the full image.
 */
public record SurfaceDistances(double[] aToB, double[] bToA) {

    public static SurfaceDistances of(boolean[] a, boolean[] b, int[] dims, double[] spacing) {
        int n = LabelMap.voxels(dims);
        LabelMap.checkSameGrid("surface_distances", n, a, b);
        int[] lo = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE}, hi = {-1, -1, -1};
        int ny = dims[1], nz = dims[2];
        for (int i = 0; i < n; i++) {
            if (!a[i] && !b[i]) continue;
            int z = i % nz, y = (i / nz) % ny, x = i / (nz * ny);
            lo[0] = Math.min(lo[0], x); hi[0] = Math.max(hi[0], x);
            lo[1] = Math.min(lo[1], y); hi[1] = Math.max(hi[1], y);
            lo[2] = Math.min(lo[2], z); hi[2] = Math.max(hi[2], z);
        }
        if (hi[0] < 0) throw new IllegalArgumentException("surface_distances: both masks are empty; callers handle empty masks");
        int[] cd = new int[3];
        for (int k = 0; k < 3; k++) {
            lo[k] = Math.max(0, lo[k] - 1);
            hi[k] = Math.min(dims[k] - 1, hi[k] + 1);
            cd[k] = hi[k] - lo[k] + 1;
        }
        boolean[] ca = crop(a, dims, lo, cd), cb = crop(b, dims, lo, cd);
        return uncropped(ca, cb, cd, spacing);
    }

    /** The same computation on the whole given grid, without cropping. */
    public static SurfaceDistances uncropped(boolean[] a, boolean[] b, int[] dims, double[] spacing) {
        boolean[] sa = BinaryMorphology.surface(a, dims), sb = BinaryMorphology.surface(b, dims);
        if (!any(sa) || !any(sb)) {
            throw new IllegalArgumentException("surface_distances: a mask is empty (dims " + Arrays.toString(dims)
                    + "); callers handle empty masks");
        }
        return new SurfaceDistances(directed(sa, sb, dims, spacing), directed(sb, sa, dims, spacing));
    }

    private static double[] directed(boolean[] from, boolean[] to, int[] dims, double[] spacing) {
        byte[] notTo = new byte[to.length];
        for (int i = 0; i < to.length; i++) notTo[i] = (byte) (to[i] ? 0 : 1);
        double[] edt = EuclideanDistanceTransform.distances(notTo, dims, spacing);
        int count = 0;
        for (boolean f : from) if (f) count++;
        double[] d = new double[count];
        int k = 0;
        for (int i = 0; i < from.length; i++) if (from[i]) d[k++] = edt[i];
        return d;
    }

    static boolean[] crop(boolean[] m, int[] dims, int[] lo, int[] cd) {
        boolean[] out = new boolean[cd[0] * cd[1] * cd[2]];
        for (int x = 0; x < cd[0]; x++)
            for (int y = 0; y < cd[1]; y++)
                System.arraycopy(m, ((x + lo[0]) * dims[1] + y + lo[1]) * dims[2] + lo[2], out, (x * cd[1] + y) * cd[2], cd[2]);
        return out;
    }

    static boolean any(boolean[] m) {
        for (boolean v : m) if (v) return true;
        return false;
    }

    /** Largest distance either way: the Hausdorff distance of the two surfaces. */
    public double hausdorff() { return Math.max(max(aToB), max(bToA)); }

    /**
     * The 95th percentile of all distances of both directions pooled (the symmetric surface
     * distances), with NumPy's default linear interpolation.
     */
    public double hd95() { return Percentiles.linear(pooled(), 95); }

    /** Average symmetric surface distance: the mean of the pooled distances. */
    public double assd() {
        double s = 0;
        for (double v : aToB) s += v;
        for (double v : bToA) s += v;
        return s / (aToB.length + bToA.length);
    }

    /**
     * Surface Dice at a tolerance in mm (Nikolov et al. 2021), with each surface voxel weighing
     * one (the DeepMind library weighs surfels by area instead): the fraction of surface voxels of
     * both masks that lie within the tolerance of the other surface.
     */
    public double surfaceDice(double toleranceMm) {
        int within = 0;
        for (double v : aToB) if (v <= toleranceMm) within++;
        for (double v : bToA) if (v <= toleranceMm) within++;
        return within / (double) (aToB.length + bToA.length);
    }

    double[] pooled() {
        double[] all = Arrays.copyOf(aToB, aToB.length + bToA.length);
        System.arraycopy(bToA, 0, all, aToB.length, bToA.length);
        return all;
    }

    private static double max(double[] v) {
        double m = 0;
        for (double x : v) m = Math.max(m, x);
        return m;
    }
}
