package org.voxelforge.core;

import java.util.Arrays;

/**
 * Window, stride and zero padding of a 3D max or average pooling, per axis (D, H, W), with
 * PyTorch's rules: padding at most half the window, output size
 * {@code floor((in + 2p - k) / s) + 1} (ceil_mode false).
 */
public record Pool3dParams(int[] kernel, int[] stride, int[] padding) {
    public Pool3dParams {
        kernel = triple("kernel", kernel, 1);
        stride = triple("stride", stride, 1);
        padding = triple("padding", padding, 0);
        for (int a = 0; a < 3; a++) {
            if (padding[a] > kernel[a] / 2) {
                throw new IllegalArgumentException("pool3d: padding " + Arrays.toString(padding)
                        + " must be at most half the kernel " + Arrays.toString(kernel) + " on each axis");
            }
        }
    }

    /** A cubic window {@code k} with stride {@code s} and padding {@code p} on every axis. */
    public static Pool3dParams of(int k, int s, int p) {
        return new Pool3dParams(new int[] {k, k, k}, new int[] {s, s, s}, new int[] {p, p, p});
    }

    @Override public int[] kernel() { return kernel.clone(); }
    @Override public int[] stride() { return stride.clone(); }
    @Override public int[] padding() { return padding.clone(); }

    @Override public boolean equals(Object o) {
        return o instanceof Pool3dParams p && Arrays.equals(kernel, p.kernel) && Arrays.equals(stride, p.stride)
                && Arrays.equals(padding, p.padding);
    }

    @Override public int hashCode() {
        return 31 * (31 * Arrays.hashCode(kernel) + Arrays.hashCode(stride)) + Arrays.hashCode(padding);
    }

    @Override public String toString() {
        return "kernel=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride) + ", padding=" + Arrays.toString(padding);
    }

    /** Checks x is [N, C, D, H, W] and big enough; returns the output shape [N, C, D', H', W']. */
    public Shape checkForward(String op, Shape x) {
        Conv3dParams.requireRank5(op, "input", x, "[N, C, D, H, W]");
        int[] out = new int[3];
        for (int a = 0; a < 3; a++) {
            int padded = x.dim(2 + a) + 2 * padding[a];
            if (padded < kernel[a]) {
                throw new IllegalArgumentException(op + ": input " + x + " padded by " + Arrays.toString(padding)
                        + " is smaller than the window " + Arrays.toString(kernel) + " on axis " + "DHW".charAt(a));
            }
            out[a] = (padded - kernel[a]) / stride[a] + 1;
        }
        return Shape.of(x.dim(0), x.dim(1), out[0], out[1], out[2]);
    }

    private static int[] triple(String name, int[] v, int min) {
        if (v == null || v.length != 3) {
            throw new IllegalArgumentException("pool3d: " + name + " needs 3 values (D, H, W), got "
                    + (v == null ? "null" : Arrays.toString(v)));
        }
        for (int x : v) {
            if (x < min) throw new IllegalArgumentException("pool3d: " + name + " must be >= " + min + ", got " + Arrays.toString(v));
        }
        return v.clone();
    }
}
