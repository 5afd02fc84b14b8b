package org.voxelforge.train.inference;

import java.util.Arrays;
import org.voxelforge.core.Tensor;

/**
 * nnU-Net's importance map for stitching sliding windows: a Gaussian centred on voxel
 * {@code p / 2} of each axis (integer division, as nnU-Net's {@code center_coords}) with
 * sigma = {@code sigmaScale * p} per axis (1/8 by default), normalized so its maximum is 1.
 *
 * <p>nnU-Net builds it by running scipy's {@code gaussian_filter} on a delta at the centre; that
 * equals the product of sampled 1-D Gaussians, truncated at radius {@code int(4 sigma + 0.5)}
 * (scipy's default truncate = 4), which is what we compute directly. Voxels past the radius are
 * 0 there; like nnU-Net we replace zeros by the smallest non-zero value so that every voxel of a
 * window has weight and the division by the accumulated weights is defined.
 *
 * <p>For odd sizes the map is mirror-symmetric; for even sizes it is symmetric about voxel p/2.
 */
public final class GaussianImportance {
    public static final double DEFAULT_SIGMA_SCALE = 1.0 / 8;

    private GaussianImportance() {}

    /** The map as a float32 tensor of shape {@code patch} ([X, Y, Z]). */
    public static Tensor map(int[] patch, double sigmaScale) {
        return Tensor.of(values(patch, sigmaScale), patch);
    }

    /** The map, row-major (last axis fastest). */
    public static float[] values(int[] patch, double sigmaScale) {
        if (patch.length != 3 || Arrays.stream(patch).anyMatch(p -> p < 1) || !(sigmaScale > 0)) {
            throw new IllegalArgumentException("Gaussian importance map: needs a patch of 3 sizes >= 1 and sigma scale > 0, got "
                    + Arrays.toString(patch) + " and " + sigmaScale);
        }
        double[][] axis = new double[3][];
        for (int a = 0; a < 3; a++) axis[a] = profile(patch[a], sigmaScale * patch[a]);
        float[] out = new float[patch[0] * patch[1] * patch[2]];
        float minNonZero = Float.MAX_VALUE;
        int i = 0;
        for (int x = 0; x < patch[0]; x++) {
            for (int y = 0; y < patch[1]; y++) {
                for (int z = 0; z < patch[2]; z++, i++) {
                    float v = (float) (axis[0][x] * axis[1][y] * axis[2][z]);
                    out[i] = v;
                    if (v > 0 && v < minNonZero) minNonZero = v;
                }
            }
        }
        for (int j = 0; j < out.length; j++) if (out[j] == 0) out[j] = minNonZero;
        return out;
    }

    /** exp(-d^2 / (2 sigma^2)) for d = i - p/2, zero past scipy's truncation radius; 1 at the centre. */
    static double[] profile(int p, double sigma) {
        int centre = p / 2;
        int radius = (int) (4.0 * sigma + 0.5);
        double[] g = new double[p];
        for (int i = 0; i < p; i++) {
            int d = i - centre;
            g[i] = Math.abs(d) > radius ? 0 : Math.exp(-0.5 * d * d / (sigma * sigma));
        }
        return g;
    }
}
