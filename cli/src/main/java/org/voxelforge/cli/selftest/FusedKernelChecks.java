package org.voxelforge.cli.selftest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.cuda.FusedKernels;
import org.voxelforge.core.fused.DiceCe;
import org.voxelforge.core.fused.FusedOptimizer;
import org.voxelforge.core.fused.GroupNormAct;

/**
 * The fused kernels (group norm + LeakyReLU in NCDHW and NDHWC, softmax + Dice + CE, the region
 * losses of {@link RegionLossCheck}, optimizer steps with the global gradient norm) on a {@link KernelTarget} against their CPU twins in org.voxelforge.core.fused,
 * forward and backward, on random inputs. Each check reports its worst error as a fraction of
 * that output's tolerance (1 = at the bound). The tolerances are those of the emulator tests
 * (EmulatedFusedKernelsTest, which explains them): the kernels and twins cut every reduction into
 * the same chunks and differ only in the order of float sums inside a chunk; the mean's bound is
 * 1e-5 here (not 1e-6) because the full-size run sums longer chunks (about sqrt(2048) ulps).
 */
final class FusedKernelChecks {
    private FusedKernelChecks() {}

    static final String GROUP_NORM = " fused group norm + leaky relu vs twin",
            GROUP_NORM_NDHWC = " fused group norm + leaky relu NDHWC vs twin", DICE_CE = " fused softmax dice + ce vs twin",
            OPTIMIZER = " fused sgd / adamw + grad norm vs twin";
    static final List<String> NAMES = List.of(GROUP_NORM, GROUP_NORM_NDHWC, DICE_CE, RegionLossCheck.NAME, OPTIMIZER);

    static List<SelfTestCheck> all(Supplier<KernelTarget> target, String label, boolean quick) {
        int scale = quick ? 1 : 8;
        return List.of(
                KernelTarget.check(label + GROUP_NORM, target, (t, name) -> groupNorm(t, name, scale)),
                KernelTarget.check(label + GROUP_NORM_NDHWC, target, (t, name) -> groupNormChannelsLast(t, name, scale)),
                KernelTarget.check(label + DICE_CE, target, (t, name) -> diceCe(t, name, scale)),
                KernelTarget.check(label + RegionLossCheck.NAME, target, (t, name) -> RegionLossCheck.run(t, name, scale)),
                KernelTarget.check(label + OPTIMIZER, target, (t, name) -> optimizer(t, name, scale)));
    }

    static float[] uniform(RandomGenerator rng, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        return a;
    }

    // ---- group norm ------------------------------------------------------------------------------------

    static SelfTestResult groupNorm(KernelTarget t, String name, int scale) {
        FusedKernels k = new FusedKernels(t.kernels());
        RandomGenerator rng = new RandomGenerator(81);
        WorstError worst = new WorstError();
        // (n, c, groups, spatial, mean offset, slope): group norm, instance norm without activation, a large mean
        int[][] shapes = {{2, 6, 3, 60 * scale}, {1, 4, 4, 2500 * scale}, {1, 2, 1, 2100 * scale}};
        double[] offsets = {0, 0, 500};
        float[] slopes = {0.01f, 1f, 0.1f};
        for (int i = 0; i < shapes.length; i++) {
            int[] sh = shapes[i];
            GroupNormAct.Geometry geo = new GroupNormAct.Geometry(sh[0], sh[1], sh[2], sh[3]);
            String tag = "[" + sh[0] + ", " + sh[1] + ", " + sh[3] + "] groups " + sh[2] + " ";
            compare(t, k, worst, geo, GroupNormAct.Layout.NCDHW, GnInputs.random(rng, geo, offsets[i]), slopes[i], tag, NCDHW_BOUNDS);
        }
        return worst.result(name, shapes.length + " shapes, forward + backward");
    }

