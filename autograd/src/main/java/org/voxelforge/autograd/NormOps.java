package org.voxelforge.autograd;

import java.util.ArrayList;
import java.util.List;
import org.voxelforge.core.Tensor;

/**
 * Group (and instance) normalisation as one op, with the backend's fused two-pass forward and
 * backward ({@link org.voxelforge.core.Backend#groupNorm}): the composite of mean, variance,
 * subtract, divide, scale and shift that it replaces recorded seven nodes and saved three
 * activation-sized tensors; this one saves x and two [N, G] statistics.
 * <pre>
 *   y = (x - mean) * rstd * gamma + beta      dx, dgamma, dbeta = groupNormBackward(x, dy, gamma, mean, rstd)
 * </pre>
 */
public final class NormOps {
    private NormOps() {}

    /** gamma and beta [C] or null (no affine); beta may be null with gamma given. */
    public static Variable groupNorm(Variable x, Variable gamma, Variable beta, int groups, double eps) {
        if (beta != null && gamma == null) throw new IllegalArgumentException("groupNorm: beta without gamma; pass both or neither");
        List<Variable> in = new ArrayList<>(List.of(x));
        if (gamma != null) in.add(gamma);
        if (beta != null) in.add(beta);
        return Op.apply("group_norm", in,
                ctx -> {
                    Tensor[] r = x.value().backend().groupNorm(x.value(), gamma == null ? null : gamma.value(),
                            beta == null ? null : beta.value(), groups, eps);
                    if (gamma == null) ctx.save(x.value(), r[1], r[2]);
                    else ctx.save(x.value(), r[1], r[2], gamma.value());
                    r[1].close();
                    r[2].close();
                    return r[0];
                },
                (ctx, g) -> {
                    Tensor[] d = g.backend().groupNormBackward(ctx.saved(0), g, gamma == null ? null : ctx.saved(3),
                            ctx.saved(1), ctx.saved(2), groups);
                    if (gamma == null) return new Tensor[] {d[0]};
                    if (beta == null) {
                        d[2].close();
                        return new Tensor[] {d[0], d[1]};
                    }
                    return d;
                });
    }
}
