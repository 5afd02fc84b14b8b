package org.voxelforge.nn.models;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.nn.Module;
import org.voxelforge.nn.layers.Conv3d;
import org.voxelforge.nn.layers.NormActivationFusion;

/**
 * conv -> norm -> nonlinearity, nnU-Net's {@code ConvDropoutNormReLU} (no dropout) with its
 * member names {@code conv}, {@code norm}, {@code nonlin}. Padding is (k-1)/2 times the dilation
 * per axis ("same" for odd kernels). Norm or nonlinearity may be null (left out). A group or
 * instance norm followed by a (leaky) ReLU runs as one op ({@link NormActivationFusion}).
 */
public final class ConvNormAct extends Module {
    private final Conv3d conv;
    private final Module norm, nonlin;

    public ConvNormAct(int in, int out, int[] kernel, int[] stride, int dilation, boolean bias, NormKind norm, Module nonlin,
                       DType dtype, RandomGenerator rng) {
        int[] k = triple(kernel), s = triple(stride);
        Conv3dParams p = new Conv3dParams(s, new int[] {dilation * (k[0] - 1) / 2, dilation * (k[1] - 1) / 2, dilation * (k[2] - 1) / 2},
                new int[] {dilation, dilation, dilation}, 1, new int[3]);
        conv = registerModule("conv", new Conv3d(in, out, k, p, bias, dtype, rng));
        this.norm = norm == null ? null : registerModule("norm", norm.make(out, dtype));
        this.nonlin = nonlin == null ? null : registerModule("nonlin", nonlin);
    }

    @Override public Variable forward(Variable x) {
        Variable y = conv.apply(x);
        Variable fused = norm == null ? null : NormActivationFusion.apply(norm, nonlin, y);
        if (fused != null) return fused;
        if (norm != null) y = norm.apply(y);
        if (nonlin != null) y = nonlin.apply(y);
        return y;
    }

    static int[] triple(int[] v) {
        if (v.length == 1) return new int[] {v[0], v[0], v[0]};
        if (v.length == 3) return v.clone();
        throw new IllegalArgumentException("kernel/stride needs 1 or 3 values (D, H, W), got " + java.util.Arrays.toString(v));
    }
}
