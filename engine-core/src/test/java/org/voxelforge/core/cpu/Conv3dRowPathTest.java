package org.voxelforge.core.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.voxelforge.core.cpu.ConvPathTestData.numel;
import static org.voxelforge.core.cpu.ConvPathTestData.randn;
import static org.voxelforge.core.cpu.ConvPathTestData.toFloat;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.Backends;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/**
 * The direct row convolution ({@link Conv3dRowForward}, {@link Conv3dRowWeightGrad}) against the
 * float64 direct loops, on shapes that reach its edges: a row shorter and one longer than a tile,
 * channels that fill no whole block, taps skipped in z and y, stride, dilation, groups, bias.
 */
class Conv3dRowPathTest {
    record Case(String name, int[] x, int[] w, Conv3dParams p, boolean bias) {}

    static final List<Case> CASES = List.of(
            new Case("deep 3x3x3 pad 1, 8^3", new int[] {2, 40, 8, 8, 8}, new int[] {36, 40, 3, 3, 3}, Conv3dParams.of(1, 1), true),
            new Case("row of 5 (partial tile), 33 channels", new int[] {1, 33, 3, 4, 5}, new int[] {35, 33, 3, 3, 3}, Conv3dParams.of(1, 1), false),
            new Case("row of 19 (three tiles)", new int[] {1, 9, 2, 3, 19}, new int[] {7, 9, 3, 3, 3}, Conv3dParams.of(1, 1), false),
            new Case("no padding, 1x3x5", new int[] {1, 4, 3, 6, 12}, new int[] {3, 4, 1, 3, 5}, Conv3dParams.of(1, 0), false),
            new Case("dilation 2, anisotropic padding", new int[] {1, 2, 7, 8, 9},
                    new int[] {5, 2, 3, 3, 3}, Conv3dParams.of(1, 1).withDilation(2, 1, 2).withPadding(2, 1, 2), true),
            new Case("groups 2", new int[] {2, 6, 4, 4, 6}, new int[] {10, 3, 3, 3, 3}, Conv3dParams.of(1, 1).withGroups(2), true),
            new Case("stride 2 (forward only)", new int[] {1, 12, 8, 9, 10}, new int[] {34, 12, 3, 3, 3}, Conv3dParams.of(2, 1), true),
            new Case("padding wider than the kernel reach", new int[] {1, 3, 2, 2, 3}, new int[] {4, 3, 3, 3, 3}, Conv3dParams.of(1, 3), false));

    @Test
    void forwardMatchesDirectLoops() {
        for (Case c : CASES) {
            try (TensorScope s = new TensorScope()) {
                Shape ys = c.p.checkForward("test", Shape.of(c.x), Shape.of(c.w), null);
                double[] x = randn(1, numel(c.x)), w = randn(2, numel(c.w)), b = c.bias ? randn(3, c.w[0]) : null;
                double[] expected = Backends.cpu().conv3d(Tensor.of(DType.FLOAT64, x, c.x), Tensor.of(DType.FLOAT64, w, c.w),
                        b == null ? null : Tensor.of(DType.FLOAT64, b, c.w[0]), c.p).toDoubleArray();
                ConvGeometry g = ConvGeometry.of(Shape.of(c.x), Shape.of(c.w), ys, c.p);
                float[] y = ConvPathTestData.outputWithBias(b, ys.numel(), g.outPlane(), c.w[0]);
                float beta = b != null ? 1f : 0f;
                Conv3dRowForward.run(g, MemorySegment.ofArray(toFloat(x)), 0, MemorySegment.ofArray(toFloat(w)), 0,
                        MemorySegment.ofArray(y), beta);
                // float32 sums of k = cg*kvol products: rounding grows with k
                double tol = 2e-7 * g.k();
                for (int i = 0; i < y.length; i++) {
                    assertEquals(expected[i], y[i], tol * (1 + Math.abs(expected[i])), c.name + " at " + i);
                }
            }
        }
    }

