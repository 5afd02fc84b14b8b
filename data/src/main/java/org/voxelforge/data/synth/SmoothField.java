package org.voxelforge.data.synth;

import org.voxelforge.core.RandomGenerator;

/**
 * A smooth random scalar field over world space (mm): a sum of a few plane cosines with random
 * directions, wavelengths and phases, scaled so its values have unit variance. Used for the
 * deformation of the head, tissue texture, the tumour's irregular outline and the bias field.
 *
 * <p>StrictMath keeps values bit-identical across JVMs and JIT states, so a seed gives the same
 * files everywhere.
 */
record SmoothField(double[][] waves, double[] phases) {

    /** {@code terms} cosines with wavelengths uniform in [minWavelength, maxWavelength] mm. */
    static SmoothField random(RandomGenerator rng, int terms, double minWavelength, double maxWavelength) {
        double[][] w = new double[terms][];
        double[] p = new double[terms];
        for (int t = 0; t < terms; t++) {
            double[] dir = unitVector(rng);
            double k = 2 * Math.PI / (minWavelength + (maxWavelength - minWavelength) * rng.nextDouble());
            w[t] = new double[] {dir[0] * k, dir[1] * k, dir[2] * k};
            p[t] = 2 * Math.PI * rng.nextDouble();
        }
        return new SmoothField(w, p);
    }

    /** The field at world point (x, y, z): mean 0, variance 1 over random phases. */
    double at(double x, double y, double z) {
        double s = 0;
        for (int t = 0; t < phases.length; t++) {
            double[] w = waves[t];
            s += StrictMath.cos(w[0] * x + w[1] * y + w[2] * z + phases[t]);
        }
        return s * StrictMath.sqrt(2.0 / phases.length); // each cosine has variance 1/2
    }

    static double[] unitVector(RandomGenerator rng) {
        double z = 2 * rng.nextDouble() - 1;
        double phi = 2 * Math.PI * rng.nextDouble();
        double r = StrictMath.sqrt(1 - z * z);
        return new double[] {r * StrictMath.cos(phi), r * StrictMath.sin(phi), z};
    }
}
