package org.voxelforge.nn.optim;

import java.util.List;
import org.voxelforge.autograd.Variable;

/**
 * Ranger: {@link RAdam} wrapped in {@link Lookahead}, the optimizer of the open BraTS 2020
 * solution (Henry et al.) and of Fidon et al.'s BraTS 2020 entry. Defaults are those of the
 * original Ranger (Wright, 2019): betas (0.95, 0.999), eps 1e-5, k = 6, alpha = 0.5, and the
 * rectification threshold 5. The RAdam step is PyTorch's (coupled weight decay).
 */
public final class Ranger extends Lookahead {
    public static final int DEFAULT_K = 6;
    public static final double DEFAULT_ALPHA = 0.5;

    /** Ranger with its defaults; each group may override RAdam's options. */
    public Ranger(List<ParamGroup> groups, int k, double alpha) {
        super("Ranger", new RAdam(withDefaults(groups)), k, alpha);
    }

    public Ranger(List<Variable> params, double lr) {
        this(List.of(ParamGroup.of(params).set("lr", lr)), DEFAULT_K, DEFAULT_ALPHA);
    }

    public Ranger(List<Variable> params, double lr, double weightDecay) {
        this(List.of(ParamGroup.of(params).set("lr", lr).set("weight_decay", weightDecay)), DEFAULT_K, DEFAULT_ALPHA);
    }

    private static List<ParamGroup> withDefaults(List<ParamGroup> groups) {
        for (ParamGroup g : groups) {
            if (!g.has("beta1")) g.set("beta1", 0.95);
            if (!g.has("beta2")) g.set("beta2", 0.999);
            if (!g.has("eps")) g.set("eps", 1e-5);
        }
        return groups;
    }
}
