package org.voxelforge.nn.layers;

import java.util.Arrays;
import org.voxelforge.autograd.ConvOps;
import org.voxelforge.autograd.Variable;
import org.voxelforge.nn.Module;

/** PyTorch's {@code nn.AdaptiveAvgPool3d}: PyTorch's start/end window rule per output cell. */
public final class AdaptiveAvgPool3d extends Module {
    private final int[] outSize;

    /** One size for all axes or three (D, H, W); {@code 1} gives global average pooling. */
    public AdaptiveAvgPool3d(int... outSize) { this.outSize = Init.triple("AdaptiveAvgPool3d", outSize); }

    @Override public Variable forward(Variable x) { return ConvOps.adaptiveAvgPool3d(x, outSize); }

    @Override public String toString() { return "AdaptiveAvgPool3d(" + Arrays.toString(outSize) + ")"; }
}
