package org.voxelforge.nn.layers;

import org.voxelforge.autograd.Variable;
import org.voxelforge.nn.Module;

/** max(0, x). */
public final class ReLU extends Module {
    @Override public Variable forward(Variable x) { return x.relu(); }
}
