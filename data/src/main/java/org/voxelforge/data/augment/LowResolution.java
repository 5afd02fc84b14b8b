package org.voxelforge.data.augment;

import org.voxelforge.core.RandomGenerator;
import org.voxelforge.data.resample.Zoom;
import org.voxelforge.data.sampling.Patch;

/**
 * Low-resolution simulation (nnU-Net): each channel downsampled by a zoom in [lo, hi] with
 * nearest neighbour, then upsampled back to the patch shape linearly.
 */
public final class LowResolution extends RandomTransform {
    private final double lo, hi;

    public LowResolution(double probability, double lo, double hi) {
        super(probability);
        checkRange("low resolution: zoom", lo, hi);
        if (!(lo > 0 && hi <= 1)) throw new IllegalArgumentException("low resolution: zoom range [" + lo + ", " + hi + "] must lie in (0, 1]");
        this.lo = lo; this.hi = hi;
    }

    @Override public Step drawAlways(PatchShape s, RandomGenerator rng) {
        double zoom = uniform(rng, lo, hi);
        int[] d = s.dims(), small = new int[3];
        for (int a = 0; a < 3; a++) small[a] = Math.max(1, (int) Math.round(d[a] * zoom));
        return new Step(small);
    }

    /** Every channel down to {@code small} (nearest) and back up (linear). */
    public record Step(int[] small) implements AugmentStep {
        @Override public void apply(Patch p) { LowResolution.apply(p, small); }
    }

    public static void apply(Patch p, int[] small) {
        int n = p.voxels();
        double[] ch = new double[n];
        for (int c = 0; c < p.channels; c++) {
            for (int i = 0; i < n; i++) ch[i] = p.image[c * n + i];
            double[] down = Zoom.resize(ch, p.dims, small, 0);
            double[] up = Zoom.resize(down, small, p.dims, 1);
            for (int i = 0; i < n; i++) p.image[c * n + i] = (float) up[i];
        }
    }
}
