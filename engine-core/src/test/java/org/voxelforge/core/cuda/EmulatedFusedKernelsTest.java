package org.voxelforge.core.cuda;

import static org.voxelforge.core.cuda.EmulatorTests.addr;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.core.cuda.EmulatorTests.floats;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.fused.DiceCe;
import org.voxelforge.core.fused.FusedOptimizer;
import org.voxelforge.core.fused.GroupNormAct;

/**
 * The fused kernels (groupnorm.cuh, dice_ce.cuh, optim.cuh) run by the host emulator through
 * {@link FusedKernels}, against their CPU twins in org.voxelforge.core.fused, on random inputs.
 *
 * <p>Tolerances. The kernels and twins cut every reduction into the same chunks and combine the
 * chunks in double; inside a chunk the kernel sums per thread, then by a shuffle tree, where the
 * twin sums in order, so float sums of up to 2048 terms differ by O(sqrt(2048)) ulps of the sum
 * (typically ~3e-6 relative, bounded by 2048 * 6e-8 = 1.2e-4). Hence: statistics-derived outputs
 * (y, dx) 2e-5 of their largest magnitude, the parameter gradients (sums of thousands of terms)
 * 1e-4, the Dice/CE statistics 1e-5 relative each. Elementwise passes that share no reduction
 * with the twin (Dice backward from the same coefficients) differ only by expf (glibc) against
 * Math.exp, so 1e-6. The optimizers compute in double, the same expressions in the same order
 * (g++ does not contract a*b+c), so parameters and states must agree to 1e-6 relative (in
 * practice bit for bit), the norm to 1e-12.
 */
class EmulatedFusedKernelsTest {
    private final SplittableRandom rnd = new SplittableRandom(29);
    private FusedKernels fused;

    @BeforeEach void emulator() { fused = new FusedKernels(EmulatorTests.emulator()); }

    private float[] uniform(int n, double lo, double hi) { return EmulatorTests.uniform(rnd, n, lo, hi); }

    static void assertClose(String what, float[] want, float[] got, double tol) {
        assertEquals(want.length, got.length, what + ": length");
        double scale = 1, worst = 0;
        int at = 0;
        for (float w : want) scale = Math.max(scale, Math.abs(w));
        for (int i = 0; i < want.length; i++) {
            double e = Math.abs((double) want[i] - got[i]);
            if (!(e <= worst)) { worst = e; at = i; }
        }
        assertTrue(worst <= tol * scale, what + ": element " + at + " is " + got[at] + ", twin " + want[at] + " (error " + worst
                + " > " + tol + " * " + scale + ")");
    }

    private void groupNorm(int n, int c, int g, int s, double offset, float slope) {
        groupNormVsTwin(fused, rnd, GroupNormAct.Layout.NCDHW, n, c, g, s, offset, slope, new double[] {1e-6, 2e-5, 2e-5, 2e-5, 1e-4, 1e-4});
    }

