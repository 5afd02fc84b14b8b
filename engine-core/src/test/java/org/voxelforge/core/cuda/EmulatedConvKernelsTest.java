package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.core.cuda.EmulatorTests.floats;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.Backend;
import org.voxelforge.core.Backends;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.Conv3dTest;
import org.voxelforge.core.Conv3dTest.Case;
import org.voxelforge.core.DType;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/**
 * The implicit-GEMM conv3d kernels (conv3d.cuh) run by the host emulator through
 * {@link ConvKernels}, against the CPU backend's conv3d and its two backwards in float64 (textbook
 * direct loops) on the same float-representable inputs, on the shapes of Conv3dTest.
 *
 * <p>Tolerance: 1e-5 of the output's scale (max(1, largest |reference|)). The reference is exact
 * to ~1e-16; the kernel rounds every product and partial sum in float32, so its error is a random
 * walk of about sqrt(K) roundings of partial sums no larger than the output scale times a small
 * factor: for K up to ~1700 terms that is ~sqrt(1700) * 6e-8 = 2.5e-6 of the scale (the worst
 * seen here is below 1e-6). A wrong tap, a missed edge, a doubled tile or a lost split is an
 * error of the order of one term (~1e-1 of the scale and more), so 1e-5 separates the two.
 */
class EmulatedConvKernelsTest {
    private static final Backend CPU = Backends.cpu();
    private static final double TOL = 1e-5;
    private final SplittableRandom rnd = new SplittableRandom(37);
    private ConvKernels conv;

    /** Conv3dTest.CASES, with "several tiles" shrunk from 64 channels at 12^3 to 16 at 9^3 (emulator time). */
    static final List<Case> CASES = Conv3dTest.CASES.stream()
            .map(c -> !c.name().equals("several tiles") ? c
                    : new Case(c.name(), new int[] {1, 16, 9, 9, 9}, new int[] {4, 16, 3, 3, 3}, Conv3dParams.of(1, 1), true))
            .toList();

    @BeforeEach void emulator() { conv = new ConvKernels(EmulatorTests.emulator()); }

    private float[] uniform(long n) {
        float[] a = new float[Math.toIntExact(n)];
        for (int i = 0; i < a.length; i++) a[i] = (float) (rnd.nextDouble() * 2 - 1);
        return a;
    }

    private static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    static void assertClose(String what, double[] want, float[] got) {
        assertEquals(want.length, got.length, what + ": length");
        double scale = 1, worst = 0;
        int at = 0;
        for (double w : want) scale = Math.max(scale, Math.abs(w));
        for (int i = 0; i < want.length; i++) {
            double e = Math.abs(want[i] - got[i]);
            if (!(e <= worst)) { worst = e; at = i; }
        }
        assertTrue(worst <= TOL * scale, what + ": element " + at + " is " + got[at] + ", reference " + want[at] + " (error " + worst
                + " > " + TOL + " * " + scale + ")");
    }

    /**
     * Forward (with the case's bias and, if it has one, also without), backward data and backward
     * weight (the launcher's own split count and {@code splits}) against the float64 CPU backend.
     */
    private void check(Case c, int splits) {
        ConvKernels.Geometry geo = ConvKernels.Geometry.of("test " + c.name(), c.x(), c.w(), c.p());
        float[] x = uniform(geo.xNumel()), w = uniform(geo.wNumel()), b = uniform(c.w()[0]), dy = uniform(geo.yNumel());
        int[] yDims = {geo.n(), geo.cout(), geo.out()[0], geo.out()[1], geo.out()[2]};
        double[] yRef, yRefBias, dxRef, dwRef;
        try (TensorScope s = new TensorScope()) {
            Tensor xt = Tensor.of(DType.FLOAT64, widen(x), c.x()), wt = Tensor.of(DType.FLOAT64, widen(w), c.w());
            Tensor dyt = Tensor.of(DType.FLOAT64, widen(dy), yDims);
            yRef = CPU.conv3d(xt, wt, null, c.p()).toDoubleArray();
            yRefBias = CPU.conv3d(xt, wt, Tensor.of(DType.FLOAT64, widen(b), c.w()[0]), c.p()).toDoubleArray();
            dxRef = CPU.conv3dBackwardData(dyt, wt, Shape.of(c.x()), c.p()).toDoubleArray();
            dwRef = CPU.conv3dBackwardWeight(dyt, xt, Shape.of(c.w()), c.p()).toDoubleArray();
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment px = floats(a, x), pw = floats(a, w), pb = floats(a, b), pdy = floats(a, dy);
            MemorySegment py = a.allocate(4 * geo.yNumel()), pdx = a.allocate(4 * geo.xNumel()), pdw = a.allocate(4 * geo.wNumel());
            String tag = c.name() + " (" + geo + ")";
            if (c.bias()) {
                conv.forward(geo, px.address(), pw.address(), pb.address(), py.address(), 0);
                assertClose(tag + " forward with bias", yRefBias, floats(py));
            }
            conv.forward(geo, px.address(), pw.address(), 0, py.address(), 0);
            assertClose(tag + " forward", yRef, floats(py));
            pdx.fill((byte) 0x7f); // every element must be written
            conv.backwardData(geo, pdy.address(), pw.address(), pdx.address(), 0);
            assertClose(tag + " backward data", dxRef, floats(pdx));
            MemorySegment scratch = a.allocate(4 * conv.backwardWeightScratch(geo));
            conv.backwardWeight(geo, pdy.address(), px.address(), pdw.address(), scratch.address(), 0);
            assertClose(tag + " backward weight", dwRef, floats(pdw));
            if (splits > 1) {
                int used = ConvKernels.effectiveSplits(geo, splits);
                assertTrue(used > 1, tag + ": " + splits + " splits asked, " + used + " used");
                MemorySegment more = a.allocate(4 * used * geo.wNumel());
                pdw.fill((byte) 0x7f);
                conv.backwardWeight(geo, pdy.address(), px.address(), pdw.address(), more.address(), splits, 0);
                assertClose(tag + " backward weight in " + used + " splits", dwRef, floats(pdw));
            }
        }
    }

