package org.voxelforge.autograd;

import org.junit.jupiter.api.Test;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.Pool3dParams;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.UpsampleMode;

/** Float64 gradchecks of the convolution, pooling and resampling ops w.r.t. every input. */
class ConvGradTest {
    private final RandomGenerator rng = new RandomGenerator(42);

    private Tensor rand(int... dims) { return rng.fill(RandomGenerator.Distribution.UNIFORM, -1, 1, DType.FLOAT64, dims); }

    @Test void conv3dWithBiasStridePaddingDilationGroups() {
        try (TensorScope s = new TensorScope()) {
            GradCheck.assertGradients("conv3d k3 p1", v -> ConvOps.conv3d(v[0], v[1], v[2], Conv3dParams.of(1, 1)),
                    rand(1, 2, 3, 4, 3), rand(3, 2, 3, 3, 3), rand(3));
            Conv3dParams p = Conv3dParams.of(2, 1).withDilation(1, 2, 1).withGroups(2);
            GradCheck.assertGradients("conv3d s2 d(1,2,1) g2", v -> ConvOps.conv3d(v[0], v[1], null, p),
                    rand(2, 4, 4, 5, 4), rand(2, 2, 2, 2, 2));
        }
    }

    @Test void convTranspose3d() {
        try (TensorScope s = new TensorScope()) {
            Conv3dParams p = Conv3dParams.of(2, 0);
            GradCheck.assertGradients("convTranspose3d k2 s2", v -> ConvOps.convTranspose3d(v[0], v[1], v[2], p),
                    rand(1, 3, 2, 3, 2), rand(3, 2, 2, 2, 2), rand(2));
            Conv3dParams q = Conv3dParams.of(2, 1).withOutputPadding(1, 0, 1);
            GradCheck.assertGradients("convTranspose3d k3 s2 p1 op", v -> ConvOps.convTranspose3d(v[0], v[1], null, q),
                    rand(1, 2, 2, 2, 3), rand(2, 2, 3, 3, 3));
        }
    }

    @Test void pooling() {
        try (TensorScope s = new TensorScope()) {
            GradCheck.assertGradients("maxPool3d k2 s2", v -> ConvOps.maxPool3d(v[0], Pool3dParams.of(2, 2, 0)), rand(1, 2, 4, 4, 5));
            GradCheck.assertGradients("maxPool3d k3 s1 p1", v -> ConvOps.maxPool3d(v[0], Pool3dParams.of(3, 1, 1)), rand(1, 1, 3, 4, 3));
            GradCheck.assertGradients("avgPool3d incl pad", v -> ConvOps.avgPool3d(v[0], Pool3dParams.of(3, 2, 1), true), rand(1, 2, 4, 5, 3));
            GradCheck.assertGradients("avgPool3d excl pad", v -> ConvOps.avgPool3d(v[0], Pool3dParams.of(3, 2, 1), false), rand(1, 2, 4, 5, 3));
            GradCheck.assertGradients("adaptiveAvgPool3d", v -> ConvOps.adaptiveAvgPool3d(v[0], 2, 3, 1), rand(2, 2, 5, 4, 3));
        }
    }

    @Test void upsampling() {
        try (TensorScope s = new TensorScope()) {
            for (boolean ac : new boolean[] {false, true}) {
                GradCheck.assertGradients("trilinear ac=" + ac,
                        v -> ConvOps.upsample3d(v[0], new int[] {4, 6, 5}, UpsampleMode.TRILINEAR, ac), rand(1, 2, 2, 3, 3));
            }
            GradCheck.assertGradients("nearest", v -> ConvOps.upsample3d(v[0], new int[] {4, 6, 3}, UpsampleMode.NEAREST, false),
                    rand(1, 2, 2, 3, 2));
        }
    }
}
