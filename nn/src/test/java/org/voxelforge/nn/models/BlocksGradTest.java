package org.voxelforge.nn.models;

import org.junit.jupiter.api.Test;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.layers.LeakyReLU;
import org.voxelforge.nn.layers.ModuleGradCheck;

/** Float64 gradchecks of the models' composite blocks w.r.t. input and every parameter. */
class BlocksGradTest {
    private final RandomGenerator rng = new RandomGenerator(21);

    private Tensor rand(int... dims) { return rng.fill(RandomGenerator.Distribution.UNIFORM, -1, 1, DType.FLOAT64, dims); }

    @Test void residualBlockWithPoolingAndProjection() {
        try (TensorScope s = new TensorScope()) {
            BasicBlockD block = new BasicBlockD(2, 3, new int[] {3}, new int[] {1, 2, 2}, true, NormKind.INSTANCE_AFFINE,
                    () -> new LeakyReLU(0.01), DType.FLOAT64, rng);
            ModuleGradCheck.assertGradients("BasicBlockD", block, rand(1, 2, 2, 4, 4));
        }
    }

    @Test void stackedConvBlocksWithGroupNormAndDilation() {
        try (TensorScope s = new TensorScope()) {
            ConvNormAct cna = new ConvNormAct(2, 4, new int[] {3}, new int[] {1}, 2, false, NormKind.GROUP,
                    new LeakyReLU(0.01), DType.FLOAT64, rng);
            ModuleGradCheck.assertGradients("ConvNormAct dilation 2, GroupNorm", cna, rand(2, 2, 3, 3, 3));
            StackedConvBlocks stack = new StackedConvBlocks(2, 2, 2, new int[] {1, 3, 3}, new int[] {1}, true, NormKind.BATCH,
                    () -> new LeakyReLU(0.01), DType.FLOAT64, rng);
            ModuleGradCheck.assertGradients("StackedConvBlocks BatchNorm", stack, rand(2, 2, 2, 3, 3));
        }
    }
}
