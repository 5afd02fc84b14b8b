package org.voxelforge.nn.loss;

import org.voxelforge.autograd.ConvOps;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Pool3dParams;
import org.voxelforge.core.PadMode;

/**
 * Differentiable grey-value morphology on [N, C, spatial...] for soft skeletons (Shit et al.
 * 2021). Erosion is the min over the 1D windows of 3 along each spatial axis (a cross);
 * dilation is the max over the full 3x3x3 cube. 3D inputs use the engine's maxPool3d (min pool
 * = -maxPool(-x)); other ranks, and the test's reference, compose the same windows from
 * pad + slice + an elementwise max/min (a cube max is separable, so it goes axis by axis).
 * Out-of-range voxels never win: pooling ignores its padding, and the composed twin pads by
 * repeating the edge.
 */
final class SoftMorphology {
    private SoftMorphology() {}

    private static final Pool3dParams CUBE = Pool3dParams.of(3, 1, 1);

    static Variable erode(Variable x) { return x.rank() == 5 ? erodePooled(x) : erodeComposed(x); }

    static Variable dilate(Variable x) {
        return x.rank() == 5 ? ConvOps.maxPool3d(x, CUBE) : dilateComposed(x);
    }

    static Variable erodePooled(Variable x) {
        Variable r = null;
        for (int axis = 0; axis < 3; axis++) {
            int[] k = {1, 1, 1}, pad = {0, 0, 0};
            k[axis] = 3;
            pad[axis] = 1;
            Variable m = ConvOps.maxPool3d(x.neg(), new Pool3dParams(k, new int[] {1, 1, 1}, pad)).neg();
            r = r == null ? m : minimum(r, m);
        }
        return r;
    }

    static Variable erodeComposed(Variable x) {
        Variable r = null;
        for (int axis = 2; axis < x.rank(); axis++) {
            Variable m = window3(x, axis, false);
            r = r == null ? m : minimum(r, m);
        }
        return r == null ? x : r;
    }

    static Variable dilateComposed(Variable x) {
        Variable r = x;
        for (int axis = 2; axis < x.rank(); axis++) r = window3(r, axis, true);
        return r;
    }

    /** Soft skeleton after {@code iterations} thinning steps. */
    static Variable skeleton(Variable img, int iterations) { return skeleton(img, iterations, true); }

    /** With {@code pooled} false, the composed twin is used at every rank (for the tests). */
    static Variable skeleton(Variable img, int iterations, boolean pooled) {
        Variable skel = img.sub(open(img, pooled)).relu();
        for (int i = 0; i < iterations; i++) {
            img = pooled ? erode(img) : erodeComposed(img);
            Variable delta = img.sub(open(img, pooled)).relu();
            skel = skel.add(delta.sub(skel.mul(delta)).relu());
        }
        return skel;
    }

    private static Variable open(Variable x, boolean pooled) {
        return pooled ? dilate(erode(x)) : dilateComposed(erodeComposed(x));
    }

    /** Max (or min) over the window {i-1, i, i+1} along {@code axis}. */
    static Variable window3(Variable x, int axis, boolean max) {
        int len = x.dim(axis);
        if (len < 2) return x;
        int[] pad = new int[x.rank()];
        pad[axis] = 1;
        Variable p = x.pad(pad, pad, PadMode.EDGE, 0.0);
        Variable left = p.slice(axis, 0, len), mid = p.slice(axis, 1, len + 1), right = p.slice(axis, 2, len + 2);
        return max ? maximum(maximum(left, mid), right) : minimum(minimum(left, mid), right);
    }

    /** Elementwise max; at ties the gradient goes to {@code a}. */
    static Variable maximum(Variable a, Variable b) { return Variable.where(a.ge(b), a, b); }

    static Variable minimum(Variable a, Variable b) { return Variable.where(a.le(b), a, b); }

}
