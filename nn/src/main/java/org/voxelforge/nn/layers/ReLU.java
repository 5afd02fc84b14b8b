package org.voxelforge.nn.layers;

import org.voxelforge.autograd.Variable;
import org.voxelforge.nn.Module;

/** max(0, x). */
public final class ReLU extends Module implements NormActivationFusion.Activation {
    @Override public double leakySlope() { return 0; }

    @Override public Variable forward(Variable x) { return x.relu(); }
}
