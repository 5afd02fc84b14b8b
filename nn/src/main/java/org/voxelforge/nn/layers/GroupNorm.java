package org.voxelforge.nn.layers;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.nn.Module;

/**
 * PyTorch's {@code nn.GroupNorm}: channels split into {@code groups} consecutive groups; each
 * (sample, group) normalised over its channels and all spatial positions, then a per-channel
 * affine (weight 1, bias 0 at start). Same in training and evaluation.
 */
public final class GroupNorm extends Module implements NormActivationFusion.Norm {
    private final int groups, channels;
    private final double eps;
    private final Variable weight, bias;

    /** eps 1e-5, affine, float32. */
    public GroupNorm(int groups, int channels) { this(groups, channels, 1e-5, true, DType.FLOAT32); }

    public GroupNorm(int groups, int channels, double eps, boolean affine, DType dtype) {
        if (groups < 1 || channels < 1 || channels % groups != 0) {
            throw new IllegalArgumentException("GroupNorm: channels " + channels + " must divide into groups " + groups);
        }
        Init.requireFloating("GroupNorm", dtype);
        this.groups = groups;
        this.channels = channels;
        this.eps = eps;
        weight = affine ? registerParameter("weight", Init.constant(1, dtype, channels)) : null;
        bias = affine ? registerParameter("bias", Init.constant(0, dtype, channels)) : null;
    }

    @Override public Variable forward(Variable x) { return forwardThenLeakyRelu(x, 1.0); }

    @Override public Variable forwardThenLeakyRelu(Variable x, double slope) {
        Norms.requireChannels("GroupNorm(" + groups + ", " + channels + ")", x, channels, 2);
        return x.groupNormAct(weight, bias, groups, eps, slope); // one fused op
    }

    @Override public String toString() { return "GroupNorm(" + groups + ", " + channels + ", eps=" + eps + ", affine=" + (weight != null) + ")"; }
}
