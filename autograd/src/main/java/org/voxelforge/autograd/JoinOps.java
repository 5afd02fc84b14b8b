package org.voxelforge.autograd;

import java.util.ArrayList;
import java.util.List;
import org.voxelforge.core.PadMode;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;

/**
 * Joining, padding and flipping. Derivatives:
 * <pre>
 *   concat          gx_i = the slice of g that x_i filled
 *   stack           unsqueeze each input, then concat (no rule of its own)
 *   pad CONSTANT    gx = the inner slice of g (the border was a constant)
 *   pad REFLECT/EDGE  per padded axis, an indexSelect with the source position of every output
 *                   element; its backward (indexAdd) adds the border's gradient back onto the
 *                   elements it copied
 *   flip            gx = g flipped along the same axes
 * </pre>
 */
final class JoinOps {
    private JoinOps() {}

    static Variable concat(List<Variable> xs, int axis) {
        if (xs.isEmpty()) throw new IllegalArgumentException("concat: needs at least one Variable");
        int a = Shape.normalizeAxis(axis, xs.get(0).rank(), "concat");
        List<Tensor> values = new ArrayList<>();
        int[] sizes = new int[xs.size()];
        for (int i = 0; i < xs.size(); i++) {
            values.add(xs.get(i).value());
            sizes[i] = xs.get(i).value().dim(a);
        }
        return Op.apply("concat", xs,
                ctx -> Tensor.concat(values, a),
                (ctx, g) -> {
                    Tensor[] grads = new Tensor[sizes.length];
                    int offset = 0;
                    for (int i = 0; i < sizes.length; i++) {
                        if (xs.get(i).requiresGrad()) grads[i] = g.slice(a, offset, offset + sizes[i]);
                        offset += sizes[i];
                    }
                    return grads;
                });
    }

    static Variable stack(List<Variable> xs, int axis) {
        if (xs.isEmpty()) throw new IllegalArgumentException("stack: needs at least one Variable");
        for (int i = 1; i < xs.size(); i++) {
            if (!xs.get(i).shape().equals(xs.get(0).shape())) {
                throw new org.voxelforge.core.ShapeMismatchException("stack: Variable " + i + " " + xs.get(i).shape()
                        + " differs from Variable 0 " + xs.get(0).shape() + "; stacked values must have one shape");
            }
        }
        int a = Shape.normalizeAxis(axis, xs.get(0).rank() + 1, "stack");
        List<Variable> us = new ArrayList<>();
        for (Variable x : xs) us.add(x.unsqueeze(a));
        return concat(us, a);
    }

    static Variable pad(Variable x, int[] before, int[] after, PadMode mode, double value) {
        if (before.length != x.rank() || after.length != x.rank()) {
            throw new IllegalArgumentException("pad: need " + x.rank() + " before/after sizes for " + x.value().describe()
                    + ", got " + before.length + " and " + after.length);
        }
        if (mode == PadMode.CONSTANT) return padConstant(x, before.clone(), after.clone(), value);
        // REFLECT and EDGE: one indexSelect per padded axis (padIndex checks the sizes)
        Variable y = x;
        for (int axis = 0; axis < x.rank(); axis++) {
            if (before[axis] == 0 && after[axis] == 0) continue;
            try (Tensor host = padIndex(mode, x.dim(axis), before[axis], after[axis], axis);
                 Tensor index = host.to(x.value().device())) {
                y = IndexOps.indexSelect(y, axis, index);
            }
        }
        return y;
    }

    private static Variable padConstant(Variable x, int[] before, int[] after, double value) {
        int[] in = x.dims();
        return Op.apply("pad", List.of(x),
                ctx -> x.value().pad(before, after, PadMode.CONSTANT, value),
                (ctx, g) -> {
                    Tensor inner = g;
                    for (int axis = 0; axis < in.length; axis++) {
                        inner = inner.slice(axis, before[axis], before[axis] + in[axis]);
                    }
                    return new Tensor[] {inner};
                });
    }

    /**
     * Source position of each output position along one axis of length n padded by
     * {@code before}/{@code after}. REFLECT mirrors without repeating the edge (n=4, 2 before:
     * 2 1 | 0 1 2 3); EDGE repeats it (0 0 | 0 1 2 3).
     */
    static Tensor padIndex(PadMode mode, int n, int before, int after, int axis) {
        if (mode == PadMode.REFLECT && (before >= n || after >= n)) {
            throw new IllegalArgumentException("pad: reflect padding of " + Math.max(before, after) + " on axis " + axis
                    + " needs the axis longer than that, but it has " + n);
        }
        if (mode == PadMode.EDGE && n == 0) throw new IllegalArgumentException("pad: edge padding of empty axis " + axis);
        long[] idx = new long[before + n + after];
        for (int j = 0; j < idx.length; j++) {
            int src = j - before;
            if (mode == PadMode.REFLECT) {
                if (src < 0) src = -src;
                if (src >= n) src = 2 * (n - 1) - src;
            } else {
                src = Math.max(0, Math.min(n - 1, src));
            }
            idx[j] = src;
        }
        return Tensor.ofLongs(idx, idx.length);
    }

    static Variable flip(Variable x, int... axes) {
        int[] ax = x.value().normalizeAxes("flip", axes);
        return Op.apply("flip", List.of(x),
                ctx -> x.value().flip(ax),
                (ctx, g) -> new Tensor[] {g.flip(ax)});
    }
}
