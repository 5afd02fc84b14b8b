package org.voxelforge.data.distance;

/**
 * The one-dimensional step of the separable exact distance transform (Felzenszwalb and
 * Huttenlocher, "Distance Transforms of Sampled Functions", Theory of Computing 2012):
 * {@code d[q] = min_p (w^2 (q - p)^2 + f[p])}, computed in linear time as the lower envelope
 * of the parabolas rooted at the finite samples of {@code f}.
 *
 * <p>One instance holds the scratch arrays for lines up to a given length, so a worker thread
 * allocates them once and reuses them for every line it processes.
 */
final class LowerEnvelope {
    private final int[] roots;      // sample index of each parabola on the envelope
    private final double[] bounds;  // bounds[k]..bounds[k+1] is where parabola k is lowest

    LowerEnvelope(int maxLength) {
        roots = new int[Math.max(1, maxLength)];
        bounds = new double[Math.max(1, maxLength) + 1];
    }

    /**
     * Writes {@code d[0..n)} from {@code f[0..n)}; {@code w2} is the squared sample spacing.
     * Samples of {@code f} that are +Infinity (no feature found yet) root no parabola; when
     * every sample is infinite, every output is infinite.
     */
    void transform(double[] f, double[] d, int n, double w2) {
        int k = -1;
        for (int q = 0; q < n; q++) {
            double fq = f[q];
            if (fq == Double.POSITIVE_INFINITY) continue;
            if (k < 0) {
                k = 0;
                roots[0] = q;
                bounds[0] = Double.NEGATIVE_INFINITY;
                bounds[1] = Double.POSITIVE_INFINITY;
                continue;
            }
            double s;
            while (true) {
                int p = roots[k];
                // abscissa (in samples) where the parabolas rooted at p and q meet
                s = ((fq - f[p]) / w2 + ((double) q * q - (double) p * p)) / (2.0 * (q - p));
                if (s <= bounds[k]) k--; // parabola p is nowhere lowest any more
                else break;
            }
            k++;
            roots[k] = q;
            bounds[k] = s;
            bounds[k + 1] = Double.POSITIVE_INFINITY;
        }
        if (k < 0) {
            java.util.Arrays.fill(d, 0, n, Double.POSITIVE_INFINITY);
            return;
        }
        k = 0;
        for (int q = 0; q < n; q++) {
            while (bounds[k + 1] < q) k++;
            int p = roots[k];
            double dq = q - p;
            d[q] = w2 * dq * dq + f[p];
        }
    }
}
