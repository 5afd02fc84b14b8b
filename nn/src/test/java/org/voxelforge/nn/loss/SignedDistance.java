package org.voxelforge.nn.loss;

import org.voxelforge.core.Tensor;

/**
 * Brute-force signed Euclidean distance maps for tests: for each class c and voxel, minus the
 * distance to the nearest voxel outside c when inside, plus the distance to the nearest voxel
 * of c when outside; 0 everywhere for a class that is absent (or fills the volume).
 */
final class SignedDistance {
    private SignedDistance() {}

    static Tensor of(LossFixture f) {
        double[] out = new double[f.n * f.c * f.s];
        int[] coords = new int[f.spatial.length], other = new int[f.spatial.length];
        for (int b = 0; b < f.n; b++) for (int ch = 0; ch < f.c; ch++) {
            boolean any = false, all = true;
            for (int v = 0; v < f.s; v++) { any |= f.label(b, v) == ch; all &= f.label(b, v) == ch; }
            if (!any || all) continue;
            for (int v = 0; v < f.s; v++) {
                boolean in = f.label(b, v) == ch;
                unflatten(v, f.spatial, coords);
                double best = Double.POSITIVE_INFINITY;
                for (int u = 0; u < f.s; u++) {
                    if ((f.label(b, u) == ch) == in) continue;
                    unflatten(u, f.spatial, other);
                    double d2 = 0;
                    for (int k = 0; k < coords.length; k++) d2 += (coords[k] - other[k]) * (double) (coords[k] - other[k]);
                    best = Math.min(best, d2);
                }
                out[(b * f.c + ch) * f.s + v] = (in ? -1 : 1) * Math.sqrt(best);
            }
        }
        return Tensor.of(out, f.logitDims());
    }

    static void unflatten(int v, int[] dims, int[] into) {
        for (int k = dims.length - 1; k >= 0; k--) {
            into[k] = v % dims[k];
            v /= dims[k];
        }
    }
}
