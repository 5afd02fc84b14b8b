package org.voxelforge.core;

import java.util.Arrays;

/**
 * Hyper-parameters of a 3D convolution, as PyTorch's {@code conv3d} / {@code conv_transpose3d}
 * take them: per-axis (D, H, W) stride, zero padding, dilation, the number of groups, and the
 * output padding that only a transposed convolution uses (it picks one of the several input
 * sizes that a strided convolution maps to the same output size).
 *
 * <p>Also the shape rules every backend shares, so CPU and CUDA refuse the same inputs with the
 * same messages: {@link #checkForward}, {@link #outputSpatial}, {@link #transposedSpatial}.
 */
public record Conv3dParams(int[] stride, int[] padding, int[] dilation, int groups, int[] outputPadding) {
    /** stride 1, padding 0, dilation 1, one group. */
    public static final Conv3dParams DEFAULT = of(1, 0);

    public Conv3dParams {
        stride = triple("stride", stride, 1);
        padding = triple("padding", padding, 0);
        dilation = triple("dilation", dilation, 1);
        outputPadding = triple("outputPadding", outputPadding, 0);
        if (groups < 1) throw new IllegalArgumentException("conv3d: groups must be >= 1, got " + groups);
        for (int a = 0; a < 3; a++) {
            // stricter than PyTorch (which also allows < dilation): below the stride, the convolution of
            // the transposed output has exactly the transposed input's size, so both backwards stay exact
            if (outputPadding[a] >= stride[a]) {
                throw new IllegalArgumentException("conv3d: outputPadding " + Arrays.toString(outputPadding)
                        + " must be smaller than stride " + Arrays.toString(stride) + " on each axis");
            }
        }
    }

    /** The same stride and padding on all three axes, dilation 1, one group. */
    public static Conv3dParams of(int stride, int padding) {
        return new Conv3dParams(new int[] {stride, stride, stride}, new int[] {padding, padding, padding},
                new int[] {1, 1, 1}, 1, new int[] {0, 0, 0});
    }

    public Conv3dParams withStride(int d, int h, int w) { return new Conv3dParams(new int[] {d, h, w}, padding, dilation, groups, outputPadding); }

    public Conv3dParams withPadding(int d, int h, int w) { return new Conv3dParams(stride, new int[] {d, h, w}, dilation, groups, outputPadding); }

    public Conv3dParams withDilation(int d, int h, int w) { return new Conv3dParams(stride, padding, new int[] {d, h, w}, groups, outputPadding); }

    public Conv3dParams withGroups(int g) { return new Conv3dParams(stride, padding, dilation, g, outputPadding); }

    public Conv3dParams withOutputPadding(int d, int h, int w) { return new Conv3dParams(stride, padding, dilation, groups, new int[] {d, h, w}); }

    // records compare arrays by identity; these compare by value
    @Override public int[] stride() { return stride.clone(); }
    @Override public int[] padding() { return padding.clone(); }
    @Override public int[] dilation() { return dilation.clone(); }
    @Override public int[] outputPadding() { return outputPadding.clone(); }

    @Override public boolean equals(Object o) {
        return o instanceof Conv3dParams p && groups == p.groups && Arrays.equals(stride, p.stride)
                && Arrays.equals(padding, p.padding) && Arrays.equals(dilation, p.dilation)
                && Arrays.equals(outputPadding, p.outputPadding);
    }

    @Override public int hashCode() {
        return Arrays.hashCode(new int[] {Arrays.hashCode(stride), Arrays.hashCode(padding), Arrays.hashCode(dilation),
                groups, Arrays.hashCode(outputPadding)});
    }

    @Override public String toString() {
        return "stride=" + Arrays.toString(stride) + ", padding=" + Arrays.toString(padding) + ", dilation="
                + Arrays.toString(dilation) + ", groups=" + groups
                + (outputPadding[0] + outputPadding[1] + outputPadding[2] > 0 ? ", outputPadding=" + Arrays.toString(outputPadding) : "");
    }

    // ---- shape rules ------------------------------------------------------------------------------

