package org.voxelforge.nn.fused;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.nn.fused.Close.assertClose;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.fused.GroupNormAct;
import org.voxelforge.nn.Module;
import org.voxelforge.nn.layers.GroupNorm;
import org.voxelforge.nn.layers.InstanceNorm3d;

/**
 * The CPU twin of groupnorm.cuh (float32, chunked, shifted sums) against the composed nn layers
 * (GroupNorm / InstanceNorm3d, then LeakyReLU) run in float64, forward and autograd backward.
 * Tolerances: the twin works in float32 (eps 6e-8); a normalized value carries a few ulps from
 * the float statistics, so y and dx get 2e-5 of their scale; dgamma/dbeta sum up to 6000 float
 * products per chunk, whose rounding error grows like the sum's length, so 1e-4 of their scale.
 */
class GroupNormActTwinTest {
    private final SplittableRandom rnd = new SplittableRandom(11);

    private float[] uniform(int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        return a;
    }

    /** Compares the twin with module (already holding gamma/beta) + leaky(slope) on [n, c, d, h, w]. */
    private void check(Module norm, int groups, int[] dims, double offset, float slope) {
        int n = dims[0], c = dims[1], s = dims[2] * dims[3] * dims[4];
        GroupNormAct.Geometry geo = new GroupNormAct.Geometry(n, c, groups, s);
        float[] x = uniform((int) geo.numel(), offset - 1, offset + 2);
        float[] dy = uniform(x.length, -1, 1);
        float[] gamma = uniform(c, 0.5, 1.5), beta = uniform(c, -0.5, 0.5);
        norm.namedParameters().get("weight").value().copy_(Tensor.of(gamma, c).cast(DType.FLOAT64));
        norm.namedParameters().get("bias").value().copy_(Tensor.of(beta, c).cast(DType.FLOAT64));

        float[] y = new float[x.length], dx = new float[x.length];
        GroupNormAct.Saved saved = GroupNormAct.forward(geo, x, gamma, beta, slope, 1e-5, y);
        GroupNormAct.ParamGrads pg = GroupNormAct.backward(geo, x, dy, gamma, beta, saved, slope, dx);

        try (TensorScope scope = new TensorScope()) {
            Variable xv = Variable.param(Tensor.of(x, dims).cast(DType.FLOAT64));
            Variable yv = norm.apply(xv);
            if (slope != 1f) yv = yv.leakyRelu(slope);
            yv.mul(Variable.constant(Tensor.of(dy, dims).cast(DType.FLOAT64))).sum().backward();
            String tag = norm + " offset " + offset + " slope " + slope;
            assertClose(tag + ": y", yv.value().toDoubleArray(), y, 2e-5);
            assertClose(tag + ": dx", xv.grad().toDoubleArray(), dx, 2e-5);
            assertClose(tag + ": dgamma", norm.namedParameters().get("weight").grad().toDoubleArray(), pg.dgamma(), 1e-4);
            assertClose(tag + ": dbeta", norm.namedParameters().get("bias").grad().toDoubleArray(), pg.dbeta(), 1e-4);
            norm.zeroGrad();
        }
    }

    @Test void groupNormWithLeakyReluMatchesTheLayers() {
        try (GroupNorm gn = new GroupNorm(3, 6, 1e-5, true, DType.FLOAT64)) {
            check(gn, 3, new int[] {2, 6, 3, 4, 5}, 0, 0.01f);
            check(gn, 3, new int[] {2, 6, 3, 4, 5}, 0, 1f); // no activation
        }
    }

    @Test void instanceNormSpanningSeveralChunks() {
        // S = 3000 > 2048: the statistics (M = 3000 per channel) and the backward sums use 2 chunks
        try (InstanceNorm3d in = new InstanceNorm3d(2, 1e-5, true, DType.FLOAT64)) {
            check(in, 2, new int[] {2, 2, 10, 15, 20}, 0, 0.01f);
        }
        try (GroupNorm gn = new GroupNorm(1, 2, 1e-5, true, DType.FLOAT64)) {
            check(gn, 1, new int[] {1, 2, 10, 15, 20}, 0, 0.2f); // M = 6000: 3 chunks
        }
    }

    @Test void largeMeanDoesNotCancelTheVariance() {
        // mean 1000, std ~0.9: unshifted float sums of x^2 would lose the variance entirely
        try (InstanceNorm3d in = new InstanceNorm3d(3, 1e-5, true, DType.FLOAT64)) {
            check(in, 3, new int[] {1, 3, 8, 8, 8}, 1000, 0.01f);
        }
    }

    @Test void badShapesNameTheOp() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GroupNormAct.Geometry(1, 6, 4, 8));
        assertTrue(e.getMessage().contains("GroupNormAct") && e.getMessage().contains("groups=4"), e.getMessage());
        GroupNormAct.Geometry geo = new GroupNormAct.Geometry(1, 2, 2, 4);
        e = assertThrows(IllegalArgumentException.class,
                () -> GroupNormAct.forward(geo, new float[7], new float[2], new float[2], 1f, 1e-5, new float[8]));
        assertTrue(e.getMessage().contains("x has 7 elements"), e.getMessage());
    }
}
