package org.voxelforge.nn.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/**
 * Any spatial rank: every loss on 2D (and 1D) inputs equals, in value and gradient, the same
 * loss on the 3D inputs with singleton leading spatial axes; plus 2D gradchecks and mask checks.
 */
class SpatialRankTest {

    private static void assertSameAsSingleton3d(LossFixture f, int[] dims3d) {
        Tensor dist = SignedDistance.of(f);
        int[] vox3d = new int[dims3d.length - 1];
        vox3d[0] = dims3d[0];
        System.arraycopy(dims3d, 2, vox3d, 1, dims3d.length - 2);
        for (String name : Losses.NAMES) {
            try (TensorScope scope = new TensorScope()) {
                Loss loss = Losses.create(name);
                Variable a = Variable.param(f.logitsTensor());
                Variable la = loss.compute(a, LossTarget.of(f.labelsTensor(), dist), f.maskTensor());
                la.backward();
                Variable b = Variable.param(f.logitsTensor().reshape(dims3d));
                Variable lb = loss.compute(b, LossTarget.of(f.labelsTensor().reshape(vox3d), dist.reshape(dims3d)),
                        f.maskTensor().reshape(vox3d));
                lb.backward();
                assertEquals(lb.value().item(), la.value().item(), 1e-13, name + " value");
                assertArrayEquals(b.grad().toDoubleArray(), a.grad().toDoubleArray(), 1e-13, name + " gradient");
                a.close();
                b.close();
            }
        }
    }

    @Test void twoDimensionalEqualsSingletonDepth() {
        LossFixture f = new LossFixture(71, 2, 3, 5, 6);
        assertSameAsSingleton3d(f, new int[] {2, 3, 1, 5, 6});
    }

    @Test void oneDimensionalEqualsSingletonDepthAndHeight() {
        LossFixture f = new LossFixture(72, 2, 3, 9);
        assertSameAsSingleton3d(f, new int[] {2, 3, 1, 1, 9});
    }

    @Test void twoDimensionalGradcheckAndMask() {
        LossFixture f = new LossFixture(73, 2, 3, 3, 4);
        Tensor dist = SignedDistance.of(f);
        for (String name : new String[] {"dice", "gdl", "edge", "gsl", "focal"}) {
            Loss loss = Losses.create(name);
            LossFixture.LossFn fn = (x, m) -> loss.compute(x, LossTarget.of(f.labelsTensor(), dist), m);
            f.gradcheck(name + " 2d", fn, true);
            f.assertMaskProperty(name + " 2d", fn);
        }
    }
}