    @Test
    void weightGradientMatchesDirectLoops() {
        for (Case c : CASES) {
            if (c.p.stride()[0] != 1) continue;
            try (TensorScope s = new TensorScope()) {
                Shape ys = c.p.checkForward("test", Shape.of(c.x), Shape.of(c.w), null);
                double[] x = randn(7, numel(c.x)), gy = randn(8, (int) ys.numel()), start = randn(9, numel(c.w));
                double[] expected = Backends.cpu().conv3dBackwardWeight(Tensor.of(DType.FLOAT64, gy, ys.dims()),
                        Tensor.of(DType.FLOAT64, x, c.x), Shape.of(c.w), c.p).toDoubleArray();
                ConvGeometry g = ConvGeometry.of(Shape.of(c.x), Shape.of(c.w), ys, c.p);
                float[] gw = toFloat(start);
                Conv3dRowWeightGrad.run(g, MemorySegment.ofArray(toFloat(gy)), 0, MemorySegment.ofArray(toFloat(x)), 0,
                        MemorySegment.ofArray(gw));
                double tol = Math.max(1e-4, 2e-7 * g.n() * g.outPlane());
                for (int i = 0; i < gw.length; i++) {
                    double want = expected[i] + (float) start[i];
                    assertEquals(want, gw[i], tol * (1 + Math.abs(want)), c.name + " gradW at " + i);
                }
            }
        }
    }

    /** The backend picks the row path for a deep small layer, in all three passes, and agrees with the other paths. */
    @Test
    void backendUsesItForDeepSmallLayers() {
        Shape xs = Shape.of(1, 32, 6, 6, 6), wsh = Shape.of(32, 32, 3, 3, 3);
        Conv3dParams p = Conv3dParams.of(1, 1);
        ConvGeometry deep = ConvGeometry.of(xs, wsh, xs.withDim(1, 32), p);
        assertTrue(Conv3dRowForward.applies(deep) || !Conv3dRowForward.MODE.equals("auto"), "32 channels at 6^3 take the row path");
        assertTrue(Conv3dRowWeightGrad.applies(deep) || !Conv3dRowForward.MODE.equals("auto"));
        ConvGeometry shallow = ConvGeometry.of(Shape.of(1, 4, 8, 64, 64), Shape.of(8, 4, 3, 3, 3), Shape.of(1, 8, 8, 64, 64), p);
        assertFalse(Conv3dRowForward.applies(shallow) && Conv3dRowForward.MODE.equals("auto"), "few channels, large planes: slab path");
        ConvGeometry strided = ConvGeometry.of(Shape.of(1, 32, 8, 8, 8), wsh, Shape.of(1, 32, 4, 4, 4), Conv3dParams.of(2, 1));
        assertFalse(Conv3dRowWeightGrad.applies(strided), "the weight gradient runs only at stride 1");
        assertThrows(IllegalArgumentException.class, () -> Conv3dRowWeightGrad.run(strided, null, 0, null, 0, null));

        double[] x = randn(4, (int) xs.numel()), w = randn(5, (int) wsh.numel()), gy = randn(6, (int) xs.numel());
        float[] viaRow = new float[(int) xs.numel()], viaPacked = new float[viaRow.length];
        Conv3dRowForward.run(deep, MemorySegment.ofArray(toFloat(x)), 0, MemorySegment.ofArray(toFloat(w)), 0,
                MemorySegment.ofArray(viaRow), 0f);
        Conv3dPackedForward.run(deep, MemorySegment.ofArray(toFloat(x)), 0, MemorySegment.ofArray(toFloat(w)), 0,
                MemorySegment.ofArray(viaPacked), 0f, 1 << 20);
        for (int i = 0; i < viaRow.length; i++) assertEquals(viaPacked[i], viaRow[i], 1e-4f * (1 + Math.abs(viaPacked[i])));
        if (!Conv3dRowForward.MODE.equals("auto")) return;
        try (TensorScope s = new TensorScope()) {
            Tensor xt = Tensor.of(DType.FLOAT32, x, xs.dims()), wt = Tensor.of(DType.FLOAT32, w, wsh.dims());
            assertArrayEquals(viaRow, Backends.cpu().conv3d(xt, wt, null, p).toFloatArray(), "forward takes the row path, bit for bit");
            float[] gw = new float[(int) wsh.numel()];
            Conv3dRowWeightGrad.run(deep, MemorySegment.ofArray(toFloat(gy)), 0, MemorySegment.ofArray(toFloat(x)), 0,
                    MemorySegment.ofArray(gw));
            assertArrayEquals(gw, Backends.cpu().conv3dBackwardWeight(Tensor.of(DType.FLOAT32, gy, xs.dims()), xt, wsh, p)
                    .toFloatArray(), "the weight gradient takes the row path, bit for bit");
        }
    }
}
