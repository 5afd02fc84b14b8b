package org.voxelforge.core.fused;

/**
 * CPU twin of kernels/src/main/cuda/resample.cuh (vf_resample_f32_i32): resampling of volumes
 * [X, Y, Z] (row-major, Z fastest) through an explicit affine map plus an optional displacement
 * field, the primitive under SpatialTransform's rotation, scaling and elastic deformation.
 *
 * <p>For output voxel p = (x, y, z): c = p - origin + disp[:, p], and the source point, in input
 * voxels with voxel centres at integer coordinates, is {@code src = M[:, 0:3] c + M[:, 3]} (M row
 * major 3x4). SpatialTransform's map (rotation R about the patch centre ctr, scale s) is M =
 * [s R | ctr], origin = ctr. Images: trilinear, a corner outside the input reads {@code fill};
 * labels: nearest ({@code floor(src + 0.5)}), {@code labelFill} outside.
 *
 * <p>Same arithmetic as the kernel, in the same order: coordinates in double, weights and sums
 * in float, zero-weight corners skipped.
 */
public final class AffineResample {
    private AffineResample() {}

    /** The grids, the map and the field of one resampling. disp: [3 * out voxels] or null. */
    public record Map(int[] in, int[] out, double[] matrix, double[] origin, float[] disp) {
        public Map {
            if (in.length != 3 || out.length != 3 || matrix.length != 12 || origin.length != 3) {
                throw new IllegalArgumentException("affine resample: expected grids [X, Y, Z], a 3x4 matrix (12 values) and a 3-value origin");
            }
            if (disp != null && disp.length != 3L * out[0] * out[1] * out[2]) {
                throw new IllegalArgumentException("affine resample: displacement field of " + disp.length
                        + " values; expected 3 x " + out[0] + " x " + out[1] + " x " + out[2]);
            }
        }

        public int inVoxels() { return in[0] * in[1] * in[2]; }
        public int outVoxels() { return out[0] * out[1] * out[2]; }

        /** Source point of output voxel i (x, y, z). */
        double[] source(int i, int x, int y, int z) {
            int n = outVoxels();
            double cx = x - origin[0], cy = y - origin[1], cz = z - origin[2];
            if (disp != null) { cx += disp[i]; cy += disp[n + i]; cz += disp[2 * n + i]; }
            double[] m = matrix;
            return new double[] {
                m[0] * cx + m[1] * cy + m[2] * cz + m[3],
                m[4] * cx + m[5] * cy + m[6] * cz + m[7],
                m[8] * cx + m[9] * cy + m[10] * cz + m[11]};
        }
    }

    /** Image channels [C, in] -> [C, out], trilinear. */
    public static float[] images(Map map, float[] image, int channels, float fill) {
        int nIn = map.inVoxels(), nOut = map.outVoxels();
        if (image.length != (long) channels * nIn) {
            throw new IllegalArgumentException("affine resample: image of " + image.length + " values does not fit " + channels + " x " + nIn);
        }
        int[] d = map.in();
        float[] out = new float[channels * nOut];
        float[] w = new float[8];
        int[] at = new int[8];
        int i = 0;
        for (int x = 0; x < map.out()[0]; x++)
            for (int y = 0; y < map.out()[1]; y++)
                for (int z = 0; z < map.out()[2]; z++, i++) {
                    double[] s = map.source(i, x, y, z);
                    double flx = Math.floor(s[0]), fly = Math.floor(s[1]), flz = Math.floor(s[2]);
                    int x0 = clampCorner(flx, d[0]), y0 = clampCorner(fly, d[1]), z0 = clampCorner(flz, d[2]);
                    float fx = (float) (s[0] - flx), fy = (float) (s[1] - fly), fz = (float) (s[2] - flz);
                    for (int k = 0; k < 8; k++) {
                        int a = k >> 2, b = (k >> 1) & 1, c = k & 1;
                        int xi = x0 + a, yi = y0 + b, zi = z0 + c;
                        w[k] = (a != 0 ? fx : 1f - fx) * (b != 0 ? fy : 1f - fy) * (c != 0 ? fz : 1f - fz);
                        boolean inside = xi >= 0 && xi < d[0] && yi >= 0 && yi < d[1] && zi >= 0 && zi < d[2];
                        at[k] = inside ? (xi * d[1] + yi) * d[2] + zi : -1;
                    }
                    for (int ch = 0; ch < channels; ch++) {
                        float acc = 0f;
                        for (int k = 0; k < 8; k++) {
                            if (w[k] != 0f) acc += w[k] * (at[k] >= 0 ? image[ch * nIn + at[k]] : fill);
                        }
                        out[ch * nOut + i] = acc;
                    }
                }
        return out;
    }

    /** Label channels [L, in] -> [L, out], nearest. */
    public static int[] labels(Map map, int[] labels, int channels, int labelFill) {
        int nIn = map.inVoxels(), nOut = map.outVoxels();
        if (labels.length != (long) channels * nIn) {
            throw new IllegalArgumentException("affine resample: labels of " + labels.length + " values do not fit " + channels + " x " + nIn);
        }
        int[] d = map.in();
        int[] out = new int[channels * nOut];
        int i = 0;
        for (int x = 0; x < map.out()[0]; x++)
            for (int y = 0; y < map.out()[1]; y++)
                for (int z = 0; z < map.out()[2]; z++, i++) {
                    double[] s = map.source(i, x, y, z);
                    int xi = clampCorner(Math.floor(s[0] + 0.5), d[0]), yi = clampCorner(Math.floor(s[1] + 0.5), d[1]);
                    int zi = clampCorner(Math.floor(s[2] + 0.5), d[2]);
                    boolean inside = xi >= 0 && xi < d[0] && yi >= 0 && yi < d[1] && zi >= 0 && zi < d[2];
                    int at = (xi * d[1] + yi) * d[2] + zi;
                    for (int ch = 0; ch < channels; ch++) out[ch * nOut + i] = inside ? labels[ch * nIn + at] : labelFill;
                }
        return out;
    }

    /** A floored coordinate clamped to [-2, n] (NaN gives -2), as the kernel's vf_clamp_corner. */
    static int clampCorner(double f, int n) { return f >= -2.0 ? (f <= n ? (int) f : n) : -2; }
}
