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
        return groupNormAct(x, gamma, beta, groups, eps, 1.0);
    }

    /**
     * Group norm followed by LeakyReLU with {@code slope} (0 = relu; 1 = no activation, which is
     * {@link #groupNorm}) as one node ({@link org.voxelforge.core.Backend#groupNormAct}). The two
     * ops in sequence would save x and the norm's output; this saves x alone and recomputes the
     * pre-activation in backward, which also reads beta.
     */
    public static Variable groupNormAct(Variable x, Variable gamma, Variable beta, int groups, double eps, double slope) {
        if (beta != null && gamma == null) throw new IllegalArgumentException("groupNorm: beta without gamma; pass both or neither");
        List<Variable> in = new ArrayList<>(List.of(x));
        if (gamma != null) in.add(gamma);
        if (beta != null) in.add(beta);
        boolean act = slope != 1.0;
        return Op.apply(act ? "group_norm_leaky_relu" : "group_norm", in,
                ctx -> {
                    Tensor[] r = x.value().backend().groupNormAct(x.value(), gamma == null ? null : gamma.value(),
                            beta == null ? null : beta.value(), groups, eps, slope);
                    List<Tensor> saved = new ArrayList<>(List.of(x.value(), r[1], r[2]));
                    if (gamma != null) saved.add(gamma.value());
                    if (act && beta != null) saved.add(beta.value());
                    ctx.save(saved.toArray(Tensor[]::new));
                    r[1].close();
                    r[2].close();
                    return r[0];
                },
                (ctx, g) -> {
                    Tensor gm = gamma == null ? null : ctx.saved(3), bt = act && beta != null ? ctx.saved(4) : null;
                    Tensor[] d = g.backend().groupNormActBackward(ctx.saved(0), g, gm, bt, ctx.saved(1), ctx.saved(2), groups, slope);
                    if (gamma == null) return new Tensor[] {d[0]};
                    if (beta == null) {
                        d[2].close();
                        return new Tensor[] {d[0], d[1]};
                    }
                    return d;
                });
    }
}
