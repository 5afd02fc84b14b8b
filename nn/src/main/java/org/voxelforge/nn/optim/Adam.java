package org.voxelforge.nn.optim;

import java.util.List;
import java.util.Map;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;

/**
 * Adam (Kingma and Ba, 2015) with {@code torch.optim.Adam}'s exact rule, step t counted per
 * parameter:
 * <pre>
 * g = g + λ·p                          (coupled weight decay; AdamW decouples it)
 * m = β1·m + (1 − β1)·g
 * v = β2·v + (1 − β2)·g²
 * v̂ = max(v̂, v) with amsgrad, else v
 * p = p − lr/(1 − β1^t) · m / (sqrt(v̂)/sqrt(1 − β2^t) + ε)
 * </pre>
 * Options: {@code lr} (1e-3), {@code beta1} (0.9), {@code beta2} (0.999), {@code eps} (1e-8),
 * {@code weight_decay} (0), {@code amsgrad} (0/1), {@code l1}, {@code l2}.
 * State: {@code exp_avg}, {@code exp_avg_sq}, and {@code max_exp_avg_sq} with amsgrad.
 */
public class Adam extends Optimizer {
    private final boolean decoupled;

    public Adam(List<ParamGroup> groups) { this("Adam", groups, 0.0, false); }

    public Adam(ParamGroup... groups) { this(List.of(groups)); }

    public Adam(List<Variable> params, double lr) { this(ParamGroup.of(params).set("lr", lr)); }

    Adam(String name, List<ParamGroup> groups, double defaultWeightDecay, boolean decoupled) {
        super(name, groups, Map.of("beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weight_decay", defaultWeightDecay, "amsgrad", 0.0));
        this.decoupled = decoupled;
    }

    @Override protected void validate(ParamGroup g, int gi) {
        requireUnit(g, gi, "beta1");
        requireUnit(g, gi, "beta2");
        requireAtLeast(g, gi, "eps", 0);
        requireAtLeast(g, gi, "weight_decay", 0);
    }

    /**
     * The fused AdamW kernel: AdamW, or Adam without weight decay, without amsgrad and the l1/l2
     * penalties; the group's device parameters in one launch per device and step number.
     */
    @Override protected final boolean queueOnDevice(Tensor param, Tensor grad, ParamState st, ParamGroup g, DeviceSteps steps) {
        var cuda = cudaBackend(param);
        double wd = g.get("weight_decay");
        if (cuda == null || !cuda.fusable(param, grad) || g.flag("amsgrad") || g.get("l1") != 0 || g.get("l2") != 0 || (!decoupled && wd != 0)) return false;
        steps.add(new FusedKey(cuda, st.step()), param, grad, st.zerosLike("exp_avg", param), st.zerosLike("exp_avg_sq", param));
        return true;
    }

    private record FusedKey(org.voxelforge.core.cuda.CudaBackend cuda, long step) {}

    @Override protected final void flushDevice(ParamGroup g, DeviceSteps steps) {
        double wd = decoupled ? g.get("weight_decay") : 0;
        steps.byKey().forEach((key, rows) -> {
            FusedKey k = (FusedKey) key;
            k.cuda().fusedAdamwSteps(rows, g.lr(), g.get("beta1"), g.get("beta2"), g.get("eps"), wd, k.step());
        });
    }

    @Override protected final void update(Tensor param, Tensor grad, ParamState st, ParamGroup g) {
        double lr = g.lr(), b1 = g.get("beta1"), b2 = g.get("beta2"), eps = g.get("eps"), wd = g.get("weight_decay");
        double l1 = g.get("l1"), l2 = g.get("l2");
        boolean amsgrad = g.flag("amsgrad");
        long t = st.step();
        double stepSize = lr / (1 - Math.pow(b1, t));
        double bc2Sqrt = Math.sqrt(1 - Math.pow(b2, t));
        double decay = decoupled ? 1 - lr * wd : 1; // AdamW shrinks p before the Adam step
        double coupled = decoupled ? 0 : wd;
        String op = name();
        Elements p = new Elements(param, op), gr = new Elements(grad, op);
        Elements m = new Elements(st.zerosLike("exp_avg", param), op);
        Elements v = new Elements(st.zerosLike("exp_avg_sq", param), op);
        Elements vmax = amsgrad ? new Elements(st.zerosLike("max_exp_avg_sq", param), op) : null;
        forEachElement(param.numel(), (lo, hi) -> {
            for (long i = lo; i < hi; i++) {
                double p0 = p.get(i);
                double gv = penalized(gr.get(i), p0, l1, l2);
                if (coupled != 0) gv += coupled * p0;
                double pv = p0 * decay;
                double mv = b1 * m.get(i) + (1 - b1) * gv;
                double vv = b2 * v.get(i) + (1 - b2) * gv * gv;
                m.set(i, mv);
                v.set(i, vv);
                if (vmax != null) {
                    vv = Math.max(vmax.get(i), vv);
                    vmax.set(i, vv);
                }
                p.set(i, pv - stepSize * mv / (Math.sqrt(vv) / bc2Sqrt + eps));
            }
        });
    }
}
