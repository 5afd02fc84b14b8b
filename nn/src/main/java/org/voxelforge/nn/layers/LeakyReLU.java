package org.voxelforge.nn.layers;

import org.voxelforge.autograd.Variable;
import org.voxelforge.nn.Module;

/** x for x >= 0, slope * x below; PyTorch's default slope 0.01 (what nnU-Net uses). */
public final class LeakyReLU extends Module implements NormActivationFusion.Activation {
    private final double slope;

    public LeakyReLU() { this(0.01); }

    public LeakyReLU(double slope) { this.slope = slope; }

    @Override public double leakySlope() { return slope; }

    @Override public Variable forward(Variable x) { return x.leakyRelu(slope); }

    @Override public String toString() { return "LeakyReLU(" + slope + ")"; }
}
