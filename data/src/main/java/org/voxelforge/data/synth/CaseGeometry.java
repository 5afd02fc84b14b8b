package org.voxelforge.data.synth;

import java.util.Arrays;
import java.util.List;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.data.orient.Affines;
import org.voxelforge.data.orient.AxisCodes;

/**
 * The voxel grid of one case: its axis codes (nibabel's convention, e.g. "LPS": i runs toward
 * Left, j toward Posterior, k toward Superior), its voxel sizes in mm along i, j, k and its
 * shape. The grid's centre sits at the world origin, where the head is.
 */
record CaseGeometry(String orientation, double[] spacing, int[] shape) {

    /** Orientations a case is drawn from: the common scanner and archive ones, and one sagittal. */
    static final List<String> ORIENTATIONS = List.of("RAS", "LPS", "LAS", "RPI", "LPI", "PIR");

    /** Voxel sizes (mm) a case is drawn from: isotropic, and thick-slice protocols. */
    static final List<double[]> SPACINGS = List.of(
            new double[] {1, 1, 1}, new double[] {1.2, 1.2, 2}, new double[] {0.9, 0.9, 1.5}, new double[] {1, 1, 1.25});

    CaseGeometry {
        orientation = AxisCodes.parse(orientation);
        if (spacing.length != 3 || shape.length != 3) {
            throw new IllegalArgumentException("synth geometry: spacing " + Arrays.toString(spacing) + " and shape "
                    + Arrays.toString(shape) + " must have 3 entries each");
        }
        for (int i = 0; i < 3; i++) {
            if (!(spacing[i] > 0) || shape[i] < 8) {
                throw new IllegalArgumentException("synth geometry: spacing " + Arrays.toString(spacing)
                        + " must be positive and shape " + Arrays.toString(shape) + " at least 8 per axis");
            }
        }
        spacing = spacing.clone();
        shape = shape.clone();
    }

    @Override public double[] spacing() { return spacing.clone(); }

    @Override public int[] shape() { return shape.clone(); }

    /** A random orientation and spacing, and a shape within about 10% of {@code baseShape} per axis. */
    static CaseGeometry random(RandomGenerator rng, int[] baseShape) {
        String o = ORIENTATIONS.get(rng.nextInt(ORIENTATIONS.size()));
        double[] sp = SPACINGS.get(rng.nextInt(SPACINGS.size()));
        int[] s = new int[3];
        for (int i = 0; i < 3; i++) s[i] = Math.max(8, (int) Math.round(baseShape[i] * (0.9 + 0.2 * rng.nextDouble())));
        return new CaseGeometry(o, sp, s);
    }

    /** Voxel-to-world (RAS+, mm): column i is the signed unit vector of axis code i times its spacing. */
    double[][] affine() {
        double[][] a = Affines.identity(4);
        for (int i = 0; i < 3; i++) {
            char c = orientation.charAt(i);
            for (int r = 0; r < 3; r++) a[r][i] = 0;
            a[AxisCodes.worldAxis(c)][i] = AxisCodes.sign(c) * spacing[i];
        }
        for (int r = 0; r < 3; r++) {
            double centre = 0;
            for (int i = 0; i < 3; i++) centre += a[r][i] * (shape[i] - 1) / 2.0;
            a[r][3] = -centre;
        }
        return a;
    }

    /** Field of view along world x, y, z (R-L, A-P, S-I) in mm. */
    double[] fieldOfViewMm() {
        double[] f = new double[3];
        for (int i = 0; i < 3; i++) f[AxisCodes.worldAxis(orientation.charAt(i))] = shape[i] * spacing[i];
        return f;
    }
}