    /**
     * The channels-last kernels (vf_gn_*_ndhwc_f32) against the NDHWC twin, which forms every float
     * sum in the kernels' order: on the emulator (g++, no contraction to FMA) they agree bit for bit,
     * so the bound there is EmulatedGroupNormChannelsLastTest's 1e-6 (a few ulps, for another compiler
     * or libm); a GPU contracts a*b+c to FMA, so there the NCDHW check's bounds apply. Shapes: group
     * norm, instance norm without activation (relu, slope 0) over several voxel chunks, a large mean,
     * C = 300 (the blocks loop over two channel tiles of 256) and one channel (256 voxel rows a block).
     */
    static SelfTestResult groupNormChannelsLast(KernelTarget t, String name, int scale) {
        FusedKernels k = new FusedKernels(t.kernels());
        RandomGenerator rng = new RandomGenerator(84);
        WorstError worst = new WorstError();
        boolean emulator = t.label().equals("emulator");
        // (n, c, groups, spatial)
        int[][] shapes = {{2, 6, 3, 2100 * scale}, {2, 6, 6, 700 * scale}, {1, 2, 1, 2100 * scale}, {1, 300, 3, 9 * scale}, {2, 1, 1, 700 * scale}};
        double[] offsets = {0, 0, 500, 0, -2};
        float[] slopes = {0.01f, 0f, 0.1f, 0.01f, 1f};
        for (int i = 0; i < shapes.length; i++) {
            int[] sh = shapes[i];
            GroupNormAct.Geometry geo = new GroupNormAct.Geometry(sh[0], sh[1], sh[2], sh[3]);
            String tag = "NDHWC [" + sh[0] + ", " + sh[3] + ", " + sh[1] + "] groups " + sh[2] + " (" + GroupNormAct.voxelChunks(geo)
                    + " chunks) ";
            double[] bounds = emulator ? new double[] {1e-6, 1e-6, 1e-6, 1e-6, 1e-6, 1e-6} : NCDHW_BOUNDS;
            compare(t, k, worst, geo, GroupNormAct.Layout.NDHWC, GnInputs.random(rng, geo, offsets[i]), slopes[i], tag, bounds);
        }
        return worst.result(name, shapes.length + " shapes (C up to 300: two channel tiles), forward + backward, bound "
                + (emulator ? "1e-6 (emulator)" : "as NCDHW (FMA)"));
    }

    // ---- softmax + Dice + cross-entropy ------------------------------------------------------------------

    static SelfTestResult diceCe(KernelTarget t, String name, int scale) {
        FusedKernels k = new FusedKernels(t.kernels());
        RandomGenerator rng = new RandomGenerator(82);
        WorstError worst = new WorstError();
        Object[][] cases = {
                {DiceCe.Options.mist(), new int[] {2, 3, 300 * scale}, true},
                {DiceCe.Options.nnUNet(), new int[] {2, 4, 300 * scale}, false},
                {new DiceCe.Options(true, false, true, 1e-5, 1, 1), new int[] {1, 10, 2100 * scale}, true}};
        for (Object[] c : cases) {
            DiceCe.Options o = (DiceCe.Options) c[0];
            int[] sh = (int[]) c[1];
            boolean masked = (Boolean) c[2];
            DiceCe.Geometry geo = new DiceCe.Geometry(sh[0], sh[1], sh[2]);
            float[] logits = uniform(rng, sh[0] * sh[1] * sh[2], -5, 5);
            int[] labels = new int[sh[0] * sh[2]];
            float[] mask = masked ? new float[labels.length] : null;
            for (int v = 0; v < labels.length; v++) {
                labels[v] = (int) (rng.nextDouble() * sh[1]);
                if (masked && rng.nextDouble() < 0.8) mask[v] = 1f;
                if (masked && mask[v] == 0f) labels[v] = -7; // unannotated voxels may hold anything
            }
            double[] stats = DiceCe.statistics(geo, logits, labels, mask);
            DiceCe.Result r = DiceCe.finish(geo, stats, o, 1.0);
            float[] dlogits = new float[logits.length];
            DiceCe.backward(geo, logits, labels, mask, r, o.squared(), dlogits);

            long pz = t.upload(logits), pl = t.upload(labels), pm = masked ? t.upload(mask) : 0;
            long ps = t.allocateBytes(8L * geo.statsLength()), scratch = t.allocate(FusedKernels.diceCeScratch(geo));
            k.diceCeStatistics(geo, pz, pl, pm, ps, scratch, 0);
            double[] got = t.downloadDoubles(ps, (int) geo.statsLength());
            String tag = String.format(Locale.ROOT, "N=%d C=%d S=%d%s ", sh[0], sh[1], sh[2], masked ? " masked" : "");
            for (int i = 0; i < stats.length; i++) worst.value(tag + "statistic " + i, stats[i], got[i], 1e-5 * Math.max(1, Math.abs(stats[i])));
            DiceCe.Result rg = DiceCe.finish(geo, got, o, 1.0);
            worst.value(tag + "loss", r.loss(), rg.loss(), 1e-5 * Math.max(1e-3, Math.abs(r.loss())));
            long ci = t.upload(r.coefI()), cp = t.upload(r.coefP()), pd = t.allocate(logits.length);
            k.diceCeBackward(geo, pz, pl, pm, ci, cp, r.ceScale(), o.squared(), pd, 0);
            worst.floats(tag + "dlogits", dlogits, t.download(pd, logits.length), 1e-6);
        }
        return worst.result(name, cases.length + " cases (MIST, nnU-Net, 10 classes), statistics + loss + backward");
    }

