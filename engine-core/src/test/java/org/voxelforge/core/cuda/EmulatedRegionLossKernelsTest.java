package org.voxelforge.core.cuda;

import static org.voxelforge.core.cuda.EmulatorTests.addr;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.core.cuda.EmulatorTests.floats;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.fused.DiceCe;
import org.voxelforge.core.fused.RegionLoss;
import org.voxelforge.core.fused.RegionLoss.Boundary;
import org.voxelforge.core.fused.RegionLoss.Classification;
import org.voxelforge.core.fused.RegionLoss.Overlap;
import org.voxelforge.core.fused.RegionLoss.Terms;
import org.voxelforge.core.fused.RegionLossTwin;

/**
 * The region-loss kernels of dice_ce.cuh (vf_region_*: focal classification sums, boundary sums
 * p phi, the backward with the focal weight and coefB phi) run by the host emulator through
 * {@link FusedKernels}, against their CPU twin {@link RegionLossTwin}, on random inputs.
 *
 * <p>Tolerances as in EmulatedFusedKernelsTest: the statistics are float sums over the same chunks
 * in another order inside a chunk (shuffle tree against in-order), 1e-5 relative each (the boundary
 * sums mix signs, so 1e-5 of max(1, |sum p| of the class) there); the loss 1e-5 relative; the
 * backward from the same coefficients differs only by glibc's expf/logf/powf against Math.exp/log/pow,
 * so 1e-5 of the largest dlogit (no floor: the dlogits here are ~1e-3).
 */
class EmulatedRegionLossKernelsTest {
    private final SplittableRandom rnd = new SplittableRandom(41);
    private FusedKernels fused;

    @BeforeEach void emulator() { fused = new FusedKernels(EmulatorTests.emulator()); }

