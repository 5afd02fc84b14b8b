package org.voxelforge.data.synth;

import java.util.ArrayList;
import java.util.List;
import org.voxelforge.core.RandomGenerator;

/**
 * One synthetic head in world space (RAS+ mm), independent of any voxel grid: a deformed
 * ellipsoid with a skull shell, grey matter outside, white matter inside, and one tumour.
 *
 * <p>The tumour is the union of a few ellipsoidal lobes with a smoothly perturbed outline. One
 * scalar {@code s} (the smallest normalized lobe radius, times the perturbation) sets all three
 * labels by level: s <= necrosisLevel is the necrotic core, up to 1 the enhancing rim, up to
 * edemaLevel the edema (inside the brain only). Level sets of one function are nested, so the
 * core lies inside the rim and both inside the edema, as in BraTS.
 */
record HeadAnatomy(double[] centre, double[] radii, SmoothField deformation, SmoothField texture,
                   List<double[]> lobeCentres, List<double[]> lobeRadii, SmoothField outline,
                   double necrosisLevel, double edemaLevel) {

    static final double SKULL_INNER = 0.88;  // normalized radius where the brain ends
    static final double WHITE_MATTER = 0.62; // normalized radius of the grey/white boundary
    private static final double OUTLINE_AMPLITUDE = 0.10;
    private static final double LOBE_SPREAD = 0.45;

    /** Tumour radius relative to the brain's smallest semi-axis: small cases and normal ones. */
    static final double[] SMALL_TUMOUR = {0.07, 0.11}, NORMAL_TUMOUR = {0.18, 0.30};

    /**
     * A random head filling a field of view of {@code fovMm} (world x, y, z). {@code tumourSize}
     * is the tumour's radius over the brain's smallest semi-axis (see SMALL_TUMOUR, NORMAL_TUMOUR).
     */
    static HeadAnatomy random(RandomGenerator rng, double[] fovMm, double tumourSize) {
        double[] radii = new double[3], centre = new double[3];
        for (int a = 0; a < 3; a++) {
            radii[a] = fovMm[a] * (0.38 + 0.04 * rng.nextDouble());
            centre[a] = fovMm[a] * 0.03 * (2 * rng.nextDouble() - 1);
        }
        double meanDiameter = 2 * (radii[0] + radii[1] + radii[2]) / 3;
        SmoothField deformation = SmoothField.random(rng, 4, 0.6 * meanDiameter, 1.2 * meanDiameter);
        SmoothField texture = SmoothField.random(rng, 4, 10, 25);

        double minR = Math.min(radii[0], Math.min(radii[1], radii[2])) * SKULL_INNER;
        double rt = tumourSize * minR;
        // the tumour core reaches at most (1 + spread) * rt / (1 - 2 * amplitude) from its centre: keep that inside the brain
        double reach = (1 + LOBE_SPREAD) * rt / (1 - 2 * OUTLINE_AMPLITUDE);
        double maxOffset = Math.max(0, 0.85 * SKULL_INNER - reach / minR * SKULL_INNER);
        double[] dir = SmoothField.unitVector(rng);
        double off = maxOffset * Math.cbrt(rng.nextDouble());
        double[] tc = new double[3];
        for (int a = 0; a < 3; a++) tc[a] = centre[a] + dir[a] * off * radii[a];

        int lobes = 2 + rng.nextInt(3);
        List<double[]> lc = new ArrayList<>(), lr = new ArrayList<>();
        for (int l = 0; l < lobes; l++) {
            double[] d = SmoothField.unitVector(rng);
            double shift = l == 0 ? 0 : LOBE_SPREAD * rt * rng.nextDouble();
            lc.add(new double[] {tc[0] + d[0] * shift, tc[1] + d[1] * shift, tc[2] + d[2] * shift});
            lr.add(new double[] {rt * (0.55 + 0.45 * rng.nextDouble()), rt * (0.55 + 0.45 * rng.nextDouble()),
                                 rt * (0.55 + 0.45 * rng.nextDouble())});
        }
        SmoothField outline = SmoothField.random(rng, 4, 1.5 * rt, 3 * rt);
        double necrosis = 0.45 + 0.2 * rng.nextDouble();
        double edema = 1.5 + 0.6 * rng.nextDouble();
        return new HeadAnatomy(centre, radii, deformation, texture, lc, lr, outline, necrosis, edema);
    }

    /** The tissue at world point (x, y, z). */
    Tissue tissueAt(double x, double y, double z) {
        double q = headRadius(x, y, z);
        if (q > 1) return Tissue.BACKGROUND;
        if (q > SKULL_INNER) return Tissue.SKULL;
        double s = tumourLevel(x, y, z);
        if (s <= necrosisLevel) return Tissue.NECROSIS;
        if (s <= 1) return Tissue.ENHANCING;
        if (s <= edemaLevel) return Tissue.EDEMA;
        return q < WHITE_MATTER + 0.06 * texture.at(x, y, z) ? Tissue.WHITE_MATTER : Tissue.GREY_MATTER;
    }

    /** Normalized ellipsoid radius of the head, bumped by the smooth deformation (1 on the scalp). */
    double headRadius(double x, double y, double z) {
        double dx = (x - centre[0]) / radii[0], dy = (y - centre[1]) / radii[1], dz = (z - centre[2]) / radii[2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz) / (1 + 0.05 * deformation.at(x, y, z));
    }

    /** The tumour's level function: <= 1 inside the tumour core (necrosis and enhancing rim). */
    double tumourLevel(double x, double y, double z) {
        double s = Double.POSITIVE_INFINITY;
        for (int l = 0; l < lobeCentres.size(); l++) {
            double[] c = lobeCentres.get(l), r = lobeRadii.get(l);
            double dx = (x - c[0]) / r[0], dy = (y - c[1]) / r[1], dz = (z - c[2]) / r[2];
            s = Math.min(s, dx * dx + dy * dy + dz * dz);
        }
        s = Math.sqrt(s);
        if (s > 2 * edemaLevel) return s; // far away: the outline cannot bring it back
        double f = Math.max(-2, Math.min(2, outline.at(x, y, z)));
        return s * (1 + OUTLINE_AMPLITUDE * f);
    }

    /** The first lobe's centre: the tumour's seed point in world mm. */
    double[] tumourSeed() { return lobeCentres.getFirst().clone(); }
}
