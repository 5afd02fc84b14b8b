package org.voxelforge.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.voxelforge.core.ConvTestSupport.assertClose;
import static org.voxelforge.core.ConvTestSupport.dot;
import static org.voxelforge.core.ConvTestSupport.numel;
import static org.voxelforge.core.ConvTestSupport.randn;

import java.util.List;
import org.junit.jupiter.api.Test;

/** conv3d forward against {@link NaiveConv3d}; backward by finite differences and adjoint identities; bad input. */
public class Conv3dTest { // public: the emulated conv kernels' test reuses CASES
    private static final Backend B = Backends.cpu();

    /** One test shape: x dims, w dims, params, with or without bias. */
    public record Case(String name, int[] x, int[] w, Conv3dParams p, boolean bias) {}

    public static final List<Case> CASES = List.of(
            new Case("odd shapes", new int[] {2, 3, 5, 6, 7}, new int[] {4, 3, 3, 2, 3}, Conv3dParams.DEFAULT, false),
            new Case("stride 2 pad 1", new int[] {2, 3, 7, 6, 5}, new int[] {5, 3, 3, 3, 3}, Conv3dParams.of(2, 1), true),
            new Case("dilation 2", new int[] {1, 2, 7, 8, 9}, new int[] {3, 2, 3, 3, 3},
                    Conv3dParams.of(1, 2).withDilation(2, 2, 2), false),
            new Case("anisotropic", new int[] {1, 2, 6, 7, 9}, new int[] {3, 2, 2, 3, 3},
                    Conv3dParams.DEFAULT.withStride(1, 2, 3).withPadding(0, 1, 2).withDilation(1, 2, 1), true),
            new Case("groups 2", new int[] {2, 4, 5, 5, 5}, new int[] {6, 2, 3, 3, 3}, Conv3dParams.of(1, 1).withGroups(2), true),
            new Case("depthwise x2", new int[] {1, 4, 6, 5, 6}, new int[] {8, 1, 3, 3, 3}, Conv3dParams.of(2, 1).withGroups(4), false),
            new Case("1x1x1 bias", new int[] {2, 5, 4, 3, 5}, new int[] {7, 5, 1, 1, 1}, Conv3dParams.DEFAULT, true),
            new Case("1x1x1 groups", new int[] {2, 4, 3, 3, 3}, new int[] {6, 2, 1, 1, 1}, Conv3dParams.DEFAULT.withGroups(2), false),
            new Case("1x1x1 stride 2", new int[] {1, 3, 5, 5, 5}, new int[] {2, 3, 1, 1, 1}, Conv3dParams.of(2, 0), false),
            // 64 x 27 column rows: the tile holds fewer columns than the 12^3 outputs, so several tiles, one partial
            new Case("several tiles", new int[] {1, 64, 12, 12, 12}, new int[] {4, 64, 3, 3, 3}, Conv3dParams.of(1, 1), true));

