package org.voxelforge.autograd;

import java.util.List;
import org.voxelforge.core.ShapeMismatchException;
import org.voxelforge.core.Tensor;

/**
 * Matrix product with NumPy's rules. For {@code y = a b} with a [.., m, k] and b [.., k, n]:
 * <pre>
 *   ga = g b^T     gb = a^T g      (^T swaps the last two axes)
 * </pre>
 * Broadcast batch axes need no special case: {@code g b^T} has the broadcast batch shape and
 * the engine sums it down to a's shape. Rank-1 operands are turned into matrices by
 * differentiable unsqueeze/squeeze around the rank-2 product, so they need no rule of their own.
 */
final class MatmulOp {
    private MatmulOp() {}

    static Variable matmul(Variable a, Variable b) {
        if (a.rank() == 0 || b.rank() == 0) {
            throw new ShapeMismatchException("matmul: operands must have rank >= 1, got " + a.value().describe()
                    + " and " + b.value().describe());
        }
        boolean vecA = a.rank() == 1, vecB = b.rank() == 1;
        Variable a2 = vecA ? a.unsqueeze(0) : a;   // [k] -> [1, k]
        Variable b2 = vecB ? b.unsqueeze(1) : b;   // [k] -> [k, 1]
        Variable y = matmul2(a2, b2);
        if (vecB) y = y.squeeze(-1);
        if (vecA) y = y.squeeze(vecB ? -1 : -2);
        return y;
    }

    /** Both operands have rank >= 2. */
    private static Variable matmul2(Variable a, Variable b) {
        boolean needA = a.requiresGrad(), needB = b.requiresGrad(); // fixed now: what is saved depends on it
        boolean bf16 = Autocast.active();
        return Op.apply(bf16 ? "matmul (bf16)" : "matmul", List.of(a, b),
                ctx -> {
                    if (bf16) {
                        try (Tensor ab = Autocast.toBf16(a.value()); Tensor bb = Autocast.toBf16(b.value());
                             Tensor ar = Autocast.toF32(ab); Tensor br = Autocast.toF32(bb)) {
                            ctx.save(needB ? ab : null, needA ? bb : null);
                            return ar.matmul(br);
                        }
                    }
                    ctx.save(needB ? a.value() : null, needA ? b.value() : null);
                    return a.value().matmul(b.value());
                },
                (ctx, g0) -> {
                    Tensor g = bf16 ? Autocast.rounded(g0) : g0;
                    Tensor ga = needA ? g.matmul(Autocast.toF32(ctx.saved(1)).transpose(-1, -2)) : null;
                    Tensor gb = needB ? Autocast.toF32(ctx.saved(0)).transpose(-1, -2).matmul(g) : null;
                    return new Tensor[] {ga, gb};
                });
    }
}