    /** Output size along each spatial axis: {@code floor((in + 2p - d(k-1) - 1) / s) + 1}; fails when below 1. */
    public int[] outputSpatial(String op, int[] in, int[] kernel) {
        int[] out = new int[3];
        for (int a = 0; a < 3; a++) {
            int span = dilation[a] * (kernel[a] - 1) + 1;
            int padded = in[a] + 2 * padding[a];
            if (padded < span) {
                throw new IllegalArgumentException(op + ": input spatial size " + Arrays.toString(in) + " padded by "
                        + Arrays.toString(padding) + " is smaller than the dilated kernel " + spanString(kernel)
                        + " on axis " + "DHW".charAt(a) + "; expected input + 2*padding >= dilation*(kernel-1)+1");
            }
            out[a] = (padded - span) / stride[a] + 1;
        }
        return out;
    }

    /** Output size of the transposed convolution: {@code (in-1)s - 2p + d(k-1) + outputPadding + 1}. */
    public int[] transposedSpatial(String op, int[] in, int[] kernel) {
        int[] out = new int[3];
        for (int a = 0; a < 3; a++) {
            out[a] = (in[a] - 1) * stride[a] - 2 * padding[a] + dilation[a] * (kernel[a] - 1) + outputPadding[a] + 1;
            if (out[a] < 1) {
                throw new IllegalArgumentException(op + ": input spatial size " + Arrays.toString(in) + " with kernel "
                        + Arrays.toString(kernel) + " and " + this + " gives a non-positive output size on axis "
                        + "DHW".charAt(a) + "; reduce padding or grow the input");
            }
        }
        return out;
    }

    /**
     * Checks x [N, Cin, D, H, W] against w [Cout, Cin/groups, kD, kH, kW] (and bias [Cout] when
     * not null) and returns the output shape [N, Cout, D', H', W'].
     */
    public Shape checkForward(String op, Shape x, Shape w, Shape bias) {
        requireRank5(op, "input", x, "[N, Cin, D, H, W]");
        requireRank5(op, "weight", w, "[Cout, Cin/groups, kD, kH, kW]");
        int cin = x.dim(1), cout = w.dim(0);
        if (cin % groups != 0 || cout % groups != 0) {
            throw new IllegalArgumentException(op + ": input channels " + cin + " (input " + x + ") and output channels "
                    + cout + " (weight " + w + ") must both divide by groups=" + groups);
        }
        if (w.dim(1) != cin / groups) {
            throw new ShapeMismatchException(op + ": weight " + w + " has " + w.dim(1) + " input channels per group but input "
                    + x + " has " + cin + " channels in " + groups + " group(s); expected weight [" + cout + ", "
                    + cin / groups + ", kD, kH, kW]");
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != cout)) {
            throw new ShapeMismatchException(op + ": bias " + bias + " must be [" + cout + "] for weight " + w);
        }
        int[] kernel = spatial(w);
        for (int k : kernel) {
            if (k < 1) throw new IllegalArgumentException(op + ": weight " + w + " has an empty kernel");
        }
        int[] o = outputSpatial(op + " (input " + x + ", weight " + w + ")", spatial(x), kernel);
        return Shape.of(x.dim(0), cout, o[0], o[1], o[2]);
    }

    /** The last three sizes of a rank-5 shape. */
    public static int[] spatial(Shape s) { return new int[] {s.dim(2), s.dim(3), s.dim(4)}; }

    static void requireRank5(String op, String what, Shape s, String form) {
        if (s.rank() != 5) {
            throw new IllegalArgumentException(op + ": " + what + " must have rank 5 " + form + ", got " + s);
        }
    }

    private String spanString(int[] kernel) {
        return Arrays.toString(kernel) + " (dilation " + Arrays.toString(dilation) + ")";
    }

    private static int[] triple(String name, int[] v, int min) {
        if (v == null || v.length != 3) {
            throw new IllegalArgumentException("conv3d: " + name + " needs 3 values (D, H, W), got "
                    + (v == null ? "null" : Arrays.toString(v)));
        }
        for (int x : v) {
            if (x < min) throw new IllegalArgumentException("conv3d: " + name + " must be >= " + min + ", got " + Arrays.toString(v));
        }
        return v.clone();
    }
}
