package org.voxelforge.data.augment;

import java.util.List;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.data.sampling.Patch;

/**
 * Elastic deformation, rotation and scaling combined into one resampling per sample, as
 * batchgenerators' SpatialTransform does: a coordinate grid centred on the patch is displaced
 * (elastic), rotated, then scaled, and the patch is read at those coordinates once: trilinear
 * for image channels, nearest for the label map and the annotation mask. Coordinates outside
 * the patch read 0 (image 0, label 0, not annotated).
 *
 * <p>Each part fires with its own probability. Rotation draws one angle per axis, uniform in
 * {@code [-maxAngle[a], maxAngle[a]]} radians; scaling one factor in {@code [scaleLo, scaleHi]}
 * (a factor below 1 zooms in, as in batchgenerators); elastic a displacement per axis, uniform
 * noise in [-1, 1] smoothed by a Gaussian of sigma in {@code [sigmaLo, sigmaHi]} voxels (constant
 * border) and multiplied by alpha in {@code [alphaLo, alphaHi]}.
 */
public final class SpatialTransform implements DrawableTransform {
    private final double pElastic, alphaLo, alphaHi, sigmaLo, sigmaHi;
    private final double pRotation;
    private final double[] maxAngle;
    private final double pScale, scaleLo, scaleHi;

    public SpatialTransform(double pElastic, double alphaLo, double alphaHi, double sigmaLo, double sigmaHi,
                            double pRotation, double[] maxAngle, double pScale, double scaleLo, double scaleHi) {
        for (double p : new double[] {pElastic, pRotation, pScale}) {
            if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("spatial transform: probability " + p + " must be in [0, 1]");
        }
        RandomTransform.checkRange("spatial transform: elastic alpha", alphaLo, alphaHi);
        RandomTransform.checkRange("spatial transform: elastic sigma", sigmaLo, sigmaHi);
        RandomTransform.checkRange("spatial transform: scale", scaleLo, scaleHi);
        if (maxAngle.length != 3) {
            throw new IllegalArgumentException("spatial transform: " + maxAngle.length + " rotation angles; expected one per axis [X, Y, Z]");
        }
        if (!(scaleLo > 0)) throw new IllegalArgumentException("spatial transform: scale range starts at " + scaleLo + "; must be > 0");
        this.pElastic = pElastic; this.alphaLo = alphaLo; this.alphaHi = alphaHi; this.sigmaLo = sigmaLo; this.sigmaHi = sigmaHi;
        this.pRotation = pRotation; this.maxAngle = maxAngle.clone();
        this.pScale = pScale; this.scaleLo = scaleLo; this.scaleHi = scaleHi;
    }

    /** nnU-Net-like defaults: no elastic, rotation up to 30 degrees per axis (p 0.2), scale 0.7..1.4 (p 0.2). */
    public static SpatialTransform nnUNetDefaults() {
        double a = Math.toRadians(30);
        return new SpatialTransform(0, 0, 200, 9, 13, 0.2, new double[] {a, a, a}, 0.2, 0.7, 1.4);
    }

    @Override public void draw(PatchShape shape, RandomGenerator rng, List<AugmentStep> out) {
        boolean elastic = rng.nextDouble() < pElastic;
        boolean rotate = rng.nextDouble() < pRotation;
        boolean scale = rng.nextDouble() < pScale;
        if (!elastic && !rotate && !scale) return;
        Elastic field = null;
        if (elastic) {
            double alpha = RandomTransform.uniform(rng, alphaLo, alphaHi);
            double sigma = RandomTransform.uniform(rng, sigmaLo, sigmaHi);
            long[] counters = new long[3];
            for (int a = 0; a < 3; a++) counters[a] = rng.advance(shape.voxels());
            field = new Elastic(alpha, sigma, rng.key(), counters);
        }
        double[][] rot = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        if (rotate) {
            double[] ang = new double[3];
            for (int a = 0; a < 3; a++) ang[a] = RandomTransform.uniform(rng, -maxAngle[a], maxAngle[a]);
            rot = rotationMatrix(ang);
        }
        double s = scale ? RandomTransform.uniform(rng, scaleLo, scaleHi) : 1.0;
        out.add(new Step(field, rot, s));
    }

