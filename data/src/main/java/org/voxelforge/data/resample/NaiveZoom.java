package org.voxelforge.data.resample;

/**
 * The slow, obviously right twin of {@link Zoom}, written independently of it: the cubic
 * coefficients come from solving the tridiagonal interpolation system
 * {@code (c[i-1] + 4 c[i] + c[i+1]) / 6 = f[i]} (mirror boundary) line by line, and every
 * output voxel sums its full (order+1)^N stencil with the B-spline kernel evaluated from its
 * textbook piecewise definition, as SciPy's {@code NI_ZoomShift} does. For tests only.
 */
public final class NaiveZoom {
    private NaiveZoom() {}

    public static double[] resize(double[] data, int[] dims, int[] outDims, int order) {
        Zoom.check(data.length, dims, outDims, order);
        int rank = dims.length;
        double[] coeff = data.clone();
        if (order == 3) {
            for (int axis = 0; axis < rank; axis++) solveAlongAxis(coeff, dims, axis);
        }
        int taps = order + 1;
        long outN = 1;
        for (int d : outDims) outN *= d;
        double[] out = new double[(int) outN];
        int[] k = new int[rank];
        int[][] start = new int[rank][];
        double[][] pos = new double[rank][];
        for (int a = 0; a < rank; a++) {
            start[a] = new int[outDims[a]];
            pos[a] = new double[outDims[a]];
            for (int j = 0; j < outDims[a]; j++) {
                double x = outDims[a] == 1 ? 0.0 : j * ((double) (dims[a] - 1) / (outDims[a] - 1));
                x = Math.min(x, dims[a] - 1);
                pos[a][j] = x;
                start[a][j] = order == 0 ? (int) Math.floor(x + 0.5) : (int) Math.floor(x) - order / 2;
            }
        }
        int[] t = new int[rank];
        for (int o = 0; o < out.length; o++) {
            int rem = o;
            for (int a = rank - 1; a >= 0; a--) { k[a] = rem % outDims[a]; rem /= outDims[a]; }
            double sum = 0;
            int stencil = (int) Math.pow(taps, rank);
            for (int s = 0; s < stencil; s++) {
                int r = s;
                for (int a = rank - 1; a >= 0; a--) { t[a] = r % taps; r /= taps; }
                double w = 1;
                int flat = 0;
                for (int a = 0; a < rank; a++) {
                    int i = start[a][k[a]] + t[a];
                    w *= kernel(pos[a][k[a]] - i, order);
                    flat = flat * dims[a] + AxisSampling.mirror(i, dims[a]);
                }
                if (w != 0) sum += w * coeff[flat];
            }
            out[o] = sum;
        }
        return out;
    }

    /** B-spline kernel of the given order at distance {@code d} from its centre. */
    static double kernel(double d, int order) {
        double a = Math.abs(d);
        return switch (order) {
            case 0 -> 1.0; // the single tap chosen by rounding
            case 1 -> Math.max(0.0, 1.0 - a);
            case 3 -> a < 1 ? (4.0 - 6.0 * a * a + 3.0 * a * a * a) / 6.0
                    : a < 2 ? (2.0 - a) * (2.0 - a) * (2.0 - a) / 6.0 : 0.0;
            default -> throw new IllegalArgumentException("order " + order);
        };
    }

    /** Solves the mirror-boundary interpolation system on every line along {@code axis}. */
    static void solveAlongAxis(double[] c, int[] dims, int axis) {
        int n = dims[axis];
        if (n <= 1) return;
        int inner = 1, outer = 1;
        for (int a = axis + 1; a < dims.length; a++) inner *= dims[a];
        for (int a = 0; a < axis; a++) outer *= dims[a];
        double[] f = new double[n], sub = new double[n], diag = new double[n], sup = new double[n];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                for (int q = 0; q < n; q++) {
                    f[q] = c[base + q * inner];
                    sub[q] = 1.0 / 6; diag[q] = 4.0 / 6; sup[q] = 1.0 / 6;
                }
                // mirror: c[-1] = c[1] and c[n] = c[n-2] fold into the first and last rows
                sup[0] = 2.0 / 6;
                sub[n - 1] = 2.0 / 6;
                thomas(sub, diag, sup, f, n);
                for (int q = 0; q < n; q++) c[base + q * inner] = f[q];
            }
        }
    }

    /** Tridiagonal solve in place (the system is diagonally dominant, no pivoting needed). */
    private static void thomas(double[] a, double[] b, double[] c, double[] d, int n) {
        for (int i = 1; i < n; i++) {
            double m = a[i] / b[i - 1];
            b[i] -= m * c[i - 1];
            d[i] -= m * d[i - 1];
        }
        d[n - 1] /= b[n - 1];
        for (int i = n - 2; i >= 0; i--) d[i] = (d[i] - c[i] * d[i + 1]) / b[i];
    }
}
