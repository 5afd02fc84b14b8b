package org.voxelforge.nn.layers;

import org.voxelforge.autograd.Variable;
import org.voxelforge.nn.Module;

/**
 * GELU, as PyTorch's {@code nn.GELU}: exact by default, x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2));
 * with {@code approximate = true}, the tanh form 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
 * (PyTorch's {@code approximate='tanh'}).
 */
public final class GELU extends Module {
    private static final double C = Math.sqrt(2.0 / Math.PI);
    private final boolean approximate;

    public GELU() { this(false); }

    public GELU(boolean approximate) { this.approximate = approximate; }

    @Override public Variable forward(Variable x) {
        if (!approximate) return x.mul(x.mul(1.0 / Math.sqrt(2.0)).erf().add(1.0)).mul(0.5);
        Variable inner = x.add(x.pow(3.0).mul(0.044715)).mul(C);
        return x.mul(inner.tanh().add(1.0)).mul(0.5);
    }
}
