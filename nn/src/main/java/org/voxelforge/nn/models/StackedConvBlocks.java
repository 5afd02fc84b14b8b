package org.voxelforge.nn.models;

import java.util.function.Supplier;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.nn.Module;
import org.voxelforge.nn.layers.Sequential;

/**
 * nnU-Net's {@code StackedConvBlocks}: {@code n} {@link ConvNormAct} in a Sequential named
 * {@code convs}; only the first changes the channel count and applies the stride.
 */
public final class StackedConvBlocks extends Module {
    private final Sequential convs;

    public StackedConvBlocks(int n, int in, int out, int[] kernel, int[] stride, boolean bias, NormKind norm,
                             Supplier<Module> nonlin, DType dtype, RandomGenerator rng) {
        if (n < 1) throw new IllegalArgumentException("StackedConvBlocks: needs at least one conv, got " + n);
        convs = registerModule("convs", new Sequential());
        for (int i = 0; i < n; i++) {
            convs.add(new ConvNormAct(i == 0 ? in : out, out, kernel, i == 0 ? stride : new int[] {1}, 1, bias, norm, nonlin.get(), dtype, rng));
        }
    }

    @Override public Variable forward(Variable x) { return convs.apply(x); }
}
