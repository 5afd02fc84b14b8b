package org.voxelforge.autograd;

import java.util.List;
import org.voxelforge.core.ReduceOp;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;

/**
 * Reductions and softmax. A reduction's backward first puts the reduced axes back as size 1
 * ({@link #unreduce}), so the gradient broadcasts against the input. Derivatives:
 * <pre>
 *   sum        gx = g broadcast to x
 *   mean       gx = g / n                      (n = elements per reduced group)
 *   max, min   gx = g where x equals the result, split evenly among ties
 *   variance   gx = 2 g (x - mean(x)) / (n - correction)
 *   softmax    gx = y (g - sum(g y))            (sum along the softmax axis)
 *   logSoftmax gx = g - exp(y) sum(g)
 * </pre>
 */
final class ReductionOps {
    private ReductionOps() {}

    static Variable sum(Variable x, boolean keepDims, int... axes) {
        int[] ax = x.value().normalizeAxes("sum", axes);
        Shape in = x.shape();
        return Op.apply("sum", List.of(x),
                ctx -> x.value().reduce(ReduceOp.SUM, keepDims, ax),
                (ctx, g) -> new Tensor[] {unreduce(g, in, ax).expand(in.dims())});
    }

    static Variable mean(Variable x, boolean keepDims, int... axes) {
        int[] ax = x.value().normalizeAxes("mean", axes);
        Shape in = x.shape();
        long n = groupSize(in, ax);
        return Op.apply("mean", List.of(x),
                ctx -> x.value().reduce(ReduceOp.MEAN, keepDims, ax),
                (ctx, g) -> new Tensor[] {unreduce(g, in, ax).div((double) n).expand(in.dims())});
    }

    /** Gradient of max goes to every position equal to the max, split evenly among ties (like PyTorch's amax). */
    static Variable max(Variable x, boolean keepDims, int... axes) { return extremum("max", ReduceOp.MAX, x, keepDims, axes); }

    static Variable min(Variable x, boolean keepDims, int... axes) { return extremum("min", ReduceOp.MIN, x, keepDims, axes); }

    private static Variable extremum(String name, ReduceOp op, Variable x, boolean keepDims, int... axes) {
        int[] ax = x.value().normalizeAxes(name, axes);
        Shape in = x.shape();
        return Op.apply(name, List.of(x),
                ctx -> {
                    Tensor y = x.value().reduce(op, keepDims, ax);
                    ctx.save(x.value(), y);
                    return y;
                },
                (ctx, g) -> {
                    Tensor y = unreduce(ctx.saved(1), in, ax);
                    Tensor hit = ElementwiseOps.asMask(ctx.saved(0).eq(y), g.dtype());
                    Tensor ties = hit.reduce(ReduceOp.SUM, true, ax);
                    return new Tensor[] {hit.mul(unreduce(g, in, ax)).div(ties)};
                });
    }

    static Variable variance(Variable x, int correction, boolean keepDims, int... axes) {
        int[] ax = x.value().normalizeAxes("variance", axes);
        Shape in = x.shape();
        long n = groupSize(in, ax);
        return Op.apply("variance", List.of(x),
                ctx -> { ctx.save(x.value()); return x.value().variance(correction, keepDims, ax); },
                (ctx, g) -> {
                    Tensor v = ctx.saved(0);
                    Tensor centered = v.sub(v.reduce(ReduceOp.MEAN, true, ax));
                    return new Tensor[] {centered.mul(unreduce(g, in, ax)).mul(2.0 / (n - correction))};
                });
    }

    static Variable softmax(Variable x, int axis) {
        int a = Shape.normalizeAxis(axis, x.rank(), "softmax");
        return Op.apply("softmax", List.of(x),
                ctx -> { Tensor y = x.value().softmax(a); ctx.save(y); return y; },
                (ctx, g) -> {
                    Tensor y = ctx.saved(0);
                    Tensor dot = g.mul(y).reduce(ReduceOp.SUM, true, a);
                    return new Tensor[] {y.mul(g.sub(dot))};
                });
    }

    static Variable logSoftmax(Variable x, int axis) {
        int a = Shape.normalizeAxis(axis, x.rank(), "logSoftmax");
        return Op.apply("log_softmax", List.of(x),
                ctx -> { Tensor y = x.value().logSoftmax(a); ctx.save(y); return y; },
                (ctx, g) -> {
                    Tensor total = g.reduce(ReduceOp.SUM, true, a);
                    return new Tensor[] {g.sub(ctx.saved(0).exp().mul(total))};
                });
    }

    /** {@code t} (a reduction result with or without keepDims) viewed with the reduced axes as size 1. */
    static Tensor unreduce(Tensor t, Shape in, int[] axes) {
        return t.reshape(GradShapes.keepDimsShape(in, axes));
    }

    private static long groupSize(Shape in, int[] axes) {
        long n = 1;
        for (int a : axes) n *= in.dim(a);
        return n;
    }
}
