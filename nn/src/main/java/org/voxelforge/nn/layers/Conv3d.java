package org.voxelforge.nn.layers;

import java.util.Arrays;
import org.voxelforge.autograd.ConvOps;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.nn.Module;

/**
 * PyTorch's {@code nn.Conv3d}: weight [Cout, Cin/groups, kD, kH, kW] and optional bias [Cout],
 * both U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = Cin/groups * kD*kH*kW (see {@link Init}).
 */
public final class Conv3d extends Module {
    private final Variable weight, bias;
    private final Conv3dParams params;
    private final int in, out;
    private final int[] kernel;

    /** Stride 1, no padding, bias, float32. */
    public Conv3d(int in, int out, int kernel, RandomGenerator rng) {
        this(in, out, new int[] {kernel}, Conv3dParams.DEFAULT, true, DType.FLOAT32, rng);
    }

    /** Cubic kernel with "same" padding (k/2), the given stride, bias switchable, float32. */
    public static Conv3d same(int in, int out, int kernel, int stride, boolean bias, RandomGenerator rng) {
        return new Conv3d(in, out, new int[] {kernel}, Conv3dParams.of(stride, kernel / 2), bias, DType.FLOAT32, rng);
    }

    /**
     * @param kernel one size for all axes or three (D, H, W)
     * @param params stride, padding, dilation and groups (outputPadding must be 0)
     */
    public Conv3d(int in, int out, int[] kernel, Conv3dParams params, boolean bias, DType dtype, RandomGenerator rng) {
        this.kernel = Init.triple("Conv3d", kernel);
        Init.requireFloating("Conv3d", dtype);
        int g = params.groups();
        if (in < 1 || out < 1 || in % g != 0 || out % g != 0) {
            throw new IllegalArgumentException("Conv3d: in " + in + " and out " + out + " channels must be >= 1 and divide by groups=" + g);
        }
        if (Arrays.stream(params.outputPadding()).anyMatch(v -> v != 0)) {
            throw new IllegalArgumentException("Conv3d: outputPadding " + Arrays.toString(params.outputPadding()) + " only applies to ConvTranspose3d");
        }
        this.in = in;
        this.out = out;
        this.params = params;
        int fanIn = in / g * this.kernel[0] * this.kernel[1] * this.kernel[2];
        weight = registerParameter("weight", Init.defaultUniform(rng, fanIn, dtype, out, in / g, this.kernel[0], this.kernel[1], this.kernel[2]));
        this.bias = bias ? registerParameter("bias", Init.defaultUniform(rng, fanIn, dtype, out)) : null;
    }

    @Override public Variable forward(Variable x) {
        if (x.rank() != 5 || x.dim(1) != in) {
            throw new IllegalArgumentException("Conv3d(" + in + " -> " + out + "): input must be [N, " + in + ", D, H, W], got " + x.value().describe());
        }
        return ConvOps.conv3d(x, weight, bias, params);
    }

    public Variable weight() { return weight; }

    /** The bias, or null when built without one. */
    public Variable bias() { return bias; }

    public Conv3dParams params() { return params; }

    public int inChannels() { return in; }

    public int outChannels() { return out; }

    public int[] kernel() { return kernel.clone(); }

    @Override public String toString() {
        return "Conv3d(" + in + ", " + out + ", kernel=" + Arrays.toString(kernel) + ", " + params + ", bias=" + (bias != null) + ")";
    }
}
