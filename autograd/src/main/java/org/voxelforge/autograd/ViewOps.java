package org.voxelforge.autograd;

import java.util.List;
import org.voxelforge.core.DType;
import org.voxelforge.core.MemoryFormat;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;

/**
 * Ops that move or reinterpret elements without arithmetic. Each backward puts the gradient
 * back where the element came from:
 * <pre>
 *   cast             gx = g cast back to x's dtype (float dtypes only; others stop the gradient)
 *   contiguous(fmt)  gx = g (the same values; only the layout changed)
 *   reshape, view, squeeze, unsqueeze, flatten:  gx = g reshaped to x's shape
 *   permute          gx = g permuted by the inverse order     transpose: the same transpose
 *   slice, select    gx = zeros of x's shape with g written into the same slice
 *   expand           gx = g summed back to x's shape (done by the engine's sumToShape)
 * </pre>
 */
final class ViewOps {
    private ViewOps() {}

    /** Differentiable between floating dtypes; a cast to an integer dtype gives a Variable without grad. */
    static Variable cast(Variable x, DType to) {
        DType from = x.dtype();
        return Op.apply("cast", List.of(x),
                ctx -> x.value().cast(to),
                (ctx, g) -> new Tensor[] {g.cast(from)});
    }

    /** x densely packed in {@code format} (channels-last for a CUDA network); a view when it already is. */
    static Variable contiguous(Variable x, MemoryFormat format) {
        return Op.apply("contiguous_" + format.label(), List.of(x),
                ctx -> x.value().contiguous(format),
                (ctx, g) -> new Tensor[] {g.to(g.device())});
    }

    static Variable reshape(Variable x, int... dims) {
        int[] in = x.dims();
        return Op.apply("reshape", List.of(x),
                ctx -> x.value().reshape(dims),
                (ctx, g) -> new Tensor[] {g.reshape(in)});
    }

    static Variable view(Variable x, int... dims) {
        int[] in = x.dims();
        return Op.apply("view", List.of(x),
                ctx -> x.value().view(dims),
                (ctx, g) -> new Tensor[] {g.reshape(in)});
    }

    static Variable permute(Variable x, int... order) {
        return Op.apply("permute", List.of(x),
                ctx -> x.value().permute(order),
                (ctx, g) -> new Tensor[] {g.permute(inverse(order, x.rank()))});
    }

    static Variable transpose(Variable x, int a, int b) {
        return Op.apply("transpose", List.of(x),
                ctx -> x.value().transpose(a, b),
                (ctx, g) -> new Tensor[] {g.transpose(a, b)});
    }

    static Variable slice(Variable x, int axis, int start, int end, int step) {
        return Op.apply("slice", List.of(x),
                ctx -> x.value().slice(axis, start, end, step),
                (ctx, g) -> {
                    Tensor gx = Tensor.zeros(g.device(), g.dtype(), x.dims());
                    try (Tensor window = gx.slice(axis, start, end, step)) {
                        window.copy_(g);
                    }
                    return new Tensor[] {gx};
                });
    }

    static Variable select(Variable x, int axis, int index) {
        return Op.apply("select", List.of(x),
                ctx -> x.value().select(axis, index),
                (ctx, g) -> {
                    Tensor gx = Tensor.zeros(g.device(), g.dtype(), x.dims());
                    try (Tensor window = gx.select(axis, index)) {
                        window.copy_(g);
                    }
                    return new Tensor[] {gx};
                });
    }

    static Variable expand(Variable x, int... dims) {
        return Op.apply("expand", List.of(x),
                ctx -> x.value().expand(dims),
                (ctx, g) -> new Tensor[] {g}); // the engine sums g back to x's shape
    }

    static Variable squeeze(Variable x, int axis) {
        int[] in = x.dims();
        return Op.apply("squeeze", List.of(x),
                ctx -> x.value().squeeze(axis),
                (ctx, g) -> new Tensor[] {g.reshape(in)});
    }

    static Variable squeezeAll(Variable x) {
        int[] in = x.dims();
        return Op.apply("squeeze", List.of(x),
                ctx -> x.value().squeeze(),
                (ctx, g) -> new Tensor[] {g.reshape(in)});
    }

    static Variable unsqueeze(Variable x, int axis) {
        int[] in = x.dims();
        return Op.apply("unsqueeze", List.of(x),
                ctx -> x.value().unsqueeze(axis),
                (ctx, g) -> new Tensor[] {g.reshape(in)});
    }

    static int[] inverse(int[] order, int rank) {
        int[] inv = new int[order.length];
        for (int i = 0; i < order.length; i++) inv[Shape.normalizeAxis(order[i], rank, "permute")] = i;
        return inv;
    }
}
