package org.voxelforge.nn.optim;

import java.util.List;
import java.util.Map;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;

/**
 * Rectified Adam (Liu et al., ICLR 2020) with {@code torch.optim.RAdam}'s exact rule, step t
 * counted per parameter:
 * <pre>
 * g = g + λ·p
 * m = β1·m + (1 − β1)·g;   v = β2·v + (1 − β2)·g²
 * m̂ = m / (1 − β1^t)
 * ρ∞ = 2/(1 − β2) − 1;     ρt = ρ∞ − 2t·β2^t/(1 − β2^t)
 * if ρt > 5:  r = sqrt((ρt − 4)(ρt − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρt))
 *             p = p − lr · m̂ · r · sqrt(1 − β2^t) / (sqrt(v) + ε)
 * else:       p = p − lr · m̂                      (un-adapted momentum SGD while the variance is unreliable)
 * </pre>
 * The threshold 5 is PyTorch's (and Ranger's {@code N_sma_threshhold}). Options: {@code lr}
 * (1e-3), {@code beta1} (0.9), {@code beta2} (0.999), {@code eps} (1e-8), {@code weight_decay}
 * (0), {@code l1}, {@code l2}. State: {@code exp_avg}, {@code exp_avg_sq}.
 */
public final class RAdam extends Optimizer {
    /** ρt must exceed this for the adaptive (rectified) step. */
    public static final double RECTIFICATION_THRESHOLD = 5;

    public RAdam(List<ParamGroup> groups) { super("RAdam", groups, Map.of("beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weight_decay", 0.0)); }

    public RAdam(ParamGroup... groups) { this(List.of(groups)); }

    public RAdam(List<Variable> params, double lr) { this(ParamGroup.of(params).set("lr", lr)); }

    @Override protected void validate(ParamGroup g, int gi) {
        requireUnit(g, gi, "beta1");
        requireUnit(g, gi, "beta2");
        requireAtLeast(g, gi, "eps", 0);
        requireAtLeast(g, gi, "weight_decay", 0);
    }

    /** The rectification factor r at step t, or NaN when ρt ≤ 5 (no adaptive step). */
    public static double rectification(double beta2, long t) {
        double rhoInf = 2 / (1 - beta2) - 1;
        double b2t = Math.pow(beta2, t);
        double rhoT = rhoInf - 2 * t * b2t / (1 - b2t);
        if (!(rhoT > RECTIFICATION_THRESHOLD)) return Double.NaN;
        return Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
    }

    @Override protected void update(Tensor param, Tensor grad, ParamState st, ParamGroup g) {
        double lr = g.lr(), b1 = g.get("beta1"), b2 = g.get("beta2"), eps = g.get("eps"), wd = g.get("weight_decay");
        double l1 = g.get("l1"), l2 = g.get("l2");
        long t = st.step();
        double bc1 = 1 - Math.pow(b1, t);
        double rect = rectification(b2, t);
        boolean adaptive = !Double.isNaN(rect);
        double adaptScale = adaptive ? rect * Math.sqrt(1 - Math.pow(b2, t)) : 0;
        Elements p = new Elements(param, "RAdam"), gr = new Elements(grad, "RAdam");
        Elements m = new Elements(st.zerosLike("exp_avg", param), "RAdam");
        Elements v = new Elements(st.zerosLike("exp_avg_sq", param), "RAdam");
        forEachElement(param.numel(), (lo, hi) -> {
            for (long i = lo; i < hi; i++) {
                double pv = p.get(i);
                double gv = penalized(gr.get(i), pv, l1, l2);
                if (wd != 0) gv += wd * pv;
                double mv = b1 * m.get(i) + (1 - b1) * gv;
                double vv = b2 * v.get(i) + (1 - b2) * gv * gv;
                m.set(i, mv);
                v.set(i, vv);
                double mHat = mv / bc1;
                double delta = adaptive ? mHat * lr * adaptScale / (Math.sqrt(vv) + eps) : mHat * lr;
                p.set(i, pv - delta);
            }
        });
    }
}
