package org.voxelforge.nn.optim;

import java.util.List;
import java.util.Map;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay,
 * with {@code torch.optim.SGD}'s exact rule (μ momentum, τ dampening, λ weight decay):
 * <pre>
 * d = g + λ·p
 * b = d                      on the first step
 * b = μ·b + (1 − τ)·d        afterwards
 * d = d + μ·b  (Nesterov)    or   d = b
 * p = p − lr·d
 * </pre>
 * Options: {@code lr}, {@code momentum} (0), {@code dampening} (0), {@code weight_decay} (0),
 * {@code nesterov} (0/1; needs momentum > 0 and dampening 0, as PyTorch), {@code l1}, {@code l2}.
 * State: {@code momentum_buffer} when momentum is non-zero.
 */
public final class SGD extends Optimizer {
    private static final Map<String, Double> DEFAULTS =
            Map.of("momentum", 0.0, "dampening", 0.0, "weight_decay", 0.0, "nesterov", 0.0);

    public SGD(List<ParamGroup> groups) { super("SGD", groups, DEFAULTS); }

    public SGD(ParamGroup... groups) { this(List.of(groups)); }

    /** Plain SGD over {@code params} at {@code lr}. */
    public SGD(List<Variable> params, double lr) { this(ParamGroup.of(params).set("lr", lr)); }

    /** SGD with momentum (Nesterov or heavy ball). */
    public SGD(List<Variable> params, double lr, double momentum, boolean nesterov, double weightDecay) {
        this(ParamGroup.of(params).set("lr", lr).set("momentum", momentum).set("nesterov", nesterov).set("weight_decay", weightDecay));
    }

    @Override protected void validate(ParamGroup g, int gi) {
        requireAtLeast(g, gi, "momentum", 0);
        requireAtLeast(g, gi, "weight_decay", 0);
        if (g.flag("nesterov") && (g.get("momentum") <= 0 || g.get("dampening") != 0)) {
            throw new IllegalArgumentException("SGD: group " + gi + ": Nesterov momentum requires momentum > 0 and dampening 0, got momentum "
                    + g.get("momentum") + " and dampening " + g.get("dampening"));
        }
    }

    /**
     * The fused SGD kernel, where the rule needs nothing it lacks (the l1/l2 penalties): the
     * group's device parameters in one launch per device and first-step flag.
     */
    @Override protected boolean queueOnDevice(Tensor param, Tensor grad, ParamState st, ParamGroup g, DeviceSteps steps) {
        var cuda = cudaBackend(param);
        if (cuda == null || !cuda.fusable(param, grad) || g.get("l1") != 0 || g.get("l2") != 0) return false;
        boolean first = !st.has("momentum_buffer");
        Tensor b = g.get("momentum") != 0 ? st.zerosLike("momentum_buffer", param) : null;
        steps.add(new FusedKey(cuda, first), param, grad, b);
        return true;
    }

    private record FusedKey(org.voxelforge.core.cuda.CudaBackend cuda, boolean first) {}

    @Override protected void flushDevice(ParamGroup g, DeviceSteps steps) {
        steps.byKey().forEach((key, rows) -> {
            FusedKey k = (FusedKey) key;
            k.cuda().fusedSgdSteps(rows, g.lr(), g.get("momentum"), g.get("dampening"), g.get("weight_decay"), g.flag("nesterov"), k.first());
        });
    }

    @Override protected void update(Tensor param, Tensor grad, ParamState st, ParamGroup g) {
        double lr = g.lr(), mu = g.get("momentum"), tau = g.get("dampening"), wd = g.get("weight_decay");
        double l1 = g.get("l1"), l2 = g.get("l2");
        boolean nesterov = g.flag("nesterov");
        boolean first = !st.has("momentum_buffer");
        Elements p = new Elements(param, "SGD"), gr = new Elements(grad, "SGD");
        Elements b = mu != 0 ? new Elements(st.zerosLike("momentum_buffer", param), "SGD") : null;
        forEachElement(param.numel(), (lo, hi) -> {
            for (long i = lo; i < hi; i++) {
                double pv = p.get(i);
                double d = penalized(gr.get(i), pv, l1, l2);
                if (wd != 0) d += wd * pv;
                if (b != null) {
                    double bv = first ? d : mu * b.get(i) + (1 - tau) * d;
                    b.set(i, bv);
                    d = nesterov ? d + mu * bv : bv;
                }
                p.set(i, pv - lr * d);
            }
        });
    }
}