    /**
     * The group-norm kernels in {@code layout} against the twin in that layout on random inputs (x
     * uniform about {@code offset}); bounds for mean, rstd, y, dx, dgamma, dbeta as in assertClose.
     */
    static void groupNormVsTwin(FusedKernels fused, java.util.SplittableRandom rnd, GroupNormAct.Layout layout, int n, int c, int g, int s,
                                double offset, float slope, double[] bounds) {
        GroupNormAct.Geometry geo = new GroupNormAct.Geometry(n, c, g, s);
        float[] x = EmulatorTests.uniform(rnd, (int) geo.numel(), offset - 1, offset + 2), dy = EmulatorTests.uniform(rnd, x.length, -1, 1);
        float[] gamma = EmulatorTests.uniform(rnd, c, 0.5, 1.5), beta = EmulatorTests.uniform(rnd, c, -0.5, 0.5);
        float[] y = new float[x.length], dx = new float[x.length];
        GroupNormAct.Saved saved = GroupNormAct.forward(geo, layout, x, gamma, beta, slope, 1e-5, y);
        GroupNormAct.ParamGrads pg = GroupNormAct.backward(geo, layout, x, dy, gamma, beta, saved, slope, dx);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dX = floats(a, x), dDy = floats(a, dy), dG = floats(a, gamma), dB = floats(a, beta);
            MemorySegment dY = a.allocate(4L * x.length), dDx = a.allocate(4L * x.length);
            MemorySegment mean = a.allocate(4L * n * g), rstd = a.allocate(4L * n * g);
            MemorySegment dGam = a.allocate(4L * c), dBet = a.allocate(4L * c);
            MemorySegment scratchF = a.allocate(4 * FusedKernels.groupNormForwardScratch(geo, layout));
            MemorySegment scratchB = a.allocate(4 * FusedKernels.groupNormBackwardScratch(geo, layout));
            fused.groupNormForward(geo, layout, addr(dX), addr(dG), addr(dB), slope, 1e-5, addr(dY), addr(mean), addr(rstd),
                    addr(scratchF), 0);
            fused.groupNormBackward(geo, layout, addr(dX), addr(dDy), addr(dG), addr(dB), addr(mean), addr(rstd), slope,
                    addr(dDx), addr(dGam), addr(dBet), addr(scratchB), 0);
            String tag = layout + " N=" + n + " C=" + c + " G=" + g + " S=" + s + " offset " + offset + " slope " + slope;
            assertClose(tag + ": mean", saved.mean(), floats(mean), bounds[0]);
            assertClose(tag + ": rstd", saved.rstd(), floats(rstd), bounds[1]);
            assertClose(tag + ": y", y, floats(dY), bounds[2]);
            assertClose(tag + ": dx", dx, floats(dDx), bounds[3]);
            assertClose(tag + ": dgamma", pg.dgamma(), floats(dGam), bounds[4]);
            assertClose(tag + ": dbeta", pg.dbeta(), floats(dBet), bounds[5]);
        }
    }

    @Test void groupNormForwardAndBackwardMatchTheTwin() {
        groupNorm(2, 6, 3, 60, 0, 0.01f);
        groupNorm(1, 4, 4, 2500, 0, 1f);      // instance norm, 2 chunks per row, no activation
        groupNorm(1, 2, 1, 2100, 500, 0.1f);  // 3 chunks per group, large mean
    }

    private void diceCe(DiceCe.Options o, int n, int c, int s, boolean withMask) {
        EmulatorTests.LossCase k = EmulatorTests.lossCase(rnd, n, c, s, withMask, false, -7);
        DiceCe.Geometry geo = k.geo();
        float[] logits = k.logits(), mask = k.mask();
        int[] labels = k.labels();
        double[] stats = DiceCe.statistics(geo, logits, labels, mask);
        DiceCe.Result r = DiceCe.finish(geo, stats, o, 1.0);
        float[] dlogits = new float[logits.length];
        DiceCe.backward(geo, logits, labels, mask, r, o.squared(), dlogits);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dZ = floats(a, logits), dL = a.allocateFrom(ValueLayout.JAVA_INT, labels);
            long dM = withMask ? addr(floats(a, mask)) : 0;
            MemorySegment dStats = a.allocate(8L * geo.statsLength()), scratch = a.allocate(4 * FusedKernels.diceCeScratch(geo));
            fused.diceCeStatistics(geo, addr(dZ), addr(dL), dM, addr(dStats), addr(scratch), 0);
            double[] got = dStats.toArray(ValueLayout.JAVA_DOUBLE);
            String tag = o + " N=" + n + " C=" + c + " S=" + s + (withMask ? " masked" : "");
            for (int i = 0; i < stats.length; i++) {
                assertEquals(stats[i], got[i], 1e-5 * Math.max(1, Math.abs(stats[i])), tag + ": statistic " + i);
            }
            DiceCe.Result rg = DiceCe.finish(geo, got, o, 1.0);
            assertEquals(r.loss(), rg.loss(), 1e-5 * Math.abs(r.loss()), tag + ": loss");
            MemorySegment cI = floats(a, r.coefI()), cP = floats(a, r.coefP()), dD = a.allocate(4L * logits.length);
            fused.diceCeBackward(geo, addr(dZ), addr(dL), dM, addr(cI), addr(cP), r.ceScale(), o.squared(), addr(dD), 0);
            assertClose(tag + ": dlogits", dlogits, floats(dD), 1e-6);
        }
    }

    @Test void diceCeStatisticsAndBackwardMatchTheTwin() {
        diceCe(DiceCe.Options.mist(), 2, 3, 300, true);
        diceCe(DiceCe.Options.nnUNet(), 2, 4, 300, false);
        diceCe(new DiceCe.Options(true, false, true, 1e-5, 1, 1), 1, 10, 2100, true); // 2 class tiles, 2 chunks
    }

    /** Rows of over 64 chunks (Chunking.MAX_CHUNKS was 64): the partials and finalize loops take every chunk, in both layouts. */
    @Test void rowsOfManyChunksMatchTheTwin() {
        groupNorm(1, 1, 1, 150_000, 3, 0.01f); // one row of 74 chunks
        groupNormVsTwin(fused, rnd, GroupNormAct.Layout.NDHWC, 1, 2, 1, 140_000, 0, 0.01f,
                new double[] {1e-6, 2e-5, 2e-5, 2e-5, 1e-4, 1e-4}); // 137 voxel chunks of all channels
        diceCe(DiceCe.Options.mist(), 1, 2, 140_000, true); // 69 chunks
    }

    /** Native copies of the twin's blocks and the table of rows {param, grad, state0, state1, numel}. */
    private record Device(MemorySegment table, List<MemorySegment[]> arrays) {
        static Device of(Arena a, List<FusedOptimizer.Block> blocks) {
            MemorySegment table = a.allocate(8L * FusedKernels.OPT_ROW * blocks.size());
            List<MemorySegment[]> arrays = new ArrayList<>();
            for (int p = 0; p < blocks.size(); p++) {
                FusedOptimizer.Block b = blocks.get(p);
                MemorySegment[] s = {floats(a, b.param()), floats(a, b.grad()),
                        b.state0() == null ? MemorySegment.NULL : floats(a, b.state0()),
                        b.state1() == null ? MemorySegment.NULL : floats(a, b.state1())};
                for (int k = 0; k < 4; k++) table.setAtIndex(ValueLayout.JAVA_LONG, (long) p * FusedKernels.OPT_ROW + k, s[k].address());
                table.setAtIndex(ValueLayout.JAVA_LONG, (long) p * FusedKernels.OPT_ROW + 4, b.param().length);
                arrays.add(s);
            }
            return new Device(table, arrays);
        }

        void setGrads(List<FusedOptimizer.Block> blocks) {
            for (int p = 0; p < blocks.size(); p++) MemorySegment.copy(blocks.get(p).grad(), 0, arrays.get(p)[1], ValueLayout.JAVA_FLOAT, 0, blocks.get(p).grad().length);
        }
    }

    private void optimizer(boolean adamw) {
        int[] sizes = {7, 3000, 1};
        List<FusedOptimizer.Block> blocks = new ArrayList<>();
        for (int n : sizes) blocks.add(new FusedOptimizer.Block(uniform(n, -1, 1), new float[n], new float[n], adamw ? new float[n] : null));
        try (Arena a = Arena.ofConfined()) {
            Device d = Device.of(a, blocks);
            MemorySegment partials = a.allocate(8 * fused.gradNormScratch(sizes.length, 3000)), out = a.allocate(16);
            for (int step = 1; step <= 3; step++) {
                for (FusedOptimizer.Block b : blocks) {
                    float[] g = uniform(b.grad().length, step == 2 ? -1 : -0.01, step == 2 ? 1 : 0.01); // step 2 clips
                    System.arraycopy(g, 0, b.grad(), 0, g.length);
                }
                d.setGrads(blocks);
                double[] clip = FusedOptimizer.gradNorm(blocks, 1.0);
                fused.gradNorm(addr(d.table()), sizes.length, 3000, 1.0, addr(partials), addr(out), 0);
                double[] got = out.toArray(ValueLayout.JAVA_DOUBLE);
                assertEquals(clip[0], got[0], 1e-12 * clip[0], "step " + step + ": norm");
                assertEquals(clip[1], got[1], 1e-12, "step " + step + ": clip scale");
                assertEquals(step == 2, got[1] < 1, "step " + step + ": clipping only on the large gradients");
                if (adamw) {
                    FusedOptimizer.adamwStep(blocks, 3e-3, 0.9, 0.999, 1e-8, 0.05, step, clip);
                    fused.adamwStep(addr(d.table()), sizes.length, 3000, 3e-3, 0.9, 0.999, 1e-8, 0.05, step, addr(out), 0);
                } else {
                    FusedOptimizer.sgdStep(blocks, 0.05, 0.9, 0, 1e-3, true, step == 1, clip);
                    fused.sgdStep(addr(d.table()), sizes.length, 3000, 0.05, 0.9, 0, 1e-3, true, step == 1, addr(out), 0);
                }
                for (int p = 0; p < blocks.size(); p++) {
                    FusedOptimizer.Block b = blocks.get(p);
                    float[][] want = {b.param(), b.state0(), b.state1()};
                    for (int k = 0; k < 3; k++) {
                        if (want[k] == null) continue;
                        float[] g = floats(d.arrays().get(p)[k == 0 ? 0 : k + 1]);
                        for (int i = 0; i < g.length; i++) {
                            assertEquals(want[k][i], g[i], 1e-6 * Math.max(1e-3, Math.abs(want[k][i])),
                                    "step " + step + ", param " + p + ", array " + k + "[" + i + "]");
                        }
                    }
                }
            }
        }
    }

    @Test void sgdNesterovWithClippingMatchesTheTwin() { optimizer(false); }

    @Test void adamwWithClippingMatchesTheTwin() { optimizer(true); }

    @Test void launchersNameTheKernelAndTheShapes() {
        GroupNormAct.Geometry geo = new GroupNormAct.Geometry(1, 2, 1, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fused.groupNormForward(geo, 8, 8, 8, 1f, 1e-5, 0, 8, 8, 8, 0));
        assertTrue(e.getMessage().contains("vf_gn_") && e.getMessage().contains("[1, 2, 4]") && e.getMessage().contains("y is a null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> fused.diceCeStatistics(new DiceCe.Geometry(70_000, 2, 4), 8, 8, 0, 8, 8, 0));
        assertTrue(e.getMessage().contains("N = 70000 exceeds"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> fused.sgdStep(8, 0, 1, 0.1, 0, 0, 0, false, true, 0, 0));
        assertTrue(e.getMessage().contains("vf_sgd_step_f32") && e.getMessage().contains("numParams=0"), e.getMessage());
    }
}
