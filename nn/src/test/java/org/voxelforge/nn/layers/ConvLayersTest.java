package org.voxelforge.nn.layers;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.layers.Naive.Vol;

/** Conv3d and ConvTranspose3d against naive loops, their init bounds, and float64 gradchecks. */
class ConvLayersTest {
    private final RandomGenerator rng = new RandomGenerator(7);

    private Tensor rand(int... dims) { return rng.fill(RandomGenerator.Distribution.UNIFORM, -1, 1, DType.FLOAT64, dims); }

    static void assertClose(Vol expected, Tensor actual, double tol) {
        assertArrayEquals(expected.dims(), actual.dims(), "shape");
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected.a()[i], a[i], tol, "element " + i);
        }
    }

    @Test void conv3dMatchesNaiveWithStridePaddingDilationGroups() {
        try (TensorScope s = new TensorScope()) {
            Conv3dParams p = new Conv3dParams(new int[] {2, 1, 1}, new int[] {1, 0, 2}, new int[] {1, 2, 1}, 2, new int[3]);
            try (Conv3d conv = new Conv3d(4, 6, new int[] {3, 2, 3}, p, true, DType.FLOAT64, rng)) {
                Tensor x = rand(2, 4, 5, 6, 4);
                Tensor y = conv.apply(Variable.constant(x)).value();
                Vol ref = Naive.conv3d(Vol.of(x), Vol.of(conv.weight().value()), conv.bias().value().toDoubleArray(),
                        p.stride(), p.padding(), p.dilation(), 2);
                assertClose(ref, y, 1e-12);
            }
            try (Conv3d c32 = Conv3d.same(3, 4, 3, 2, false, rng)) { // float32 path (im2col + sgemm)
                Tensor x = rand(1, 3, 5, 4, 6).cast(DType.FLOAT32);
                Vol ref = Naive.conv3d(Vol.of(x), Vol.of(c32.weight().value()), null, new int[] {2, 2, 2}, new int[] {1, 1, 1}, new int[] {1, 1, 1}, 1);
                assertClose(ref, c32.apply(Variable.constant(x)).value(), 1e-5);
                assertNull(c32.bias());
            }
        }
    }

    @Test void conv3dInitIsPyTorchsKaimingUniform() {
        try (TensorScope s = new TensorScope(); Conv3d conv = new Conv3d(16, 32, new int[] {3}, Conv3dParams.DEFAULT, true, DType.FLOAT32, rng)) {
            double bound = 1 / Math.sqrt(16 * 27);
            double[] w = conv.weight().value().toDoubleArray();
            double max = 0, sq = 0;
            for (double v : w) { max = Math.max(max, Math.abs(v)); sq += v * v; }
            assertTrue(max <= bound && max > 0.99 * bound, "max |w| " + max + " vs bound " + bound);
            assertEquals(bound * bound / 3, sq / w.length, 0.05 * bound * bound / 3, "variance of U(-b, b)");
            for (double v : conv.bias().value().toDoubleArray()) assertTrue(Math.abs(v) <= bound);
            assertEquals(32 * 16 * 27 + 32, conv.parameterCount());
        }
    }

    @Test void conv3dRefusesWrongChannels() {
        try (TensorScope s = new TensorScope(); Conv3d conv = new Conv3d(3, 4, 3, rng)) {
            var e = assertThrows(IllegalArgumentException.class, () -> conv.apply(Variable.constant(Tensor.zeros(1, 2, 4, 4, 4))));
            assertTrue(e.getMessage().contains("[N, 3, D, H, W]") && e.getMessage().contains("[1, 2, 4, 4, 4]"), e.getMessage());
        }
    }

    @Test void convTranspose3dMatchesNaive() {
        try (TensorScope s = new TensorScope()) {
            Conv3dParams p = Conv3dParams.DEFAULT.withStride(2, 1, 2).withPadding(0, 1, 1);
            try (ConvTranspose3d up = new ConvTranspose3d(3, 2, new int[] {2, 3, 3}, p, true, DType.FLOAT64, rng)) {
                Tensor x = rand(2, 3, 2, 3, 3);
                Vol ref = Naive.convTranspose3d(Vol.of(x), Vol.of(up.weight().value()), up.bias().value().toDoubleArray(),
                        p.stride(), p.padding());
                assertClose(ref, up.apply(Variable.constant(x)).value(), 1e-12);
                double bound = 1 / Math.sqrt(2 * 18); // fan_in from weight dim 1 (Cout/groups), as PyTorch
                for (double v : up.weight().value().toDoubleArray()) assertTrue(Math.abs(v) <= bound);
            }
        }
    }

    @Test void gradchecks() {
        try (TensorScope s = new TensorScope()) {
            Conv3dParams p = new Conv3dParams(new int[] {1, 2, 1}, new int[] {1, 1, 0}, new int[] {2, 1, 1}, 2, new int[3]);
            try (Conv3d conv = new Conv3d(2, 2, new int[] {2, 2, 2}, p, true, DType.FLOAT64, rng)) {
                ModuleGradCheck.assertGradients("Conv3d", conv, rand(1, 2, 4, 4, 3));
            }
            try (ConvTranspose3d up = ConvTranspose3d.upsampling(2, 3, new int[] {2, 1, 2}, true, DType.FLOAT64, rng)) {
                ModuleGradCheck.assertGradients("ConvTranspose3d", up, rand(1, 2, 2, 3, 2));
            }
        }
    }
}