    /**
     * The elastic displacement: per axis a, uniform noise in [-1, 1) from the Philox stream
     * {@code (key, counters[a] + voxel)}, blurred with {@code sigma} (constant 0 border), times alpha.
     */
    public record Elastic(double alpha, double sigma, long key, long[] counters) {
        /** The displacement field [3][voxels] on the CPU. */
        public float[][] field(int[] dims) {
            int n = dims[0] * dims[1] * dims[2];
            float[][] disp = new float[3][];
            for (int a = 0; a < 3; a++) {
                disp[a] = VolumeOps.philox(RandomGenerator.Distribution.UNIFORM, -1, 1, key, counters[a], n);
                VolumeOps.gaussianBlur(disp[a], 0, dims, sigma, false);
                for (int i = 0; i < n; i++) disp[a][i] *= (float) alpha;
            }
            return disp;
        }
    }

    /**
     * One resampling at {@code centre + scale * rotation * (grid - centre + elastic)}; elastic may
     * be null (no displacement), rotation is the identity and scale 1 when those parts did not fire.
     */
    public record Step(Elastic elastic, double[][] rotation, double scale) implements AugmentStep {
        @Override public void apply(Patch p) {
            resample(p, elastic == null ? null : elastic.field(p.dims), rotation, scale);
        }

        /**
         * The map of {@link org.voxelforge.core.fused.AffineResample} for a patch of {@code dims}:
         * M = [scale R | ctr], origin = ctr (ctr the patch centre), as a row-major 3x4 matrix.
         */
        public double[] matrix(int[] dims) {
            double[] m = new double[12];
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) m[4 * r + c] = scale * rotation[r][c];
                m[4 * r + 3] = (dims[r] - 1) / 2.0;
            }
            return m;
        }

        /** The patch centre, the map's origin. */
        public static double[] centre(int[] dims) {
            return new double[] {(dims[0] - 1) / 2.0, (dims[1] - 1) / 2.0, (dims[2] - 1) / 2.0};
        }
    }

    /** R = Rx(ax) * Ry(ay) * Rz(az), a rotation about each axis of [X, Y, Z]. */
    static double[][] rotationMatrix(double[] ang) {
        double cx = Math.cos(ang[0]), sx = Math.sin(ang[0]);
        double cy = Math.cos(ang[1]), sy = Math.sin(ang[1]);
        double cz = Math.cos(ang[2]), sz = Math.sin(ang[2]);
        double[][] rx = {{1, 0, 0}, {0, cx, -sx}, {0, sx, cx}};
        double[][] ry = {{cy, 0, sy}, {0, 1, 0}, {-sy, 0, cy}};
        double[][] rz = {{cz, -sz, 0}, {sz, cz, 0}, {0, 0, 1}};
        return mul(mul(rx, ry), rz);
    }

    private static double[][] mul(double[][] a, double[][] b) {
        double[][] c = new double[3][3];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++) c[i][j] += a[i][k] * b[k][j];
        return c;
    }

    /**
     * Reads the patch at coordinates {@code centre + scale * R * (grid - centre + disp)}; disp may
     * be null. One pass over the grid serves every channel, the label and the mask.
     */
    public static void resample(Patch p, float[][] disp, double[][] rot, double scale) {
        int[] d = p.dims;
        int n = p.voxels();
        double[] ctr = {(d[0] - 1) / 2.0, (d[1] - 1) / 2.0, (d[2] - 1) / 2.0};
        float[] img = new float[p.image.length];
        byte[] lab = new byte[n];
        byte[] msk = p.mask == null ? null : new byte[n];
        int i = 0;
        for (int x = 0; x < d[0]; x++)
            for (int y = 0; y < d[1]; y++)
                for (int z = 0; z < d[2]; z++, i++) {
                    double cx = x - ctr[0], cy = y - ctr[1], cz = z - ctr[2];
                    if (disp != null) { cx += disp[0][i]; cy += disp[1][i]; cz += disp[2][i]; }
                    double sx = scale * (rot[0][0] * cx + rot[0][1] * cy + rot[0][2] * cz) + ctr[0];
                    double sy = scale * (rot[1][0] * cx + rot[1][1] * cy + rot[1][2] * cz) + ctr[1];
                    double sz = scale * (rot[2][0] * cx + rot[2][1] * cy + rot[2][2] * cz) + ctr[2];
                    for (int c = 0; c < p.channels; c++) img[c * n + i] = VolumeOps.trilinear(p.image, c * n, d, sx, sy, sz);
                    int src = VolumeOps.nearest(d, sx, sy, sz);
                    if (src >= 0) {
                        lab[i] = p.label[src];
                        if (msk != null) msk[i] = p.mask[src];
                    }
                }
        p.image = img;
        p.label = lab;
        p.mask = msk;
    }
}