    // ---- optimizers -----------------------------------------------------------------------------------------

    static SelfTestResult optimizer(KernelTarget t, String name, int scale) {
        FusedKernels k = new FusedKernels(t.kernels());
        RandomGenerator rng = new RandomGenerator(83);
        WorstError worst = new WorstError();
        int[] sizes = {7, 3000 * scale, 1};
        int maxNumel = 3000 * scale;
        for (boolean adamw : new boolean[] {false, true}) {
            List<FusedOptimizer.Block> blocks = new ArrayList<>();
            for (int n : sizes) blocks.add(new FusedOptimizer.Block(uniform(rng, n, -1, 1), new float[n], new float[n], adamw ? new float[n] : null));
            // device copies and the table of rows {param, grad, state0, state1, numel}
            long[][] ptr = new long[sizes.length][4];
            long[] table = new long[FusedKernels.OPT_ROW * sizes.length];
            for (int p = 0; p < sizes.length; p++) {
                FusedOptimizer.Block b = blocks.get(p);
                float[][] arrays = {b.param(), b.grad(), b.state0(), b.state1()};
                for (int a = 0; a < 4; a++) {
                    ptr[p][a] = arrays[a] == null ? 0 : t.upload(arrays[a]);
                    table[p * FusedKernels.OPT_ROW + a] = ptr[p][a];
                }
                table[p * FusedKernels.OPT_ROW + 4] = sizes[p];
            }
            long partials = t.allocateBytes(8 * k.gradNormScratch(sizes.length, maxNumel)), out = t.allocateBytes(16);
            String opt = adamw ? "adamw" : "sgd nesterov";
            for (int step = 1; step <= 3; step++) {
                List<Long> newGrads = new ArrayList<>();
                for (int p = 0; p < sizes.length; p++) {
                    float[] g = uniform(rng, sizes[p], step == 2 ? -1 : -0.01, step == 2 ? 1 : 0.01); // only step 2 clips
                    System.arraycopy(g, 0, blocks.get(p).grad(), 0, g.length);
                    newGrads.add(t.upload(g));
                }
                // the table, pointing at this step's gradients
                for (int p = 0; p < sizes.length; p++) table[p * FusedKernels.OPT_ROW + 1] = newGrads.get(p);
                long pt = t.upload(table);
                double[] clip = FusedOptimizer.gradNorm(blocks, 1.0);
                k.gradNorm(pt, sizes.length, maxNumel, 1.0, partials, out, 0);
                double[] got = t.downloadDoubles(out, 2);
                worst.value(opt + " step " + step + " norm", clip[0], got[0], 1e-12 * clip[0]);
                worst.value(opt + " step " + step + " clip scale", clip[1], got[1], 1e-12);
                if (adamw) {
                    FusedOptimizer.adamwStep(blocks, 3e-3, 0.9, 0.999, 1e-8, 0.05, step, clip);
                    k.adamwStep(pt, sizes.length, maxNumel, 3e-3, 0.9, 0.999, 1e-8, 0.05, step, out, 0);
                } else {
                    FusedOptimizer.sgdStep(blocks, 0.05, 0.9, 0, 1e-3, true, step == 1, clip);
                    k.sgdStep(pt, sizes.length, maxNumel, 0.05, 0.9, 0, 1e-3, true, step == 1, out, 0);
                }
                for (int p = 0; p < sizes.length; p++) {
                    FusedOptimizer.Block b = blocks.get(p);
                    float[][] want = {b.param(), null, b.state0(), b.state1()};
                    for (int a : new int[] {0, 2, 3}) {
                        if (want[a] == null) continue;
                        worst.floats(opt + " step " + step + " param " + p + " array " + a, want[a], t.download(ptr[p][a], sizes[p]), 1e-6);
                    }
                }
            }
        }
        return worst.result(name, "sgd (momentum 0.9, nesterov) and adamw, 3 steps, clipping on step 2, " + sizes.length + " parameters");
    }

