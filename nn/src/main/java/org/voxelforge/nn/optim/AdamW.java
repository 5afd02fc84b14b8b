package org.voxelforge.nn.optim;

import java.util.List;
import org.voxelforge.autograd.Variable;

/**
 * AdamW (Loshchilov and Hutter, 2019): Adam with decoupled weight decay, as
 * {@code torch.optim.AdamW}: first {@code p = p·(1 − lr·λ)}, then the Adam step of {@link Adam}
 * without the coupled term. Default {@code weight_decay} is 1e-2, as PyTorch's.
 */
public final class AdamW extends Adam {
    public AdamW(List<ParamGroup> groups) { super("AdamW", groups, 1e-2, true); }

    public AdamW(ParamGroup... groups) { this(List.of(groups)); }

    public AdamW(List<Variable> params, double lr, double weightDecay) {
        this(ParamGroup.of(params).set("lr", lr).set("weight_decay", weightDecay));
    }
}
