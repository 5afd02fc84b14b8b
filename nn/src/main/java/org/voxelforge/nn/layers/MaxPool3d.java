package org.voxelforge.nn.layers;

import org.voxelforge.autograd.ConvOps;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Pool3dParams;
import org.voxelforge.nn.Module;

/** PyTorch's {@code nn.MaxPool3d} (ceil_mode false, dilation 1). */
public final class MaxPool3d extends Module {
    private final Pool3dParams params;

    /** Window {@code k}, stride {@code k}, no padding. */
    public MaxPool3d(int k) { this(Pool3dParams.of(k, k, 0)); }

    public MaxPool3d(Pool3dParams params) { this.params = params; }

    @Override public Variable forward(Variable x) { return ConvOps.maxPool3d(x, params); }

    @Override public String toString() { return "MaxPool3d(" + params + ")"; }
}
