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
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.Backends;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/**
 * The implicit-GEMM forward ({@link Conv3dSlabForward}) against the float64 direct loops, on shapes
 * that reach every edge of it: partial weight panels, K not a multiple of the chunk depth, panels
 * that run over row padding, several slabs with a short last one, groups, dilation, bias.
 */
class Conv3dSlabForwardTest {
    record Case(String name, int[] x, int[] w, Conv3dParams p, boolean bias, int slabFloats) {}

    static final List<Case> CASES = List.of(
            new Case("3x3x3 pad 1, 12 out channels", new int[] {2, 5, 4, 6, 37}, new int[] {12, 5, 3, 3, 3}, Conv3dParams.of(1, 1), false, 1 << 20),
            new Case("several slabs, short last", new int[] {1, 3, 20, 5, 33}, new int[] {9, 3, 3, 3, 3}, Conv3dParams.of(1, 1), true, 1 << 20),
            new Case("one plane per slab", new int[] {1, 3, 5, 5, 33}, new int[] {9, 3, 3, 3, 3}, Conv3dParams.of(1, 1), false, 3 * 7 * 35 * 3),
            new Case("no padding, 1x3x5", new int[] {1, 4, 3, 6, 40}, new int[] {3, 4, 1, 3, 5}, Conv3dParams.of(1, 0), false, 1 << 20),
            new Case("dilation 2, anisotropic padding", new int[] {1, 2, 7, 8, 35},
                    new int[] {5, 2, 3, 3, 3}, Conv3dParams.of(1, 1).withDilation(2, 1, 2).withPadding(2, 1, 2), true, 1 << 20),
            new Case("groups 2", new int[] {2, 6, 4, 4, 34}, new int[] {10, 3, 3, 3, 3}, Conv3dParams.of(1, 1).withGroups(2), true, 1 << 20),
            new Case("one plane, small", new int[] {1, 1, 1, 3, 5}, new int[] {2, 1, 1, 3, 3}, Conv3dParams.of(1, 1).withPadding(0, 1, 1), false, 1 << 20));

    @Test
    void matchesDirectLoopsOnEveryEdge() {
        for (Case c : CASES) {
            try (TensorScope s = new TensorScope()) {
                Shape ys = c.p.checkForward("test", Shape.of(c.x), Shape.of(c.w), null);
                double[] x = randn(1, numel(c.x)), w = randn(2, numel(c.w)), b = c.bias ? randn(3, c.w[0]) : null;
                Tensor ref = Backends.cpu().conv3d(Tensor.of(DType.FLOAT64, x, c.x), Tensor.of(DType.FLOAT64, w, c.w),
                        b == null ? null : Tensor.of(DType.FLOAT64, b, c.w[0]), c.p);
                ConvGeometry g = ConvGeometry.of(Shape.of(c.x), Shape.of(c.w), ys, c.p);
                float[] y = ConvPathTestData.outputWithBias(b, ys.numel(), g.outPlane(), c.w[0]);
                float beta = b != null ? 1f : 0f;
                Conv3dSlabForward.run(g, MemorySegment.ofArray(toFloat(x)), 0, MemorySegment.ofArray(toFloat(w)), 0,
                        MemorySegment.ofArray(y), beta, c.slabFloats);
                double[] expected = ref.toDoubleArray();
                for (int i = 0; i < y.length; i++) {
                    assertEquals(expected[i], y[i], 1e-5 * (1 + Math.abs(expected[i])), c.name + " at " + i);
                }
            }
        }
    }

    /** The weight gradient over the slab against the float64 direct loops, on the same shapes, onto a nonzero gw. */
    @Test
    void weightGradientMatchesDirectLoops() {
        for (Case c : CASES) {
            try (TensorScope s = new TensorScope()) {
                Shape ys = c.p.checkForward("test", Shape.of(c.x), Shape.of(c.w), null);
                double[] x = randn(7, numel(c.x)), gy = randn(8, (int) ys.numel()), start = randn(9, numel(c.w));
                double[] expected = Backends.cpu().conv3dBackwardWeight(Tensor.of(DType.FLOAT64, gy, ys.dims()),
                        Tensor.of(DType.FLOAT64, x, c.x), Shape.of(c.w), c.p).toDoubleArray();
                ConvGeometry g = ConvGeometry.of(Shape.of(c.x), Shape.of(c.w), ys, c.p);
                float[] gw = toFloat(start);
                Conv3dSlabWeightGrad.run(g, MemorySegment.ofArray(toFloat(gy)), 0, MemorySegment.ofArray(toFloat(x)), 0,
                        MemorySegment.ofArray(gw), c.slabFloats);
                for (int i = 0; i < gw.length; i++) {
                    double want = expected[i] + (float) start[i];
                    assertEquals(want, gw[i], 1e-4 * (1 + Math.abs(want)), c.name + " gradW at " + i);
                }
            }
        }
    }

