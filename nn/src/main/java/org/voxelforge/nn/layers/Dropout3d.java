package org.voxelforge.nn.layers;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.RandomGenerator;

/**
 * PyTorch's {@code nn.Dropout3d}: zeroes whole channels of [N, C, D, H, W] (one Bernoulli draw
 * per sample and channel, broadcast over D, H, W), scaling the kept ones by 1 / (1 - p).
 */
public final class Dropout3d extends Dropout {
    public Dropout3d(double p, RandomGenerator rng) { super(p, rng); }

    @Override protected int[] maskDims(Variable x) {
        if (x.rank() != 5) throw new IllegalArgumentException("Dropout3d: input must be [N, C, D, H, W], got " + x.value().describe());
        return new int[] {x.dim(0), x.dim(1), 1, 1, 1};
    }
}
