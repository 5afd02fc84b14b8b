package org.voxelforge.data.augment;

import org.voxelforge.core.RandomGenerator;
import org.voxelforge.data.sampling.Patch;

/** Mirroring (nnU-Net): when it fires, each listed axis is flipped with probability 1/2. */
public final class Flip extends RandomTransform {
    private final int[] axes;

    public Flip(double probability, int... axes) {
        super(probability);
        for (int a : axes) if (a < 0 || a > 2) throw new IllegalArgumentException("flip: axis " + a + " is not a spatial axis 0..2 of [X, Y, Z]");
        this.axes = axes.clone();
    }

    @Override public Step drawAlways(PatchShape s, RandomGenerator rng) {
        int[] chosen = new int[axes.length];
        int k = 0;
        for (int a : axes) if (rng.nextDouble() < 0.5) chosen[k++] = a;
        return k == 0 ? null : new Step(java.util.Arrays.copyOf(chosen, k));
    }

    /** The spatial axes (0..2 of [X, Y, Z]) to reverse, in order. */
    public record Step(int[] axes) implements AugmentStep {
        @Override public void apply(Patch p) { for (int a : axes) flip(p, a); }
    }

    /** Reverses spatial axis {@code axis} of image, label and mask. */
    public static void flip(Patch p, int axis) {
        int[] d = p.dims;
        int n = p.voxels();
        int[] src = new int[n];
        int i = 0;
        for (int x = 0; x < d[0]; x++)
            for (int y = 0; y < d[1]; y++)
                for (int z = 0; z < d[2]; z++, i++) {
                    int sx = axis == 0 ? d[0] - 1 - x : x, sy = axis == 1 ? d[1] - 1 - y : y, sz = axis == 2 ? d[2] - 1 - z : z;
                    src[i] = (sx * d[1] + sy) * d[2] + sz;
                }
        Gather.apply(p, d, src);
    }
}
