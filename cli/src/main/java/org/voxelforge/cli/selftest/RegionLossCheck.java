package org.voxelforge.cli.selftest;

import java.util.Locale;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.cuda.FusedKernels;
import org.voxelforge.core.fused.DiceCe;
import org.voxelforge.core.fused.RegionLoss;
import org.voxelforge.core.fused.RegionLoss.Boundary;
import org.voxelforge.core.fused.RegionLoss.Classification;
import org.voxelforge.core.fused.RegionLoss.Overlap;
import org.voxelforge.core.fused.RegionLoss.Terms;
import org.voxelforge.core.fused.RegionLossTwin;

/**
 * The region-loss kernels of dice_ce.cuh (vf_region_*: focal classification sums, boundary sums
 * p phi, the backward with the focal weight and coefB phi) on a {@link KernelTarget} against their
 * CPU twin {@link RegionLossTwin} and {@link RegionLoss#finish}: statistics, the loss from the
 * target's statistics, and dlogits from the twin's coefficients.
 *
 * <p>Tolerances as EmulatedRegionLossKernelsTest justifies them: the statistics are float sums
 * over the same chunks, in another order inside a chunk, 1e-5 relative each (a boundary sum mixes
 * signs, so 1e-5 of max(1, sum p of its (n, c))); the loss 1e-5 relative; the backward from the same
 * coefficients differs only by the device's exp/log/pow against Math's, 1e-5 of the largest |dlogit|
 * with no floor (the dlogits are ~1e-3).
 */
final class RegionLossCheck {
    static final String NAME = " fused region losses (tversky, focal, boundary) vs twin";

    private RegionLossCheck() {}

    private record Case(String what, Terms terms, int n, int c, int s, boolean masked) {}

    private static Overlap mistDice(double w) { return Overlap.dice(true, false, true, 1e-6, w); }

    static SelfTestResult run(KernelTarget t, String name, int scale) {
        double[] alpha10 = new double[10];
        for (int j = 0; j < 10; j++) alpha10[j] = 0.5 + 0.1 * j;
        Case[] cases = {
                new Case("tversky + focal + boundary", new Terms(Overlap.tversky(0.3, 0.7, false, false, 1e-5, 1),
                        new Classification(1, null, 1), new Boundary(0.3)), 2, 3, 300 * scale, true),
                new Case("tversky (batch) + ce", new Terms(Overlap.tversky(0.7, 0.3, true, true, 1e-5, 1),
                        Classification.crossEntropy(1), null), 2, 3, 300 * scale, false),
                new Case("focal gamma 2, alpha", new Terms(null, new Classification(2, new double[] {0.2, 1, 3}, 1), null),
                        2, 3, 300 * scale, false),
                new Case("dice + focal (gamma 2, alpha)", new Terms(Overlap.dice(false, true, false, 1e-5, 1),
                        new Classification(2, new double[] {1, 2, 2, 0.5}, 1), null), 2, 4, 300 * scale, true),
                new Case("dice + ce + boundary", new Terms(mistDice(0.25), Classification.crossEntropy(0.25), new Boundary(0.5)),
                        2, 3, 300 * scale, false),
                // C = 10: two tiles of 8 classes (the boundary slots of the second tile); S = 2100: two chunks
                new Case("dice + focal + boundary", new Terms(mistDice(1), new Classification(2, alpha10, 0.5), new Boundary(0.5)),
                        1, 10, 2100 * scale, true)};
        RandomGenerator rng = new RandomGenerator(85);
        WorstError worst = new WorstError();
        for (Case c : cases) compare(t, rng, c, worst);
        return worst.result(name, cases.length + " cases (tversky, focal with alpha, dice + focal, dice + ce + boundary; C up to 10,"
                + " masked and not), statistics + loss + backward");
    }

    private static void compare(KernelTarget t, RandomGenerator rng, Case c, WorstError worst) {
        DiceCe.Geometry geo = new DiceCe.Geometry(c.n(), c.c(), c.s());
        Terms terms = c.terms();
        int voxels = c.n() * c.s();
        float[] logits = FusedKernelChecks.uniform(rng, c.n() * c.c() * c.s(), -5, 5);
        int[] labels = new int[voxels];
        float[] mask = c.masked() ? new float[voxels] : null;
        for (int v = 0; v < voxels; v++) {
            labels[v] = rng.nextInt(c.c());
            if (c.masked() && rng.nextDouble() < 0.8) mask[v] = 1f;
            if (c.masked() && mask[v] == 0f) labels[v] = -3; // unannotated voxels may hold anything: the kernels must skip them
        }
        float[] dist = terms.boundary() == null ? null : FusedKernelChecks.uniform(rng, logits.length, -10, 10);

        double[] stats = RegionLossTwin.statistics(geo, logits, labels, mask, terms, dist);
        RegionLoss.Result r = RegionLoss.finish("selftest", geo, stats, terms, 0.7);
        float[] dlogits = new float[logits.length];
        RegionLossTwin.backward(geo, logits, labels, mask, dist, terms, r, dlogits);

        Classification cl = terms.classification();
        boolean focal = cl != null && cl.focal();
        float gamma = focal ? (float) cl.gamma() : 0f;
        float[] alpha = null;
        if (focal && cl.alpha() != null) {
            alpha = new float[c.c()];
            for (int j = 0; j < alpha.length; j++) alpha[j] = (float) cl.alpha()[j];
        }
        long pz = t.upload(logits), pl = t.upload(labels), pm = mask == null ? 0 : t.upload(mask);
        long pd = dist == null ? 0 : t.upload(dist), pa = alpha == null ? 0 : t.upload(alpha);
        int statsLength = terms.statsLength(geo);
        long ps = t.allocateBytes(8L * statsLength), scratch = t.allocate(FusedKernels.regionScratch(geo));
        FusedKernels k = new FusedKernels(t.kernels());
        k.regionStatistics(geo, pz, pl, pm, pa, gamma, focal, pd, ps, scratch, 0);
        double[] got = t.downloadDoubles(ps, statsLength);

        String tag = String.format(Locale.ROOT, "%s N=%d C=%d S=%d%s ", c.what(), c.n(), c.c(), c.s(), c.masked() ? " masked" : "");
        int boundaryAt = geo.statsLength();
        for (int i = 0; i < stats.length; i++) {
            // a boundary sum (one per (n, c), after the Dice/CE statistics) is scaled by sum p of its (n, c): slot 1 of 4
            double scale = i < boundaryAt ? Math.abs(stats[i]) : Math.abs(stats[(i - boundaryAt) * 4 + 1]);
            worst.value(tag + "statistic " + i, stats[i], got[i], 1e-5 * Math.max(1, scale));
        }
        RegionLoss.Result rg = RegionLoss.finish("selftest", geo, got, terms, 0.7);
        worst.value(tag + "loss", r.loss(), rg.loss(), 1e-5 * (1 + Math.abs(r.loss())));

        long ci = t.upload(r.coefI()), cp = t.upload(r.coefP()), cb = r.coefB() == null ? 0 : t.upload(r.coefB());
        long out = t.allocate(logits.length);
        k.regionBackward(geo, pz, pl, pm, pa, gamma, focal, pd, ci, cp, cb, r.clsScale(), terms.squared(), out, 0);
        worst.relativeToLargest(tag + "dlogits", dlogits, t.download(out, logits.length), 1e-5);
    }
}
