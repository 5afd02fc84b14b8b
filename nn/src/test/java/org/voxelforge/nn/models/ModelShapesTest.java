package org.voxelforge.nn.models;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.Module;

/** Output shapes of small versions of every model, deep-supervision lists, and that every parameter gets a gradient. */
class ModelShapesTest {
    private static Variable input(int c, int d, int h, int w) {
        return Variable.constant(new RandomGenerator(1).normal(0, 1, 1, c, d, h, w));
    }

    private static void assertAllParametersGetGradients(Module m, Variable out) {
        out.square().mean().backward();
        assertEveryGradient(m);
    }

    private static void assertEveryGradient(Module m) {
        m.namedParameters().forEach((n, p) -> assertNotNull(p.grad(), "no gradient reached " + n));
    }

    @Test void dynamicUNetDeepSupervisionAndAnisotropicStrides() {
        int[][] k = {{1, 3, 3}, {3, 3, 3}, {3, 3, 3}};
        int[][] s = {{1, 1, 1}, {1, 2, 2}, {2, 2, 2}};
        DynamicUNet.Plan plan = DynamicUNet.Plan.nnUNet(2, 3, k, s).withFeatures(4, 8);
        try (TensorScope sc = new TensorScope(); DynamicUNet net = new DynamicUNet(plan)) {
            assertArrayEquals(new int[] {4, 8, 8}, plan.features());
            Variable x = input(2, 4, 8, 8);
            List<Variable> deep = net.forwardDeep(x);
            assertEquals(2, deep.size());
            assertArrayEquals(new int[] {1, 3, 4, 8, 8}, deep.get(0).dims());
            assertArrayEquals(new int[] {1, 3, 4, 4, 4}, deep.get(1).dims());
            Variable full = net.apply(x);
            assertArrayEquals(deep.get(0).value().toDoubleArray(), full.value().toDoubleArray(), 1e-6);
            // forward uses only the full-resolution head (as nnU-Net without deep supervision); forwardDeep uses all
            deep.get(0).square().mean().add(deep.get(1).square().mean()).backward();
            assertEveryGradient(net);
            var e = assertThrows(IllegalArgumentException.class, () -> net.apply(input(2, 4, 6, 8)));
            assertTrue(e.getMessage().contains("total stride [2, 4, 4]"), e.getMessage());
        }
    }

    @Test void residualEncoderAndPocket() {
        DynamicUNet.Plan plan = DynamicUNet.Plan.isotropic(1, 2, 3).withFeatures(4, 16).withResidualEncoder(new int[] {1, 2, 2}, 1);
        try (TensorScope sc = new TensorScope(); DynamicUNet net = new DynamicUNet(plan)) {
            assertTrue(net.namedParameters().containsKey("encoder.stem.convs.0.conv.weight"));
            assertTrue(net.namedParameters().containsKey("encoder.stages.1.blocks.0.skip.1.conv.weight"), "pool then projection");
            List<Variable> deep = net.forwardDeep(input(1, 8, 8, 8));
            assertArrayEquals(new int[] {1, 2, 8, 8, 8}, deep.get(0).dims());
            deep.get(0).square().mean().add(deep.get(1).square().mean()).backward();
            assertEveryGradient(net);
        }
        DynamicUNet.Plan pocket = DynamicUNet.Plan.isotropic(1, 2, 4).withFeatures(6, 320).withPocket(true);
        assertArrayEquals(new int[] {6, 6, 6, 6}, pocket.features());
    }

    @Test void unet3dBratsAndAttention() {
        try (TensorScope sc = new TensorScope()) {
            UNet3D u = new UNet3D(new UNet3D.Options(1, 2, 2, 3, NormKind.BATCH, DType.FLOAT32, 0));
            Variable y = u.apply(input(1, 8, 8, 8));
            assertArrayEquals(new int[] {1, 2, 8, 8, 8}, y.dims());
            assertAllParametersGetGradients(u, y);

            BratsUNet b = new BratsUNet(new BratsUNet.Options(2, 3, 4, NormKind.GROUP, false, true, true, DType.FLOAT32, 0));
            List<Variable> outs = b.forwardDeep(input(2, 8, 8, 8));
            assertEquals(5, outs.size());
            for (Variable o : outs) assertArrayEquals(new int[] {1, 3, 8, 8, 8}, o.dims());
            Variable sum = outs.get(0);
            for (int i = 1; i < outs.size(); i++) sum = sum.add(outs.get(i));
            assertAllParametersGetGradients(b, sum);

            AttentionUNet a = new AttentionUNet(new AttentionUNet.Options(1, 2, new int[] {2, 4, 8}, NormKind.INSTANCE_AFFINE, DType.FLOAT32, 0));
            Variable ya = a.apply(input(1, 4, 8, 8));
            assertArrayEquals(new int[] {1, 2, 4, 8, 8}, ya.dims());
            assertAllParametersGetGradients(a, ya);
        }
    }

    @Test void sameSeedSameWeights() {
        DynamicUNet.Plan plan = DynamicUNet.Plan.isotropic(1, 2, 2).withFeatures(2, 4).withSeed(9);
        try (TensorScope sc = new TensorScope(); DynamicUNet a = new DynamicUNet(plan); DynamicUNet b = new DynamicUNet(plan);
             DynamicUNet c = new DynamicUNet(plan.withSeed(10))) {
            Tensor wa = a.namedParameters().get("encoder.stages.0.0.convs.0.conv.weight").value();
            assertArrayEquals(wa.toDoubleArray(), b.namedParameters().get("encoder.stages.0.0.convs.0.conv.weight").value().toDoubleArray());
            assertFalse(java.util.Arrays.equals(wa.toDoubleArray(), c.namedParameters().get("encoder.stages.0.0.convs.0.conv.weight").value().toDoubleArray()));
        }
    }
}
