package org.voxelforge.nn.layers;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.nn.Module;

/**
 * PyTorch's {@code nn.InstanceNorm3d}: each (sample, channel) normalised over D, H, W with its
 * own mean and biased variance, then an optional per-channel affine (weight 1, bias 0 at start).
 * No running statistics (track_running_stats false, PyTorch's default and nnU-Net's use), so
 * training and evaluation compute the same thing. PyTorch's default is affine false; nnU-Net
 * passes affine true.
 */
public final class InstanceNorm3d extends Module implements NormActivationFusion.Norm {
    private final int channels;
    private final double eps;
    private final Variable weight, bias;

    /** eps 1e-5, affine, float32 (nnU-Net's setting). */
    public InstanceNorm3d(int channels) { this(channels, 1e-5, true, DType.FLOAT32); }

    public InstanceNorm3d(int channels, double eps, boolean affine, DType dtype) {
        if (channels < 1) throw new IllegalArgumentException("InstanceNorm3d: channels must be >= 1, got " + channels);
        Init.requireFloating("InstanceNorm3d", dtype);
        this.channels = channels;
        this.eps = eps;
        weight = affine ? registerParameter("weight", Init.constant(1, dtype, channels)) : null;
        bias = affine ? registerParameter("bias", Init.constant(0, dtype, channels)) : null;
    }

    @Override public Variable forward(Variable x) { return forwardThenLeakyRelu(x, 1.0); }

    @Override public Variable forwardThenLeakyRelu(Variable x, double slope) {
        if (x.rank() != 5) throw new IllegalArgumentException("InstanceNorm3d: input must be [N, C, D, H, W], got " + x.value().describe());
        Norms.requireChannels("InstanceNorm3d(" + channels + ")", x, channels, 5);
        return x.groupNormAct(weight, bias, channels, eps, slope); // one fused op: instance norm is a group per channel
    }

    @Override public String toString() { return "InstanceNorm3d(" + channels + ", eps=" + eps + ", affine=" + (weight != null) + ")"; }
}