    @Test void everyConv3dTestCaseMatchesTheCpuBackend() {
        for (Case c : CASES) check(c, 3);
    }

    /**
     * More than one tile in every GEMM dimension, with partial edge tiles: forward M = 66 output
     * channels (2 row tiles), N = 6*7*6 = 252 voxels (4 column tiles), K = 65*8 = 520 (65 steps of
     * 8, the last partial); backward data M = 65 input channels, N = 150 voxels, K = 66*8; backward
     * weight M = 66, N = 65*8 = 520 columns (9 tiles), K = 2*252 = 504 cut into 5 splits.
     */
    @Test void shapesLargerThanOneTileInEveryDimension() {
        check(new Case("several tiles everywhere", new int[] {2, 65, 5, 6, 5}, new int[] {66, 65, 2, 2, 2}, Conv3dParams.of(1, 1), true), 5);
    }

    @Test void refusesNullPointersAndMismatchedShapes() {
        ConvKernels.Geometry geo = ConvKernels.Geometry.of("test", new int[] {1, 4, 5, 5, 5}, new int[] {6, 2, 3, 3, 3},
                Conv3dParams.of(1, 1).withGroups(2));
        var e = assertThrows(IllegalArgumentException.class, () -> conv.forward(geo, 8, 0, 0, 8, 0));
        assertTrue(e.getMessage().contains("vf_conv3d_fwd_f32") && e.getMessage().contains("w is a null")
                && e.getMessage().contains("x [1, 4, 5, 5, 5], w [6, 2, 3, 3, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> conv.backwardData(geo, 8, 8, 0, 0));
        assertTrue(e.getMessage().contains("vf_conv3d_bwd_data_f32") && e.getMessage().contains("dx is a null")
                && e.getMessage().contains("groups=2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> conv.backwardWeight(geo, 8, 8, 8, 0, 0));
        assertTrue(e.getMessage().contains("backward weight") && e.getMessage().contains("scratch is a null"), e.getMessage());
        // weight with 3 input channels per group against 4 channels in 2 groups
        e = assertThrows(IllegalArgumentException.class, () -> ConvKernels.Geometry.of("conv3d implicit gemm",
                new int[] {1, 4, 5, 5, 5}, new int[] {6, 3, 3, 3, 3}, Conv3dParams.of(1, 1).withGroups(2)));
        assertTrue(e.getMessage().contains("conv3d implicit gemm") && e.getMessage().contains("[6, 3, 3, 3, 3]")
                && e.getMessage().contains("[1, 4, 5, 5, 5]"), e.getMessage());
        // a kernel larger than the padded input
        e = assertThrows(IllegalArgumentException.class, () -> ConvKernels.Geometry.of("conv3d implicit gemm",
                new int[] {1, 2, 2, 5, 5}, new int[] {3, 2, 3, 3, 3}, Conv3dParams.DEFAULT));
        assertTrue(e.getMessage().contains("conv3d implicit gemm") && e.getMessage().contains("[2, 5, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvKernels.Geometry.of("conv3d implicit gemm",
                new int[] {1, 2, 5, 5}, new int[] {3, 2, 3, 3, 3}, Conv3dParams.DEFAULT));
        assertTrue(e.getMessage().contains("rank 5"), e.getMessage());
    }
}
