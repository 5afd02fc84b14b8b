package org.voxelforge.nn.layers;

import org.voxelforge.autograd.Variable;
import org.voxelforge.nn.Module;

/** 1 / (1 + exp(-x)). */
public final class Sigmoid extends Module {
    @Override public Variable forward(Variable x) { return x.sigmoid(); }
}