    @Test
    void backendUsesItWhereItAppliesAndAgreesWithThePackedPath() {
        ConvGeometry wide = ConvGeometry.of(Shape.of(1, 2, 4, 6, 40), Shape.of(8, 2, 3, 3, 3), Shape.of(1, 8, 4, 6, 40), Conv3dParams.of(1, 1));
        int nr = SgemmKernels.BEST.nr();
        assertTrue(Conv3dSlabForward.applies(wide, nr), "40 wide rows waste little");
        ConvGeometry strided = ConvGeometry.of(Shape.of(1, 2, 8, 8, 64), Shape.of(8, 2, 3, 3, 3), Shape.of(1, 8, 4, 4, 32), Conv3dParams.of(2, 1));
        assertFalse(Conv3dSlabForward.applies(strided, nr), "stride 2 is not an implicit GEMM over the slab");
        assertThrows(IllegalArgumentException.class, () -> Conv3dSlabForward.run(strided, null, 0, null, 0, null, 0f, 1 << 20));

        double[] x = randn(4, 2 * 4 * 6 * 40), w = randn(5, 8 * 2 * 27);
        float[] viaSlab = new float[8 * 4 * 6 * 40], viaPacked = new float[viaSlab.length];
        Conv3dSlabForward.run(wide, MemorySegment.ofArray(toFloat(x)), 0, MemorySegment.ofArray(toFloat(w)), 0,
                MemorySegment.ofArray(viaSlab), 0f, 1 << 20);
        Conv3dPackedForward.run(wide, MemorySegment.ofArray(toFloat(x)), 0, MemorySegment.ofArray(toFloat(w)), 0,
                MemorySegment.ofArray(viaPacked), 0f, 1 << 20);
        for (int i = 0; i < viaSlab.length; i++) assertEquals(viaPacked[i], viaSlab[i], 1e-5f * (1 + Math.abs(viaPacked[i])));
        try (TensorScope s = new TensorScope()) {
            float[] viaBackend = Backends.cpu().conv3d(Tensor.of(DType.FLOAT32, x, 1, 2, 4, 6, 40), Tensor.of(DType.FLOAT32, w, 8, 2, 3, 3, 3),
                    null, Conv3dParams.of(1, 1)).toFloatArray();
            assertArrayEquals(viaSlab, viaBackend, "the backend takes the slab path, bit for bit");
        }
    }

    /** The vector kernels' slab steps (gather, accumulate, A read in place) equal the interface's plain references bit for bit. */
    @Test
    void vectorSlabStepsEqualTheReference() {
        SgemmMicroKernel best = SgemmKernels.BEST;
        SgemmMicroKernel reference = new SgemmMicroKernel() {
            @Override public int mr() { return best.mr(); }
            @Override public int nr() { return best.nr(); }
            @Override public void multiply(int kc, float[] ap, int aIdx, float[] bp, int bIdx, float[] tile) { throw new AssertionError(); }
            @Override public void store(float[] t, int r, int c, float al, float be, MemorySegment m, long o, long l) { throw new AssertionError(); }
            @Override public String describe() { return "reference"; }
        };
        int mr = best.mr(), nr = best.nr(), kc = 37, ld = 3 * nr;
        SplittableRandom rnd = new SplittableRandom(6);
        float[] ap = new float[mr * kc + 5], x = new float[4096];
        for (int i = 0; i < ap.length; i++) ap[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        int[] rows = new int[kc + 2];
        for (int i = 0; i < rows.length; i++) rows[i] = rnd.nextInt(x.length - 2 * nr - 40);
        float[] a1 = new float[mr * ld + 8];
        for (int i = 0; i < a1.length; i++) a1[i] = (float) rnd.nextGaussian();
        float[] a2 = a1.clone();
        float[] g1 = new float[kc * nr + 3], g2 = new float[g1.length];
        best.gatherRows(kc, x, rows, 2, 17, g1, 3);
        reference.gatherRows(kc, x, rows, 2, 17, g2, 3);
        assertArrayEquals(g2, g1, best.describe() + " gatherRows");
        best.multiplyAdd(kc, ap, 5, g1, 3, a1, 8, ld);
        reference.multiplyAdd(kc, ap, 5, g2, 3, a2, 8, ld);
        assertArrayEquals(a2, a1, best.describe() + " multiplyAdd");
        int[] aRows = new int[mr + 1];
        for (int i = 0; i < aRows.length; i++) aRows[i] = rnd.nextInt(x.length - kc - 40);
        best.multiplyAddRowsA(kc, x, aRows, 1, 11, g1, 3, a1, 8, ld);
        reference.multiplyAddRowsA(kc, x, aRows, 1, 11, g2, 3, a2, 8, ld);
        assertArrayEquals(a2, a1, best.describe() + " multiplyAddRowsA");
    }
}
