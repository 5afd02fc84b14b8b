package org.voxelforge.nn.loss;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.PadMode;

/**
 * Differentiable grey-value morphology on [N, C, spatial...] for soft skeletons (Shit et al.
 * 2021), built from pad + slice + an elementwise max/min, since the engine has no pooling op
 * yet. Erosion is the min over the 1D windows of 3 along each spatial axis (a cross); dilation
 * is the max over the full 3x3x3 cube, done axis by axis (a cube max is separable). Borders are
 * edge-padded, which equals pooling that ignores out-of-range voxels.
 */
final class SoftMorphology {
    private SoftMorphology() {}

    static Variable erode(Variable x) {
        Variable r = null;
        for (int axis = 2; axis < x.rank(); axis++) {
            Variable m = window3(x, axis, false);
            r = r == null ? m : minimum(r, m);
        }
        return r == null ? x : r;
    }

    static Variable dilate(Variable x) {
        Variable r = x;
        for (int axis = 2; axis < x.rank(); axis++) r = window3(r, axis, true);
        return r;
    }

    static Variable open(Variable x) { return dilate(erode(x)); }

    /** Soft skeleton after {@code iterations} thinning steps. */
    static Variable skeleton(Variable img, int iterations) {
        Variable skel = img.sub(open(img)).relu();
        for (int i = 0; i < iterations; i++) {
            img = erode(img);
            Variable delta = img.sub(open(img)).relu();
            skel = skel.add(delta.sub(skel.mul(delta)).relu());
        }
        return skel;
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
