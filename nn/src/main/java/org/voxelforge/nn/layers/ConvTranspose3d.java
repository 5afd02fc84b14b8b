package org.voxelforge.nn.layers;

import java.util.Arrays;
import org.voxelforge.autograd.ConvOps;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.nn.Module;

/**
 * PyTorch's {@code nn.ConvTranspose3d}: weight [Cin, Cout/groups, kD, kH, kW], optional bias
 * [Cout]. PyTorch computes fan_in from the weight's second dimension, so here
 * fan_in = Cout/groups * kD*kH*kW for both the weight and bias bounds.
 */
public final class ConvTranspose3d extends Module {
    private final Variable weight, bias;
    private final Conv3dParams params;
    private final int in, out;
    private final int[] kernel;

    /** Kernel = stride = {@code factor}, no padding, bias: the upsampling of U-Net decoders. */
    public static ConvTranspose3d upsampling(int in, int out, int[] factor, boolean bias, DType dtype, RandomGenerator rng) {
        int[] f = Init.triple("ConvTranspose3d", factor);
        Conv3dParams p = Conv3dParams.DEFAULT.withStride(f[0], f[1], f[2]);
        return new ConvTranspose3d(in, out, f, p, bias, dtype, rng);
    }

    public ConvTranspose3d(int in, int out, int[] kernel, Conv3dParams params, boolean bias, DType dtype, RandomGenerator rng) {
        this.kernel = Init.triple("ConvTranspose3d", kernel);
        Init.requireFloating("ConvTranspose3d", dtype);
        int g = params.groups();
        if (in < 1 || out < 1 || in % g != 0 || out % g != 0) {
            throw new IllegalArgumentException("ConvTranspose3d: in " + in + " and out " + out + " channels must be >= 1 and divide by groups=" + g);
        }
        this.in = in;
        this.out = out;
        this.params = params;
        int fanIn = out / g * this.kernel[0] * this.kernel[1] * this.kernel[2];
        weight = registerParameter("weight", Init.defaultUniform(rng, fanIn, dtype, in, out / g, this.kernel[0], this.kernel[1], this.kernel[2]));
        this.bias = bias ? registerParameter("bias", Init.defaultUniform(rng, fanIn, dtype, out)) : null;
    }

    @Override public Variable forward(Variable x) {
        if (x.rank() != 5 || x.dim(1) != in) {
            throw new IllegalArgumentException("ConvTranspose3d(" + in + " -> " + out + "): input must be [N, " + in + ", D, H, W], got " + x.value().describe());
        }
        return ConvOps.convTranspose3d(x, weight, bias, params);
    }

    public Variable weight() { return weight; }

    public Variable bias() { return bias; }

    public Conv3dParams params() { return params; }

    @Override public String toString() {
        return "ConvTranspose3d(" + in + ", " + out + ", kernel=" + Arrays.toString(kernel) + ", " + params + ", bias=" + (bias != null) + ")";
    }
}
