package org.voxelforge.nn.layers;

import static org.voxelforge.nn.layers.ConvLayersTest.assertClose;

import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.Pool3dParams;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.UpsampleMode;
import org.voxelforge.nn.Module;
import org.voxelforge.nn.layers.Naive.Vol;

/** Pooling and upsampling layers against naive loops, and float64 gradchecks. */
class ResamplingLayersTest {
    private final RandomGenerator rng = new RandomGenerator(11);

    private Tensor rand(int... dims) { return rng.fill(RandomGenerator.Distribution.UNIFORM, -1, 1, DType.FLOAT64, dims); }

    private static Tensor run(Module m, Tensor x) { return m.apply(Variable.constant(x)).value(); }

    @Test void poolingMatchesNaive() {
        try (TensorScope s = new TensorScope()) {
            Tensor x = rand(2, 3, 5, 6, 7);
            assertClose(Naive.pool(Vol.of(x), 2, 2, 0, true), run(new MaxPool3d(2), x), 0);
            assertClose(Naive.pool(Vol.of(x), 3, 2, 1, true), run(new MaxPool3d(Pool3dParams.of(3, 2, 1)), x), 0);
            assertClose(Naive.pool(Vol.of(x), 3, 2, 1, false), run(new AvgPool3d(Pool3dParams.of(3, 2, 1), true), x), 1e-12);
            assertClose(Naive.pool(Vol.of(x), 2, 2, 0, false), run(new AvgPool3d(2), x), 1e-12);
            assertClose(Naive.adaptiveAvg(Vol.of(x), 2, 4, 3), run(new AdaptiveAvgPool3d(2, 4, 3), x), 1e-12);
            assertClose(Naive.adaptiveAvg(Vol.of(x), 1, 1, 1), run(new AdaptiveAvgPool3d(1), x), 1e-12);
        }
    }

    @Test void upsampleMatchesNaive() {
        try (TensorScope s = new TensorScope()) {
            Tensor x = rand(1, 2, 3, 2, 4);
            for (boolean ac : new boolean[] {false, true}) {
                assertClose(Naive.upsample(Vol.of(x), 6, 4, 8, true, ac), run(Upsample.scale(UpsampleMode.TRILINEAR, ac, 2), x), 1e-12);
                assertClose(Naive.upsample(Vol.of(x), 5, 3, 7, true, ac), run(Upsample.size(UpsampleMode.TRILINEAR, ac, 5, 3, 7), x), 1e-12);
            }
            assertClose(Naive.upsample(Vol.of(x), 6, 2, 8, false, false), run(Upsample.scale(UpsampleMode.NEAREST, false, 2, 1, 2), x), 0);
            assertClose(Naive.upsample(Vol.of(x), 4, 3, 5, false, false), run(Upsample.size(UpsampleMode.NEAREST, false, 4, 3, 5), x), 0);
        }
    }

    @Test void gradchecks() {
        try (TensorScope s = new TensorScope()) {
            ModuleGradCheck.assertGradients("MaxPool3d", new MaxPool3d(Pool3dParams.of(2, 2, 1)), rand(1, 2, 3, 4, 3));
            ModuleGradCheck.assertGradients("AvgPool3d", new AvgPool3d(2, 1, 2), rand(1, 2, 4, 3, 4));
            ModuleGradCheck.assertGradients("AdaptiveAvgPool3d", new AdaptiveAvgPool3d(2, 3, 1), rand(1, 2, 3, 4, 3));
            ModuleGradCheck.assertGradients("Upsample trilinear", Upsample.scale(UpsampleMode.TRILINEAR, false, 2), rand(1, 2, 2, 3, 2));
            ModuleGradCheck.assertGradients("Upsample trilinear ac", Upsample.size(UpsampleMode.TRILINEAR, true, 3, 5, 4), rand(1, 1, 2, 3, 2));
            ModuleGradCheck.assertGradients("Upsample nearest", Upsample.scale(UpsampleMode.NEAREST, false, 2), rand(1, 2, 2, 2, 3));
        }
    }
}
