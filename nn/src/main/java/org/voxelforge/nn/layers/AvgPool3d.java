package org.voxelforge.nn.layers;

import org.voxelforge.autograd.ConvOps;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Pool3dParams;
import org.voxelforge.nn.Module;

/** PyTorch's {@code nn.AvgPool3d} (ceil_mode false; count_include_pad true by default as in PyTorch). */
public final class AvgPool3d extends Module {
    private final Pool3dParams params;
    private final boolean countIncludePad;

    /** Window = stride = {@code k} per axis, no padding (what nnU-Net's residual skip uses). */
    public AvgPool3d(int... k) {
        this(new Pool3dParams(Init.triple("AvgPool3d", k), Init.triple("AvgPool3d", k), new int[3]), true);
    }

    public AvgPool3d(Pool3dParams params, boolean countIncludePad) {
        this.params = params;
        this.countIncludePad = countIncludePad;
    }

    @Override public Variable forward(Variable x) { return ConvOps.avgPool3d(x, params, countIncludePad); }

    @Override public String toString() { return "AvgPool3d(" + params + ", countIncludePad=" + countIncludePad + ")"; }
}
