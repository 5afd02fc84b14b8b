package org.voxelforge.nn.layers;

import org.voxelforge.autograd.Variable;
import org.voxelforge.nn.Module;

/**
 * GELU with the tanh approximation (PyTorch's {@code approximate='tanh'}):
 * 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). The exact form x * Phi(x) needs an erf op,
 * which the autograd module does not have yet, so it is not offered.
 */
public final class GELU extends Module {
    private static final double C = Math.sqrt(2.0 / Math.PI);

    @Override public Variable forward(Variable x) {
        Variable inner = x.add(x.pow(3.0).mul(0.044715)).mul(C);
        return x.mul(inner.tanh().add(1.0)).mul(0.5);
    }
}
