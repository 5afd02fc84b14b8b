package org.voxelforge.data.augment;

import org.voxelforge.core.RandomGenerator;
import org.voxelforge.data.sampling.Patch;

/**
 * nnU-Net's gamma: per channel, intensities rescaled to [0, 1], raised to gamma, scaled back;
 * optionally on the inverted image (x -> -x before and after) and keeping mean and std.
 */
public final class Gamma extends RandomTransform {
    private final double lo, hi;
    private final boolean invert, retainStats;

    public Gamma(double probability, double lo, double hi, boolean invert, boolean retainStats) {
        super(probability);
        checkRange("gamma", lo, hi);
        if (!(lo > 0)) throw new IllegalArgumentException("gamma: range [" + lo + ", " + hi + "] must be positive");
        this.lo = lo; this.hi = hi; this.invert = invert; this.retainStats = retainStats;
    }

    @Override public Step drawAlways(PatchShape s, RandomGenerator rng) {
        double[] g = new double[s.channels()];
        for (int c = 0; c < g.length; c++) g[c] = factorAroundOne(rng, lo, hi);
        return new Step(g, invert, retainStats);
    }

    /** Channel c with exponent {@code gammas[c]}. */
    public record Step(double[] gammas, boolean invert, boolean retainStats) implements AugmentStep {
        @Override public void apply(Patch p) {
            int n = p.voxels();
            for (int c = 0; c < p.channels; c++) Gamma.apply(p.image, c * n, n, gammas[c], invert, retainStats);
        }
    }

    public static void apply(float[] v, int off, int n, double gamma, boolean invert, boolean retainStats) {
        final double eps = 1e-7;
        if (invert) for (int i = off; i < off + n; i++) v[i] = -v[i];
        double[] s = VolumeOps.stats(v, off, n);
        double mn = s[0], range = s[1] - s[0] + eps;
        for (int i = off; i < off + n; i++) v[i] = (float) (Math.pow((v[i] - mn) / range, gamma) * range + mn);
        if (retainStats) {
            double[] t = VolumeOps.stats(v, off, n);
            double k = s[3] / (t[3] + 1e-8);
            for (int i = off; i < off + n; i++) v[i] = (float) ((v[i] - t[2]) * k + s[2]);
        }
        if (invert) for (int i = off; i < off + n; i++) v[i] = -v[i];
    }
}
