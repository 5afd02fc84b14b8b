package org.voxelforge.data.preprocess;

import org.voxelforge.data.analysis.SpacingPlanner;
import org.voxelforge.data.resample.LabelResampler;
import org.voxelforge.data.resample.Zoom;

/**
 * MIST's resampling of a case to the target grid. Images: cubic B-spline (order 3). Masks:
 * one-hot channels resampled linearly, then argmax ({@link LabelResampler}). For anisotropic
 * data (max/min spacing > 3) only the in-plane axes are interpolated so; the low-resolution axis
 * is resampled by nearest neighbour, so that thick slices are not blended together.
 */
public final class Resampling {
    private Resampling() {}

    /** The in-plane step's shape: {@code to} except along the low-resolution axis, which keeps {@code from}'s size. */
    static int[] inPlane(int[] from, int[] to, int lowAxis) {
        int[] s = to.clone();
        s[lowAxis] = from[lowAxis];
        return s;
    }

    public static double[] image(double[] v, int[] dims, int[] out, double[] spacing) {
        if (!SpacingPlanner.anisotropic(spacing)) return Zoom.resize(v, dims, out, 3);
        int low = SpacingPlanner.lowResAxis(spacing);
        int[] mid = inPlane(dims, out, low);
        return Zoom.resize(Zoom.resize(v, dims, mid, 3), mid, out, 0);
    }

    public static int[] labels(int[] v, int[] dims, int[] out, double[] spacing) {
        if (!SpacingPlanner.anisotropic(spacing)) return LabelResampler.resize(v, dims, out);
        int low = SpacingPlanner.lowResAxis(spacing);
        int[] mid = inPlane(dims, out, low);
        return nearest(LabelResampler.resize(v, dims, mid), mid, out);
    }

    /** Labels resampled by nearest neighbour (SciPy's order-0 zoom geometry): exact label values. */
    public static int[] nearest(int[] v, int[] dims, int[] out) {
        double[] d = new double[v.length];
        for (int i = 0; i < d.length; i++) d[i] = v[i];
        double[] r = Zoom.resize(d, dims, out, 0);
        int[] o = new int[r.length];
        for (int i = 0; i < o.length; i++) o[i] = (int) r[i];
        return o;
    }
}
