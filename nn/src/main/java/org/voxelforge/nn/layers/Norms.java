package org.voxelforge.nn.layers;

import java.util.Arrays;
import org.voxelforge.autograd.Variable;

/**
 * Shared pieces of the normalisation layers. Each is composed from Variable ops (mean and
 * variance over axes, broadcasting arithmetic) so that its gradient needs no code of its own
 * and gradcheck covers it; a fused one-pass kernel (forward and backward) is a later
 * optimisation that must be tested against these.
 */
final class Norms {
    private Norms() {}

    /** (x - mean) / sqrt(var + eps), statistics over {@code axes} (biased variance, as PyTorch normalises). */
    static Variable standardize(Variable x, double eps, int... axes) {
        Variable mean = x.meanKeep(axes);
        Variable var = x.variance(0, true, axes);
        return x.sub(mean).div(var.add(eps).sqrt());
    }

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
