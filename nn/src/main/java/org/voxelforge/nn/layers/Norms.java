package org.voxelforge.nn.layers;

import java.util.Arrays;
import org.voxelforge.autograd.Variable;

/**
 * Shared pieces of the normalisation layers. InstanceNorm3d and GroupNorm are one fused op each
 * (Variable.groupNorm, tested against the composite of mean, variance and broadcasting arithmetic
 * in autograd's NormGradTest); BatchNorm3d is still composed from Variable ops.
 */
final class Norms {
    private Norms() {}

    /** A per-channel vector [C] shaped [1, C, 1, ...] to broadcast over x's rank. */
    static Variable channelView(Variable v, int rank) {
        int[] dims = new int[rank];
        Arrays.fill(dims, 1);
        dims[1] = v.dim(0);
        return v.reshape(dims);
    }

    /** y * weight + bias per channel, or y when weight is null. */
    static Variable affine(Variable y, Variable weight, Variable bias) {
        if (weight == null) return y;
        return y.mul(channelView(weight, y.rank())).add(channelView(bias, y.rank()));
    }

    static void requireChannels(String op, Variable x, int c, int minRank) {
        if (x.rank() < minRank || x.dim(1) != c) {
            throw new IllegalArgumentException(op + ": input must be [N, " + c + ", ...] with rank >= " + minRank + ", got " + x.value().describe());
        }
    }

    /** Spatial axes 2..rank-1. */
    static int[] spatialAxes(int rank) {
        int[] a = new int[rank - 2];
        for (int i = 0; i < a.length; i++) a[i] = i + 2;
        return a;
    }
}
