package org.voxelforge.nn.layers;

import org.voxelforge.autograd.Variable;
import org.voxelforge.nn.Module;

/**
 * A normalisation layer directly followed by a (leaky) ReLU, run as one op
 * ({@link Variable#groupNormAct}): the result equals norm then activation, but the graph keeps one
 * activation-sized tensor (the norm's input) instead of two, and a device makes one pass over the
 * data instead of two. Blocks such as ConvNormAct ask {@link #apply} first and fall back to the
 * two modules when it returns null (another norm or activation, or a module with forward hooks,
 * which fusing would skip).
 */
public final class NormActivationFusion {
    private NormActivationFusion() {}

    /** A norm that can apply a LeakyReLU to its output within its own op (GroupNorm, InstanceNorm3d). */
    public interface Norm {
        /** forward followed by LeakyReLU with {@code slope} (0 = relu, 1 = none). */
        Variable forwardThenLeakyRelu(Variable x, double slope);
    }

    /** An activation that is a LeakyReLU of some slope (ReLU: 0). */
    public interface Activation {
        double leakySlope();
    }

    /** nonlin(norm(x)) as one op, or null when the pair does not fuse. */
    public static Variable apply(Module norm, Module nonlin, Variable x) {
        if (norm instanceof Norm n && nonlin instanceof Activation a && !norm.hasForwardHooks() && !nonlin.hasForwardHooks()) {
            return n.forwardThenLeakyRelu(x, a.leakySlope());
        }
        return null;
    }
}
