package org.voxelforge.nn.models;

import java.util.Arrays;
import java.util.function.Supplier;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.nn.Module;
import org.voxelforge.nn.layers.AvgPool3d;
import org.voxelforge.nn.layers.Sequential;

/**
 * nnU-Net's residual block {@code BasicBlockD} ("ResNet-D": the skip downsamples by average
 * pooling, then projects with a 1x1x1 conv, instead of a strided 1x1x1 conv):
 * <pre>
 *   out  = nonlin2(conv2(conv1(x)) + skip(x))
 *   conv1 = ConvNormAct(in, out, k, stride)            conv2 = ConvNormAct(out, out, k, 1, no nonlinearity)
 *   skip  = [AvgPool3d(stride, stride) if stride > 1] + [ConvNormAct(in, out, 1, no bias, no nonlinearity) if in != out]
 * </pre>
 * Member names as in nnU-Net: {@code conv1}, {@code conv2}, {@code nonlin2}, {@code skip.i}.
 */
public final class BasicBlockD extends Module {
    private final ConvNormAct conv1, conv2;
    private final Module nonlin2;
    private final Sequential skip;

    public BasicBlockD(int in, int out, int[] kernel, int[] stride, boolean bias, NormKind norm, Supplier<Module> nonlin,
                       DType dtype, RandomGenerator rng) {
        int[] s = ConvNormAct.triple(stride);
        conv1 = registerModule("conv1", new ConvNormAct(in, out, kernel, s, 1, bias, norm, nonlin.get(), dtype, rng));
        conv2 = registerModule("conv2", new ConvNormAct(out, out, kernel, new int[] {1}, 1, bias, norm, null, dtype, rng));
        nonlin2 = registerModule("nonlin2", nonlin.get());
        boolean strided = Arrays.stream(s).anyMatch(v -> v != 1);
        if (strided || in != out) {
            skip = registerModule("skip", new Sequential());
            if (strided) skip.add(new AvgPool3d(s));
            if (in != out) skip.add(new ConvNormAct(in, out, new int[] {1}, new int[] {1}, 1, false, norm, null, dtype, rng));
        } else {
            skip = null;
        }
    }

    @Override public Variable forward(Variable x) {
        Variable residual = skip == null ? x : skip.apply(x);
        return nonlin2.apply(conv2.apply(conv1.apply(x)).add(residual));
    }
}
