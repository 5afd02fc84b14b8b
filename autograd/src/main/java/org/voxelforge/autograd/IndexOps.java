package org.voxelforge.autograd;

import java.util.List;
import org.voxelforge.core.BinaryOp;
import org.voxelforge.core.DType;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;

/**
 * Indexing, and the ops that have no gradient. Derivatives:
 * <pre>
 *   gather(axis, index)       gx = zeros, then scatterAdd(g) at the same index   (repeated indices add up)
 *   indexSelect(axis, index)  gx = zeros, then indexAdd(g) at the same index
 *   comparisons, argmax, argmin, oneHot: no gradient (results never require grad)
 * </pre>
 */
final class IndexOps {
    private IndexOps() {}

    static Variable gather(Variable x, int axis, Tensor index) {
        int a = Shape.normalizeAxis(axis, x.rank(), "gather");
        return Op.apply("gather", List.of(x),
                ctx -> { ctx.save(index); return x.value().gather(a, index); },
                (ctx, g) -> {
                    Tensor gx = Tensor.zeros(g.device(), g.dtype(), x.dims());
                    gx.backend().scatterAdd(gx, a, ctx.saved(0), g);
                    return new Tensor[] {gx};
                });
    }

    static Variable indexSelect(Variable x, int axis, Tensor index) {
        int a = Shape.normalizeAxis(axis, x.rank(), "indexSelect");
        return Op.apply("index_select", List.of(x),
                ctx -> { ctx.save(index); return x.value().indexSelect(a, index); },
                (ctx, g) -> {
                    Tensor gx = Tensor.zeros(g.device(), g.dtype(), x.dims());
                    gx.backend().indexAdd(gx, a, ctx.saved(0), g);
                    return new Tensor[] {gx};
                });
    }

    /** {@code op} must be a comparison (EQ, NE, LT, LE, GT, GE); the result is a bool constant. */
    static Variable compare(Variable a, Variable b, BinaryOp op) {
        return Op.constant(a.value().binary(requireComparison(op), b.value()));
    }

    static Variable compareScalar(Variable a, double s, BinaryOp op) {
        return Op.constant(a.value().binary(requireComparison(op), s));
    }

    static Variable argmax(Variable x, int axis, boolean keepDim) { return Op.constant(x.value().argmax(axis, keepDim)); }

    static Variable argmin(Variable x, int axis, boolean keepDim) { return Op.constant(x.value().argmin(axis, keepDim)); }

    static Variable oneHot(Variable labels, int numClasses, int axis, DType to) {
        return Op.constant(labels.value().oneHot(numClasses, axis, to));
    }

    private static BinaryOp requireComparison(BinaryOp op) {
        if (!op.isComparison()) throw new IllegalArgumentException("compare: " + op.label() + " is not a comparison");
        return op;
    }
}