    /** Every element within tol of the largest |want| (the gradients here are ~1e-3, so no floor of 1). */
    private static void assertClose(String what, float[] want, float[] got, double tol) {
        double scale = 0;
        for (float w : want) scale = Math.max(scale, Math.abs(w));
        assertTrue(scale > 0, what + ": a zero gradient tests nothing");
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol * scale, what + ": element " + i);
        }
    }

    private EmulatorTests.LossCase randomCase(int n, int c, int s, boolean withMask, boolean withDist) {
        return EmulatorTests.lossCase(rnd, n, c, s, withMask, withDist, -3);
    }

    private void check(String what, Terms t, int n, int c, int s, boolean withMask, double backwardTol) {
        EmulatorTests.LossCase k = randomCase(n, c, s, withMask, t.boundary() != null);
        DiceCe.Geometry geo = k.geo();
        double[] stats = RegionLossTwin.statistics(geo, k.logits(), k.labels(), k.mask(), t, k.dist());
        RegionLoss.Result r = RegionLoss.finish("test", geo, stats, t, 0.7);
        float[] dlogits = new float[k.logits().length];
        RegionLossTwin.backward(geo, k.logits(), k.labels(), k.mask(), k.dist(), t, r, dlogits);
        Classification cl = t.classification();
        boolean focal = cl != null && cl.focal();
        float[] alpha = null;
        if (focal && cl.alpha() != null) {
            alpha = new float[c];
            for (int j = 0; j < c; j++) alpha[j] = (float) cl.alpha()[j];
        }
        float gamma = focal ? (float) cl.gamma() : 0f;
        String tag = what + " N=" + n + " C=" + c + " S=" + s + (withMask ? " masked" : "");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dZ = floats(a, k.logits()), dL = a.allocateFrom(ValueLayout.JAVA_INT, k.labels());
            long dM = withMask ? addr(floats(a, k.mask())) : 0, dD = k.dist() == null ? 0 : addr(floats(a, k.dist()));
            long dA = alpha == null ? 0 : addr(floats(a, alpha));
            MemorySegment dStats = a.allocate(8L * t.statsLength(geo)), scratch = a.allocate(4 * FusedKernels.regionScratch(geo));
            fused.regionStatistics(geo, addr(dZ), addr(dL), dM, dA, gamma, focal, dD, addr(dStats), addr(scratch), 0);
            double[] got = dStats.toArray(ValueLayout.JAVA_DOUBLE);
            int bAt = geo.statsLength();
            for (int i = 0; i < stats.length; i++) {
                double scale = i < bAt ? Math.abs(stats[i]) : Math.abs(stats[(i - bAt) * 4 + 1]); // boundary: by sum p of its (n, c)
                assertEquals(stats[i], got[i], 1e-5 * Math.max(1, scale), tag + ": statistic " + i);
            }
            RegionLoss.Result rg = RegionLoss.finish("test", geo, got, t, 0.7);
            assertEquals(r.loss(), rg.loss(), 1e-5 * (1 + Math.abs(r.loss())), tag + ": loss");
            MemorySegment cI = floats(a, r.coefI()), cP = floats(a, r.coefP()), out = a.allocate(4L * k.logits().length);
            long cB = r.coefB() == null ? 0 : addr(floats(a, r.coefB()));
            fused.regionBackward(geo, addr(dZ), addr(dL), dM, dA, gamma, focal, dD, addr(cI), addr(cP), cB, r.clsScale(), t.squared(),
                    addr(out), 0);
            assertClose(tag + ": dlogits", dlogits, floats(out), backwardTol);
        }
    }

    private static Overlap mistDice(double w) { return Overlap.dice(true, false, true, 1e-6, w); }

    @Test void focalWithAndWithoutAlphaMatchesTheTwin() {
        check("focal gamma 2", new Terms(null, new Classification(2, null, 1), null), 2, 3, 300, true, 1e-5);
        check("focal gamma 0.5, alpha", new Terms(null, new Classification(0.5, new double[] {0.2, 1, 3}, 1), null), 2, 3, 300, false, 1e-5);
        check("dice + focal", new Terms(Overlap.dice(false, true, false, 1e-5, 1), new Classification(2, new double[] {1, 2, 2, 0.5}, 1), null),
                2, 4, 300, true, 1e-5);
    }

    @Test void boundaryAndTverskyMatchTheTwin() {
        check("dice_ce + boundary (bl)", new Terms(mistDice(0.25), Classification.crossEntropy(0.25), new Boundary(0.5)), 2, 3, 300, true, 1e-5);
        check("boundary alone", new Terms(null, null, new Boundary(1)), 1, 2, 300, false, 1e-5);
        check("tversky + focal + boundary", new Terms(Overlap.tversky(0.3, 0.7, false, false, 1e-5, 1), new Classification(1, null, 1),
                new Boundary(0.3)), 2, 3, 300, true, 1e-5);
    }

    @Test void twoClassTilesAndSeveralChunks() {
        // C = 10: two tiles of 8 classes (the boundary slots of the second tile); S = 2100: two chunks
        double[] alpha = new double[10];
        for (int j = 0; j < 10; j++) alpha[j] = 0.5 + 0.1 * j;
        check("C=10 dice + focal + boundary", new Terms(mistDice(1), new Classification(2, alpha, 0.5), new Boundary(0.5)),
                1, 10, 2100, true, 1e-5);
    }

    /** Without focal and boundary the region kernels are the Dice + CE kernels: bit for bit the same statistics and gradient. */
    @Test void withoutExtrasTheRegionKernelsEqualTheDiceCeKernels() {
        EmulatorTests.LossCase k = randomCase(2, 3, 2100, true, false);
        DiceCe.Geometry geo = k.geo();
        DiceCe.Options o = DiceCe.Options.mist();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dZ = floats(a, k.logits()), dL = a.allocateFrom(ValueLayout.JAVA_INT, k.labels()), dM = floats(a, k.mask());
            MemorySegment s1 = a.allocate(8L * geo.statsLength()), s2 = a.allocate(8L * geo.statsLength());
            fused.diceCeStatistics(geo, addr(dZ), addr(dL), addr(dM), addr(s1), addr(a.allocate(4 * FusedKernels.diceCeScratch(geo))), 0);
            fused.regionStatistics(geo, addr(dZ), addr(dL), addr(dM), 0, 0f, false, 0, addr(s2),
                    addr(a.allocate(4 * FusedKernels.regionScratch(geo))), 0);
            double[] st = s1.toArray(ValueLayout.JAVA_DOUBLE);
            assertArrayEquals(st, s2.toArray(ValueLayout.JAVA_DOUBLE));
            assertArrayEquals(st, DiceCe.statistics(geo, k.logits(), k.labels(), k.mask()), 1e-5 * geo.spatial());
            DiceCe.Result r = DiceCe.finish(geo, st, o, 1.0);
            MemorySegment cI = floats(a, r.coefI()), cP = floats(a, r.coefP());
            MemorySegment d1 = a.allocate(4L * k.logits().length), d2 = a.allocate(4L * k.logits().length);
            fused.diceCeBackward(geo, addr(dZ), addr(dL), addr(dM), addr(cI), addr(cP), r.ceScale(), true, addr(d1), 0);
            fused.regionBackward(geo, addr(dZ), addr(dL), addr(dM), 0, 0f, false, 0, addr(cI), addr(cP), 0, r.ceScale(), true, addr(d2), 0);
            assertArrayEquals(floats(d1), floats(d2));
        }
    }

    @Test void theRegionLaunchersNameTheKernelAndTheMissingOperand() {
        DiceCe.Geometry geo = new DiceCe.Geometry(1, 2, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fused.regionBackward(geo, 8, 8, 0, 0, 0f, false, 8, 8, 8, 0, 1f, false, 8, 0));
        assertTrue(e.getMessage().contains("vf_region_backward_f32") && e.getMessage().contains("coefB"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> fused.regionStatistics(geo, 8, 8, 0, 0, -1f, true, 0, 8, 8, 0));
        assertTrue(e.getMessage().contains("[1, 2, 4]") && e.getMessage().contains("gamma"), e.getMessage());
    }
}
