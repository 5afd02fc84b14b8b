package org.voxelforge.nn.layers;

import org.voxelforge.autograd.Variable;
import org.voxelforge.nn.Module;

/** Softmax along one axis (1, the channels, for segmentation logits). */
public final class Softmax extends Module {
    private final int axis;

    public Softmax(int axis) { this.axis = axis; }

    @Override public Variable forward(Variable x) { return x.softmax(axis); }

    @Override public String toString() { return "Softmax(axis=" + axis + ")"; }
}
