package org.voxelforge.data.augment;

import org.voxelforge.core.RandomGenerator;
import org.voxelforge.data.sampling.Patch;

/**
 * Rotation by k quarter turns in the plane of two spatial axes, k uniform in {1, 2, 3}. A plane
 * that is not square would change the patch shape, so there only k = 2 is used.
 */
public final class Rot90 extends RandomTransform {
    private final int axisA, axisB;

    public Rot90(double probability, int axisA, int axisB) {
        super(probability);
        if (axisA == axisB || axisA < 0 || axisA > 2 || axisB < 0 || axisB > 2) {
            throw new IllegalArgumentException("rot90: plane (" + axisA + ", " + axisB + ") must be two different spatial axes 0..2");
        }
        this.axisA = axisA;
        this.axisB = axisB;
    }

    @Override public Step drawAlways(PatchShape s, RandomGenerator rng) {
        int k = 1 + rng.nextInt(3);
        int[] d = s.dims();
        if (d[axisA] != d[axisB]) k = 2;
        return new Step(axisA, axisB, k);
    }

    /** {@code k} quarter turns in the plane (axisA, axisB), as {@link Rot90#rot90}. */
    public record Step(int axisA, int axisB, int k) implements AugmentStep {
        @Override public void apply(Patch p) { rot90(p, axisA, axisB, k); }
    }

    /**
     * NumPy's {@code rot90(m, k, axes=(a, b))}: one turn maps {@code out[.., i_a = i, .., i_b = j]}
     * to {@code in[.., i_a = j, .., i_b = n_b - 1 - i]}.
     */
    public static void rot90(Patch p, int a, int b, int k) {
        k = Math.floorMod(k, 4);
        for (int t = 0; t < k; t++) quarterTurn(p, a, b);
    }

    private static void quarterTurn(Patch p, int a, int b) {
        int[] d = p.dims;
        int[] od = d.clone();
        od[a] = d[b];
        od[b] = d[a];
        int[] src = new int[p.voxels()];
        int[] o = new int[3], s = new int[3];
        int i = 0;
        for (o[0] = 0; o[0] < od[0]; o[0]++)
            for (o[1] = 0; o[1] < od[1]; o[1]++)
                for (o[2] = 0; o[2] < od[2]; o[2]++, i++) {
                    s[0] = o[0]; s[1] = o[1]; s[2] = o[2];
                    s[a] = o[b];
                    s[b] = d[b] - 1 - o[a];
                    src[i] = (s[0] * d[1] + s[1]) * d[2] + s[2];
                }
        Gather.apply(p, od, src);
    }
}