    /** Bounds of the NCDHW comparison (and of NDHWC on a GPU): mean, rstd, y, dx, dgamma, dbeta. */
    private static final double[] NCDHW_BOUNDS = {1e-5, 2e-5, 2e-5, 2e-5, 1e-4, 1e-4};

    /** The kernels' forward and backward in {@code layout} against the twin's on the same inputs, into {@code worst}. */
    private static void compare(KernelTarget t, FusedKernels k, WorstError worst, GroupNormAct.Geometry geo, GroupNormAct.Layout layout,
                                GnInputs in, float slope, String tag, double[] bounds) {
        float[] x = in.x(), dy = in.dy(), gamma = in.gamma(), beta = in.beta();
        float[] y = new float[x.length], dx = new float[x.length];
        GroupNormAct.Saved saved = GroupNormAct.forward(geo, layout, x, gamma, beta, slope, 1e-5, y);
        GroupNormAct.ParamGrads pg = GroupNormAct.backward(geo, layout, x, dy, gamma, beta, saved, slope, dx);
        int rows = geo.n() * geo.groups(), c = geo.c();
        long px = t.upload(x), pdy = t.upload(dy), pg0 = t.upload(gamma), pb = t.upload(beta);
        long py = t.allocate(x.length), pdx = t.allocate(x.length), mean = t.allocate(rows), rstd = t.allocate(rows);
        long dgam = t.allocate(c), dbet = t.allocate(c);
        long sf = t.allocate(FusedKernels.groupNormForwardScratch(geo, layout)), sb = t.allocate(FusedKernels.groupNormBackwardScratch(geo, layout));
        k.groupNormForward(geo, layout, px, pg0, pb, slope, 1e-5, py, mean, rstd, sf, 0);
        k.groupNormBackward(geo, layout, px, pdy, pg0, pb, mean, rstd, slope, pdx, dgam, dbet, sb, 0);
        worst.floats(tag + "mean", saved.mean(), t.download(mean, rows), bounds[0]);
        worst.floats(tag + "rstd", saved.rstd(), t.download(rstd, rows), bounds[1]);
        worst.floats(tag + "y", y, t.download(py, x.length), bounds[2]);
        worst.floats(tag + "dx", dx, t.download(pdx, x.length), bounds[3]);
        worst.floats(tag + "dgamma", pg.dgamma(), t.download(dgam, c), bounds[4]);
        worst.floats(tag + "dbeta", pg.dbeta(), t.download(dbet, c), bounds[5]);
    }

    /** A group-norm check's inputs: x uniform in [offset - 1, offset + 2), dy in [-1, 1), gamma in [0.5, 1.5), beta in [-0.5, 0.5). */
    private record GnInputs(float[] x, float[] dy, float[] gamma, float[] beta) {
        static GnInputs random(RandomGenerator rng, GroupNormAct.Geometry geo, double offset) {
            float[] x = uniform(rng, (int) geo.numel(), offset - 1, offset + 2), dy = uniform(rng, x.length, -1, 1);
            return new GnInputs(x, dy, uniform(rng, geo.c(), 0.5, 1.5), uniform(rng, geo.c(), -0.5, 0.5));
        }
    }
}
