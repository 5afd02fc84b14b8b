package org.voxelforge.data.augment;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.fused.AffineResample;
import org.voxelforge.data.sampling.Patch;

/**
 * {@link AffineResample} (the CPU twin of resample.cuh) against {@link SpatialTransform#resample}:
 * SpatialTransform's rotation R, scale s about the patch centre ctr plus a displacement field is
 * the map M = [s R | ctr], origin = ctr.
 *
 * <p>Tolerance: SpatialTransform computes s * (R c) where the twin computes (s R) c (a double
 * rounding apart, ~1e-16 of a coordinate), and interpolates in double where the twin uses float
 * weights and sums: |difference| <= ~8 float roundings of the largest |value| (8 * 6e-8), so 1e-6
 * of it. Labels and the annotation mask must be identical (a flip would need a source point
 * within ~1e-15 voxel of an x.5 tie; none occurs in these draws, and identity and pure-scale maps
 * produce exact ties the same way on both sides).
 */
class AffineResampleTwinTest {

    private static Patch randomPatch(Random rnd, int channels, int[] d, boolean withMask) {
        int n = d[0] * d[1] * d[2];
        float[] img = new float[channels * n];
        for (int i = 0; i < img.length; i++) img[i] = (float) (rnd.nextGaussian() * 3 + 1);
        byte[] lab = new byte[n], msk = withMask ? new byte[n] : null;
        for (int i = 0; i < n; i++) {
            lab[i] = (byte) rnd.nextInt(4);
            if (msk != null) msk[i] = (byte) (rnd.nextDouble() < 0.8 ? 1 : 0);
        }
        return new Patch("case", channels, d, img, lab, msk);
    }

    private static void compare(Random rnd, int[] d, int channels, boolean elastic, double[] angles, double scale, boolean withMask) {
        Patch p = randomPatch(rnd, channels, d, withMask);
        int n = p.voxels();
        float[][] disp = null;
        float[] flat = null;
        if (elastic) {
            disp = new float[3][n];
            flat = new float[3 * n];
            for (int a = 0; a < 3; a++) for (int i = 0; i < n; i++) flat[a * n + i] = disp[a][i] = (float) (rnd.nextGaussian() * 1.5);
        }
        double[][] rot = SpatialTransform.rotationMatrix(angles);
        double[] ctr = {(d[0] - 1) / 2.0, (d[1] - 1) / 2.0, (d[2] - 1) / 2.0};
        double[] m = new double[12];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) m[4 * r + c] = scale * rot[r][c];
            m[4 * r + 3] = ctr[r];
        }
        AffineResample.Map map = new AffineResample.Map(d, d, m, ctr, flat);
        float[] twinImg = AffineResample.images(map, p.image, channels, 0f);
        int[] twinLab = AffineResample.labels(map, labelChannels(p), withMask ? 2 : 1, 0);

        Patch ref = p.copy();
        SpatialTransform.resample(ref, disp, rot, scale);
        String tag = java.util.Arrays.toString(d) + " C=" + channels + " elastic=" + elastic + " angles="
                + java.util.Arrays.toString(angles) + " scale=" + scale;
        double big = 1;
        for (float v : ref.image) big = Math.max(big, Math.abs(v));
        for (int i = 0; i < twinImg.length; i++) assertEquals(ref.image[i], twinImg[i], 1e-6 * big, tag + ": image value " + i);
        for (int i = 0; i < n; i++) {
            assertEquals(ref.label[i], twinLab[i], tag + ": label at " + i);
            if (withMask) assertEquals(ref.mask[i], twinLab[n + i], tag + ": mask at " + i);
        }
    }

    /** Label then (if present) mask, as int32 label channels. */
    private static int[] labelChannels(Patch p) {
        int n = p.voxels();
        int[] out = new int[(p.mask == null ? 1 : 2) * n];
        for (int i = 0; i < n; i++) {
            out[i] = p.label[i];
            if (p.mask != null) out[n + i] = p.mask[i];
        }
        return out;
    }

    @Test void rotationScaleAndElasticMatchSpatialTransform() {
        Random rnd = new Random(17);
        int[][] shapes = {{9, 10, 11}, {8, 8, 8}, {5, 12, 7}};
        for (int[] d : shapes) {
            compare(rnd, d, 2, false, new double[] {0, 0, 0}, 1.0, true);               // identity: exact ties
            compare(rnd, d, 1, false, new double[] {0, 0, 0}, 0.8, false);              // pure scale
            for (int t = 0; t < 3; t++) {
                double[] ang = {rnd.nextDouble() - 0.5, rnd.nextDouble() - 0.5, rnd.nextDouble() - 0.5};
                compare(rnd, d, 3, t > 0, ang, 0.7 + 0.7 * rnd.nextDouble(), t != 1);
            }
        }
    }
}
