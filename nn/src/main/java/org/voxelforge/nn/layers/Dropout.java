package org.voxelforge.nn.layers;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.nn.Module;

/**
 * PyTorch's {@code nn.Dropout}: in training, each element is kept with probability 1 - p and
 * scaled by 1 / (1 - p) (zeroed when p = 1); identity in evaluation. The mask comes from the
 * given {@link RandomGenerator}'s Bernoulli fill, so a run is reproducible from its seed.
 */
public class Dropout extends Module {
    protected final double p;
    private final RandomGenerator rng;

    public Dropout(double p, RandomGenerator rng) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(getClass().getSimpleName() + ": p must be in [0, 1], got " + p);
        this.p = p;
        this.rng = rng;
    }

    /** The dims of the mask: the input's, or fewer broadcasting ones for whole-channel dropout. */
    protected int[] maskDims(Variable x) { return x.dims(); }

    @Override public Variable forward(Variable x) {
        if (!isTraining() || p == 0) return x;
        Tensor keep = rng.fill(RandomGenerator.Distribution.BERNOULLI, 1 - p, 0, x.dtype(), maskDims(x));
        Tensor mask = p == 1 ? keep : keep.mul(1.0 / (1 - p));
        return x.mul(Variable.constant(mask));
    }

    @Override public String toString() { return getClass().getSimpleName() + "(p=" + p + ")"; }
}
