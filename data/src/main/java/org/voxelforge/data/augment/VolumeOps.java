package org.voxelforge.data.augment;

import org.voxelforge.core.Backends;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;

/**
 * Helpers on row-major float volumes {@code [X, Y, Z]} stored at an offset of a larger array. The
 * Gaussian kernel and the reflection are public for the device executor (augment.device), which
 * must blur with the very same taps.
 */
public final class VolumeOps {
    /** {@code n} values of the CPU's Philox {@code dist}(a, b) stream {@code (key, counter + i)}: what a device fills from the same key and counter. */
    static float[] philox(RandomGenerator.Distribution dist, double a, double b, long key, long counter, int n) {
        try (Tensor t = Tensor.zeros(DType.FLOAT32, n)) {
            Backends.cpu().fillRandom(t, dist, a, b, key, counter);
            return t.toFloatArray();
        }
    }

    private VolumeOps() {}

    /** SciPy's gaussian_filter kernel: truncated at 4 sigma, normalized to sum 1. */
    public static double[] gaussianKernel(double sigma) {
        int r = Math.max(1, (int) Math.ceil(4 * sigma));
        double[] k = new double[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-0.5 * i * i / (sigma * sigma));
        for (int i = 0; i < k.length; i++) k[i] /= sum;
        return k;
    }

    /**
     * Separable Gaussian blur of {@code data[off .. off + X*Y*Z)} in place. Border: {@code reflect}
     * ({@code d c b a | a b c d | d c b a}, SciPy's default) or constant 0.
     */
    static void gaussianBlur(float[] data, int off, int[] dims, double sigma, boolean reflect) {
        if (sigma <= 0) return;
        double[] k = gaussianKernel(sigma);
        for (int axis = 0; axis < 3; axis++) blurAxis(data, off, dims, axis, k, reflect);
    }

    static void blurAxis(float[] data, int off, int[] dims, int axis, double[] k, boolean reflect) {
        if (axis == 2) blurContiguousLines(data, off, dims[0] * dims[1], dims[2], k, reflect);
        else blurAcrossRows(data, off, axis == 0 ? 1 : dims[0], dims[axis], axis == 0 ? dims[1] * dims[2] : dims[2], k, reflect);
    }

    /** Blur along the last axis: {@code lines} contiguous lines of length {@code n}. */
    private static void blurContiguousLines(float[] data, int off, int lines, int n, double[] k, boolean reflect) {
        int r = k.length / 2;
        double[] line = new double[n];
        for (int l = 0; l < lines; l++) {
            int base = off + l * n;
            for (int i = 0; i < n; i++) line[i] = data[base + i];
            for (int i = 0; i < n; i++) {
                double acc = 0;
                for (int t = -r; t <= r; t++) {
                    int j = i + t;
                    if (j < 0 || j >= n) {
                        if (!reflect) continue;
                        j = reflectIndex(j, n);
                    }
                    acc += k[t + r] * line[j];
                }
                data[base + i] = (float) acc;
            }
        }
    }

    /**
     * Blur along a middle axis of a volume seen as {@code [outer, n, row]}: each output row is a
     * weighted sum of whole input rows, so the inner loop runs over contiguous memory.
     */
    private static void blurAcrossRows(float[] data, int off, int outer, int n, int row, double[] k, boolean reflect) {
        int r = k.length / 2;
        float[] slab = new float[n * row];
        double[] acc = new double[row];
        for (int o = 0; o < outer; o++) {
            int base = off + o * n * row;
            System.arraycopy(data, base, slab, 0, n * row);
            for (int i = 0; i < n; i++) {
                java.util.Arrays.fill(acc, 0);
                for (int t = -r; t <= r; t++) {
                    int j = i + t;
                    if (j < 0 || j >= n) {
                        if (!reflect) continue;
                        j = reflectIndex(j, n);
                    }
                    double w = k[t + r];
                    int src = j * row;
                    for (int v = 0; v < row; v++) acc[v] += w * slab[src + v];
                }
                int dst = base + i * row;
                for (int v = 0; v < row; v++) data[dst + v] = (float) acc[v];
            }
        }
    }

    /** Half-sample symmetric reflection into [0, n). */
    public static int reflectIndex(int j, int n) {
        int period = 2 * n;
        j = Math.floorMod(j, period);
        return j < n ? j : period - 1 - j;
    }

    /** Trilinear value at (x, y, z) with constant 0 outside the volume. */
    static float trilinear(float[] v, int off, int[] d, double x, double y, double z) {
        int x0 = (int) Math.floor(x), y0 = (int) Math.floor(y), z0 = (int) Math.floor(z);
        double fx = x - x0, fy = y - y0, fz = z - z0;
        double acc = 0;
        for (int a = 0; a < 2; a++) {
            int xi = x0 + a;
            if (xi < 0 || xi >= d[0]) continue;
            double wx = a == 0 ? 1 - fx : fx;
            if (wx == 0) continue;
            for (int b = 0; b < 2; b++) {
                int yi = y0 + b;
                if (yi < 0 || yi >= d[1]) continue;
                double wy = wx * (b == 0 ? 1 - fy : fy);
                if (wy == 0) continue;
                int row = off + (xi * d[1] + yi) * d[2];
                for (int c = 0; c < 2; c++) {
                    int zi = z0 + c;
                    if (zi < 0 || zi >= d[2]) continue;
                    double w = wy * (c == 0 ? 1 - fz : fz);
                    if (w != 0) acc += w * v[row + zi];
                }
            }
        }
        return (float) acc;
    }

    /** Flat index of the nearest voxel to (x, y, z), or -1 outside the volume. */
    static int nearest(int[] d, double x, double y, double z) {
        int xi = (int) Math.floor(x + 0.5), yi = (int) Math.floor(y + 0.5), zi = (int) Math.floor(z + 0.5);
        if (xi < 0 || xi >= d[0] || yi < 0 || yi >= d[1] || zi < 0 || zi >= d[2]) return -1;
        return (xi * d[1] + yi) * d[2] + zi;
    }

    /** {min, max, mean, std} of {@code v[off .. off+n)}. */
    static double[] stats(float[] v, int off, int n) {
        double mn = Double.POSITIVE_INFINITY, mx = Double.NEGATIVE_INFINITY, sum = 0;
        for (int i = off; i < off + n; i++) {
            mn = Math.min(mn, v[i]);
            mx = Math.max(mx, v[i]);
            sum += v[i];
        }
        double mean = sum / n, ss = 0;
        for (int i = off; i < off + n; i++) ss += (v[i] - mean) * (v[i] - mean);
        return new double[] {mn, mx, mean, Math.sqrt(ss / n)};
    }
}
