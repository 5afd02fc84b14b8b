package org.voxelforge.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/** Float64 gradchecks of the fused group-norm op (instance norm is groups = channels), and its agreement with the composite. */
class NormGradTest {
    private final RandomGenerator rng = new RandomGenerator(43);

    private Tensor rand(int... dims) { return rng.fill(RandomGenerator.Distribution.UNIFORM, -1, 1, DType.FLOAT64, dims); }

    @Test void groupNormGradients() {
        try (TensorScope s = new TensorScope()) {
            GradCheck.assertGradients("instance norm affine", v -> NormOps.groupNorm(v[0], v[1], v[2], 3, 1e-5),
                    rand(2, 3, 2, 3, 2), rand(3), rand(3));
            GradCheck.assertGradients("group norm 2 groups", v -> NormOps.groupNorm(v[0], v[1], v[2], 2, 1e-5),
                    rand(2, 4, 3, 2, 2), rand(4), rand(4));
            GradCheck.assertGradients("one group, no affine, 2-D", v -> NormOps.groupNorm(v[0], null, null, 1, 1e-5), rand(3, 4, 5));
            GradCheck.assertGradients("gamma without beta", v -> NormOps.groupNorm(v[0], v[1], null, 2, 1e-3), rand(1, 2, 7), rand(2));
        }
    }

    /** Norm then (leaky) relu as one node: gradients by finite differences, and one node saving x where two saved x and y. */
    @Test void groupNormActGradients() {
        try (TensorScope s = new TensorScope()) {
            GradCheck.assertGradients("instance norm + leaky relu", v -> NormOps.groupNormAct(v[0], v[1], v[2], 3, 1e-5, 0.01),
                    rand(2, 3, 2, 3, 2), rand(3), rand(3));
            GradCheck.assertGradients("group norm + relu", v -> NormOps.groupNormAct(v[0], v[1], v[2], 2, 1e-5, 0),
                    rand(2, 4, 3, 2, 2), rand(4), rand(4));
            GradCheck.assertGradients("gamma without beta + relu", v -> NormOps.groupNormAct(v[0], v[1], null, 2, 1e-3, 0),
                    rand(1, 2, 7), rand(2));
            GradCheck.assertGradients("no affine + leaky relu", v -> NormOps.groupNormAct(v[0], null, null, 1, 1e-5, 0.2), rand(2, 3, 4));
            Variable x = Variable.param(rand(2, 4, 3, 3, 3));
            Variable gm = Variable.param(rand(4)), bt = Variable.param(rand(4));
            Node fused = NormOps.groupNormAct(x, gm, bt, 2, 1e-5, 0.01).node();
            Variable norm = NormOps.groupNorm(x, gm, bt, 2, 1e-5);
            Node act = norm.leakyRelu(0.01).node();
            org.junit.jupiter.api.Assertions.assertEquals("group_norm_leaky_relu", fused.op());
            // x (8 bytes * 216) plus the [N, G] statistics and the affine: the activation's saved input is gone
            org.junit.jupiter.api.Assertions.assertTrue(fused.savedBytes() < norm.node().savedBytes() + act.savedBytes() - 8 * 200,
                    fused.savedBytes() + " saved bytes fused vs " + (norm.node().savedBytes() + act.savedBytes()) + " unfused");
        }
    }

    /** The fused op computes what mean, variance, subtract, divide, scale and shift compute. */
    @Test void equalsTheCompositeInBothPrecisions() {
        for (DType dt : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            try (TensorScope s = new TensorScope()) {
                Tensor xt = rng.fill(RandomGenerator.Distribution.NORMAL, 3, 2, dt, 2, 6, 3, 4, 5);
                Tensor gt = rng.fill(RandomGenerator.Distribution.UNIFORM, 0.5, 1.5, dt, 6), bt = rng.fill(RandomGenerator.Distribution.UNIFORM, -1, 1, dt, 6);
                Tensor dyt = rng.fill(RandomGenerator.Distribution.NORMAL, 0, 1, dt, 2, 6, 3, 4, 5);
                Variable[] fused = {Variable.param(xt), Variable.param(gt), Variable.param(bt)};
                Variable[] comp = {Variable.param(xt.cast(dt)), Variable.param(gt.cast(dt)), Variable.param(bt.cast(dt))};
                Variable yf = fused[0].groupNorm(fused[1], fused[2], 3, 1e-5);
                Variable g = comp[0].reshape(2, 3, -1);
                Variable yc = g.sub(g.meanKeep(2)).div(g.variance(0, true, 2).add(1e-5).sqrt()).reshape(2, 6, 3, 4, 5)
                        .mul(comp[1].reshape(1, 6, 1, 1, 1)).add(comp[2].reshape(1, 6, 1, 1, 1));
                yf.mul(Variable.constant(dyt)).sum().backward();
                yc.mul(Variable.constant(dyt)).sum().backward();
                double tol = dt == DType.FLOAT64 ? 1e-10 : 2e-5;
                close(dt + " y", yc.value(), yf.value(), tol);
                for (int i = 0; i < 3; i++) close(dt + " grad " + i, comp[i].grad(), fused[i].grad(), tol * 10);
            }
        }
    }

    @Test void badArgumentsAreNamed() {
        try (TensorScope s = new TensorScope()) {
            Variable x = Variable.constant(rand(1, 6, 2, 2));
            assertThrows(IllegalArgumentException.class, () -> x.groupNorm(null, null, 4, 1e-5));       // 6 channels, 4 groups
            assertThrows(IllegalArgumentException.class, () -> x.groupNorm(null, Variable.constant(rand(6)), 2, 1e-5));
            assertThrows(RuntimeException.class, () -> x.groupNorm(Variable.constant(rand(5)), null, 2, 1e-5));
        }
    }

    private static void close(String what, Tensor want, Tensor got, double tol) {
        double[] w = want.toDoubleArray(), g = got.toDoubleArray();
        assertEquals(w.length, g.length, what);
        double scale = 1;
        for (double v : w) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < w.length; i++) assertEquals(w[i], g[i], tol * scale, what + " at " + i);
    }
}
