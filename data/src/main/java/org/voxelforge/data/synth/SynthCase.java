package org.voxelforge.data.synth;

import org.voxelforge.core.RandomGenerator;

/**
 * One generated case on its voxel grid: the tissue of every voxel ({@link Tissue} ordinals), the BraTS label map and the
 * four modalities. Arrays are in NIfTI order (i fastest): index = i + nx * (j + ny * k).
 *
 * <p>Intensities: the tissue's mean per modality, times a per-case gain per modality, a little
 * tissue texture and a smooth multiplicative bias field, with Rician noise (the magnitude of a
 * complex signal with Gaussian noise in both channels, as MR magnitude images have), rounded to
 * integers so that int16 files store them exactly.
 */
record SynthCase(String id, CaseGeometry geometry, HeadAnatomy anatomy, byte[] tissue, byte[] labels, float[][] images) {

    /** Generates the case; the same arguments give the same arrays, bit for bit. */
    static SynthCase generate(String id, CaseGeometry geometry, HeadAnatomy anatomy, RandomGenerator rng) {
        int[] n = geometry.shape();
        double[][] a = geometry.affine();
        int voxels = n[0] * n[1] * n[2];
        byte[] tissue = new byte[voxels];
        double[][] world = new double[voxels][];
        for (int k = 0, v = 0; k < n[2]; k++) {
            for (int j = 0; j < n[1]; j++) {
                for (int i = 0; i < n[0]; i++, v++) {
                    double[] p = new double[3];
                    for (int r = 0; r < 3; r++) p[r] = a[r][0] * i + a[r][1] * j + a[r][2] * k + a[r][3];
                    world[v] = p;
                    tissue[v] = (byte) anatomy.tissueAt(p[0], p[1], p[2]).ordinal();
                }
            }
        }
        enforceNesting(tissue, n);

        int m = Tissue.MODALITIES.size();
        double[] gain = new double[m];
        for (int c = 0; c < m; c++) gain[c] = 0.85 + 0.3 * rng.nextDouble();
        SmoothField bias = SmoothField.random(rng, 3, 150, 300);
        double biasStrength = 0.05 + 0.1 * rng.nextDouble();
        double sigma = (0.02 + 0.02 * rng.nextDouble()) * Tissue.WHITE_MATTER.mean(0);
        long noiseBase = rng.advance((long) voxels * m); // one Philox block (two normal pairs) per voxel and modality
        int[] w = new int[4];

        float[][] images = new float[m][voxels];
        byte[] labels = new byte[voxels];
        for (int v = 0; v < voxels; v++) {
            Tissue t = Tissue.of(tissue[v]);
            labels[v] = (byte) t.label;
            double[] p = world[v];
            double shade = StrictMath.exp(biasStrength * bias.at(p[0], p[1], p[2]));
            // texture sampled on permuted axes: a pattern unrelated to the grey/white boundary it also shapes
            double grain = t == Tissue.BACKGROUND ? 1 : 1 + 0.03 * anatomy.texture().at(p[2], p[0], p[1]);
            for (int c = 0; c < m; c++) {
                double signal = t.mean(c) * gain[c] * grain * shade;
                long counter = noiseBase + (long) v * m + c;
                RandomGenerator.philox4x32_10((int) counter, (int) (counter >>> 32), 0, 0,
                        (int) rng.key(), (int) (rng.key() >>> 32), w);
                double re = signal + sigma * gaussian(w[0], w[1]), im = sigma * gaussian(w[2], w[3]);
                images[c][v] = (float) Math.rint(Math.sqrt(re * re + im * im));
            }
        }
        return new SynthCase(id, geometry, anatomy, tissue, labels, images);
    }

    /**
     * Makes the nesting hold voxel by voxel (6-neighbours), where a thin rim or the skull could
     * break it: necrosis touching anything but tumour core becomes enhancing rim, and background
     * or skull touching the tumour core becomes edema. Each pass decides from a fixed grid, and
     * what it changes cannot create a new violation of its own rule.
     */
    static void enforceNesting(byte[] tissue, int[] n) {
        byte ncr = (byte) Tissue.NECROSIS.ordinal(), et = (byte) Tissue.ENHANCING.ordinal(), ed = (byte) Tissue.EDEMA.ordinal();
        byte[] before = tissue.clone();
        forEachNeighbour(n, (v, u) -> {
            if (before[v] == ncr && before[u] != ncr && before[u] != et) tissue[v] = et;
        });
        byte[] mid = tissue.clone();
        forEachNeighbour(n, (v, u) -> {
            boolean core = mid[v] == ncr || mid[v] == et;
            if (core && Tissue.of(mid[u]).label == 0) tissue[u] = ed;
        });
    }

    interface NeighbourVisitor {
        void visit(int voxel, int neighbour);
    }

    /** Calls {@code f(v, u)} for every voxel v and each of its face neighbours u inside the grid. */
    static void forEachNeighbour(int[] n, NeighbourVisitor f) {
        int sx = 1, sy = n[0], sz = n[0] * n[1];
        for (int k = 0, v = 0; k < n[2]; k++) {
            for (int j = 0; j < n[1]; j++) {
                for (int i = 0; i < n[0]; i++, v++) {
                    if (i > 0) f.visit(v, v - sx);
                    if (i < n[0] - 1) f.visit(v, v + sx);
                    if (j > 0) f.visit(v, v - sy);
                    if (j < n[1] - 1) f.visit(v, v + sy);
                    if (k > 0) f.visit(v, v - sz);
                    if (k < n[2] - 1) f.visit(v, v + sz);
                }
            }
        }
    }

    /** Box-Muller on two Philox words, in StrictMath so that files are identical on every JVM. */
    private static double gaussian(int w0, int w1) {
        double u1 = ((w0 & 0xFFFFFFFFL) + 1) * 0x1.0p-32;
        double u2 = (w1 & 0xFFFFFFFFL) * 0x1.0p-32;
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
    }
}