    @Test
    void forwardMatchesNaiveInBothDtypes() {
        for (Case c : CASES) {
            double[] x = randn(1, numel(c.x)), w = randn(2, numel(c.w)), b = c.bias ? randn(3, c.w[0]) : null;
            double[] expected = NaiveConv3d.forward(x, c.x, w, c.w, b, c.p);
            for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                try (TensorScope s = new TensorScope()) {
                    Tensor bt = b == null ? null : Tensor.of(dt, b, c.w[0]);
                    Tensor y = B.conv3d(Tensor.of(dt, x, c.x), Tensor.of(dt, w, c.w), bt, c.p);
                    assertClose(c.name + " " + dt, expected, y.toDoubleArray(), dt == DType.FLOAT32 ? 1e-5 : 1e-12);
                }
            }
        }
    }

    @Test
    void forwardReadsStridedViews() {
        Case c = CASES.get(1);
        double[] x = randn(4, numel(c.x)), w = randn(5, numel(c.w));
        double[] expected = NaiveConv3d.forward(x, c.x, w, c.w, null, c.p);
        try (TensorScope s = new TensorScope()) {
            Tensor xt = Tensor.of(DType.FLOAT32, x, c.x);
            // same values, stored with W outermost
            Tensor xv = Tensor.zeros(DType.FLOAT32, c.x[4], c.x[3], c.x[2], c.x[1], c.x[0]).permute(4, 3, 2, 1, 0);
            xv.copy_(xt);
            Tensor y = B.conv3d(xv, Tensor.of(DType.FLOAT32, w, c.w), null, c.p);
            assertClose("permuted input", expected, y.toDoubleArray(), 1e-5);
        }
    }

    /** float32 GEMM backward against float64 direct-loop backward, on every case. */
    @Test
    void floatBackwardMatchesDoubleBackward() {
        for (Case c : CASES) {
            try (TensorScope s = new TensorScope()) {
                Shape ys = c.p.checkForward("test", Shape.of(c.x), Shape.of(c.w), null);
                double[] x = randn(6, numel(c.x)), w = randn(7, numel(c.w)), g = randn(8, (int) ys.numel());
                double[][] got = new double[2][], gotW = new double[2][];
                DType[] dts = {DType.FLOAT32, DType.FLOAT64};
                for (int i = 0; i < 2; i++) {
                    Tensor gt = Tensor.of(dts[i], g, ys.dims());
                    got[i] = B.conv3dBackwardData(gt, Tensor.of(dts[i], w, c.w), Shape.of(c.x), c.p).toDoubleArray();
                    gotW[i] = B.conv3dBackwardWeight(gt, Tensor.of(dts[i], x, c.x), Shape.of(c.w), c.p).toDoubleArray();
                }
                assertClose(c.name + " gradX", got[1], got[0], 1e-5);
                assertClose(c.name + " gradW", gotW[1], gotW[0], 1e-5);
            }
        }
    }

    /** <conv(x, w), g> == <x, bwdData(g, w)> == <w, bwdWeight(g, x)> in float64 and float32. */
    @Test
    void backwardsAreAdjointsOfForward() {
        for (Case c : CASES) {
            for (DType dt : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
                try (TensorScope s = new TensorScope()) {
                    Shape ys = c.p.checkForward("test", Shape.of(c.x), Shape.of(c.w), null);
                    double[] x = randn(9, numel(c.x)), w = randn(10, numel(c.w)), g = randn(11, (int) ys.numel());
                    Tensor xt = Tensor.of(dt, x, c.x), wt = Tensor.of(dt, w, c.w), gt = Tensor.of(dt, g, ys.dims());
                    double lhs = dot(B.conv3d(xt, wt, null, c.p).toDoubleArray(), g);
                    double viaX = dot(x, B.conv3dBackwardData(gt, wt, Shape.of(c.x), c.p).toDoubleArray());
                    double viaW = dot(w, B.conv3dBackwardWeight(gt, xt, Shape.of(c.w), c.p).toDoubleArray());
                    double tol = (dt == DType.FLOAT64 ? 1e-10 : 1e-4) * (1 + Math.abs(lhs)) * Math.sqrt(ys.numel());
                    assertEquals(lhs, viaX, tol, c.name + " " + dt + " data adjoint");
                    assertEquals(lhs, viaW, tol, c.name + " " + dt + " weight adjoint");
                }
            }
        }
    }

    /** Central differences of L = <conv(x, w), g> in float64, for every element of x and w. */
    @Test
    void backwardMatchesFiniteDifferences() {
        List<Case> small = List.of(
                new Case("stride 2 pad 1", new int[] {1, 2, 5, 4, 5}, new int[] {2, 2, 3, 3, 3}, Conv3dParams.of(2, 1), false),
                new Case("dilation groups", new int[] {2, 4, 5, 5, 4}, new int[] {2, 2, 2, 3, 2},
                        Conv3dParams.of(1, 1).withDilation(2, 1, 2).withGroups(2), false));
        double h = 1e-6;
        for (Case c : small) {
            try (TensorScope s = new TensorScope()) {
                Shape ys = c.p.checkForward("test", Shape.of(c.x), Shape.of(c.w), null);
                double[] x = randn(12, numel(c.x)), w = randn(13, numel(c.w)), g = randn(14, (int) ys.numel());
                Tensor gt = Tensor.of(g, ys.dims());
                double[] gx = B.conv3dBackwardData(gt, Tensor.of(w, c.w), Shape.of(c.x), c.p).toDoubleArray();
                double[] gw = B.conv3dBackwardWeight(gt, Tensor.of(x, c.x), Shape.of(c.w), c.p).toDoubleArray();
                for (int i = 0; i < x.length; i++) {
                    double[] xp = x.clone(), xm = x.clone();
                    xp[i] += h;
                    xm[i] -= h;
                    double fd = (loss(xp, c.x, w, c.w, c.p, g) - loss(xm, c.x, w, c.w, c.p, g)) / (2 * h);
                    assertEquals(fd, gx[i], 1e-6 * (1 + Math.abs(fd)), c.name + " dL/dx[" + i + "]");
                }
                for (int i = 0; i < w.length; i++) {
                    double[] wp = w.clone(), wm = w.clone();
                    wp[i] += h;
                    wm[i] -= h;
                    double fd = (loss(x, c.x, wp, c.w, c.p, g) - loss(x, c.x, wm, c.w, c.p, g)) / (2 * h);
                    assertEquals(fd, gw[i], 1e-6 * (1 + Math.abs(fd)), c.name + " dL/dw[" + i + "]");
                }
            }
        }
    }

    private static double loss(double[] x, int[] xd, double[] w, int[] wd, Conv3dParams p, double[] g) {
        try (TensorScope s = new TensorScope()) {
            return dot(B.conv3d(Tensor.of(x, xd), Tensor.of(w, wd), null, p).toDoubleArray(), g);
        }
    }

    @Test
    void transposedMatchesNaiveAndItsBackwardsAreAdjoints() {
        int[] xd = {2, 4, 3, 4, 3}, wd = {4, 3, 3, 2, 3};
        Conv3dParams p = Conv3dParams.of(2, 1).withGroups(2).withOutputPadding(1, 0, 1);
        double[] x = randn(15, numel(xd)), w = randn(16, numel(wd)), b = randn(17, 6);
        double[] expected = NaiveConv3d.transposed(x, xd, w, wd, p);
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            try (TensorScope s = new TensorScope()) {
                Tensor xt = Tensor.of(dt, x, xd), wt = Tensor.of(dt, w, wd);
                Tensor y = ConvTranspose3d.forward(xt, wt, null, p);
                assertEquals(Shape.of(2, 6, 6, 6, 6), y.shape()); // D: 2*2-2+2+1+1, H: 3*2-2+1+0+1, W: as D
                assertClose("convTranspose3d " + dt, expected, y.toDoubleArray(), 1e-5);
                Tensor yb = ConvTranspose3d.forward(xt, wt, Tensor.of(dt, b, 6), p);
                double[] withBias = expected.clone();
                int plane = 6 * 6 * 6;
                for (int i = 0; i < withBias.length; i++) withBias[i] += b[i / plane % 6];
                assertClose("convTranspose3d bias " + dt, withBias, yb.toDoubleArray(), 1e-5);

                double[] g = randn(18, (int) y.numel());
                Tensor gt = Tensor.of(dt, g, y.dims());
                double lhs = dot(expected, g);
                double viaX = dot(x, ConvTranspose3d.backwardData(gt, wt, p).toDoubleArray());
                double viaW = dot(w, ConvTranspose3d.backwardWeight(gt, xt, Shape.of(wd), p).toDoubleArray());
                double tol = (dt == DType.FLOAT64 ? 1e-10 : 1e-4) * (1 + Math.abs(lhs)) * 30;
                assertEquals(lhs, viaX, tol, "convTranspose3d data adjoint " + dt);
                assertEquals(lhs, viaW, tol, "convTranspose3d weight adjoint " + dt);
            }
        }
    }

    @Test
    void halfPrecisionGoesThroughFloat32() {
        Case c = CASES.get(4);
        double[] x = randn(19, numel(c.x)), w = randn(20, numel(c.w));
        double[] expected = NaiveConv3d.forward(x, c.x, w, c.w, null, c.p);
        try (TensorScope s = new TensorScope()) {
            Tensor y = B.conv3d(Tensor.of(DType.BFLOAT16, x, c.x), Tensor.of(DType.BFLOAT16, w, c.w), null, c.p);
            assertEquals(DType.BFLOAT16, y.dtype());
            assertClose("bf16", expected, y.toDoubleArray(), 0.05);
        }
    }

    @Test
    void badInputNamesOpAndShapes() {
        try (TensorScope s = new TensorScope()) {
            Tensor x = Tensor.zeros(1, 4, 5, 5, 5);
            var rank = assertThrows(IllegalArgumentException.class, () -> B.conv3d(Tensor.zeros(4, 5, 5, 5), Tensor.zeros(2, 4, 3, 3, 3), null, Conv3dParams.DEFAULT));
            assertTrue(rank.getMessage().contains("conv3d") && rank.getMessage().contains("[4, 5, 5, 5]"), rank.getMessage());
            var chan = assertThrows(IllegalArgumentException.class, () -> B.conv3d(x, Tensor.zeros(2, 3, 3, 3, 3), null, Conv3dParams.DEFAULT));
            assertTrue(chan.getMessage().contains("conv3d") && chan.getMessage().contains("[2, 3, 3, 3, 3]")
                    && chan.getMessage().contains("[1, 4, 5, 5, 5]"), chan.getMessage());
            var groups = assertThrows(IllegalArgumentException.class, () -> B.conv3d(x, Tensor.zeros(3, 2, 3, 3, 3), null, Conv3dParams.DEFAULT.withGroups(2)));
            assertTrue(groups.getMessage().contains("groups=2"), groups.getMessage());
            var small = assertThrows(IllegalArgumentException.class, () -> B.conv3d(x, Tensor.zeros(2, 4, 7, 3, 3), null, Conv3dParams.DEFAULT));
            assertTrue(small.getMessage().contains("conv3d") && small.getMessage().contains("smaller than the dilated kernel")
                    && small.getMessage().contains("axis D"), small.getMessage());
            var bias = assertThrows(IllegalArgumentException.class, () -> B.conv3d(x, Tensor.zeros(2, 4, 3, 3, 3), Tensor.zeros(3), Conv3dParams.DEFAULT));
            assertTrue(bias.getMessage().contains("bias [3]"), bias.getMessage());
            var dtype = assertThrows(IllegalArgumentException.class, () -> B.conv3d(x, Tensor.zeros(DType.FLOAT64, 2, 4, 3, 3, 3), null, Conv3dParams.DEFAULT));
            assertTrue(dtype.getMessage().contains("float64"), dtype.getMessage());
            var grad = assertThrows(IllegalArgumentException.class, () -> B.conv3dBackwardData(Tensor.zeros(1, 2, 4, 4, 4), Tensor.zeros(2, 4, 3, 3, 3), x.shape(), Conv3dParams.DEFAULT));
            assertTrue(grad.getMessage().contains("conv3dBackwardData") && grad.getMessage().contains("[1, 2, 3, 3, 3]"), grad.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Conv3dParams.of(0, 0));
            assertThrows(IllegalArgumentException.class, () -> Conv3dParams.of(1, 0).withOutputPadding(1, 0, 0));
        }
    }
}
