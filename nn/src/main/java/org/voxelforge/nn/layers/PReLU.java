package org.voxelforge.nn.layers;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.nn.Module;

/**
 * PyTorch's {@code nn.PReLU}: max(0, x) + a * min(0, x) with a learnable slope, one shared
 * ({@code numParameters = 1}) or one per channel (axis 1), initialised to 0.25.
 * Written as relu(x) - a * relu(-x) so that both gradients come from existing ops.
 */
public final class PReLU extends Module {
    private final Variable weight;
    private final int n;

    public PReLU(int numParameters) { this(numParameters, 0.25, DType.FLOAT32); }

    public PReLU(int numParameters, double init, DType dtype) {
        if (numParameters < 1) throw new IllegalArgumentException("PReLU: numParameters must be >= 1, got " + numParameters);
        Init.requireFloating("PReLU", dtype);
        this.n = numParameters;
        weight = registerParameter("weight", Init.constant(init, dtype, numParameters));
    }

    @Override public Variable forward(Variable x) {
        Variable a = weight;
        if (n > 1) {
            if (x.rank() < 2 || x.dim(1) != n) {
                throw new IllegalArgumentException("PReLU(" + n + "): input must have " + n + " channels on axis 1, got " + x.value().describe());
            }
            int[] dims = new int[x.rank()];
            java.util.Arrays.fill(dims, 1);
            dims[1] = n;
            a = weight.reshape(dims);
        }
        return x.relu().sub(a.mul(x.neg().relu()));
    }

    public Variable weight() { return weight; }
}
