package org.voxelforge.data.orient;

/**
 * Small dense-matrix helpers for 4x4 voxel-to-world affines (row-major {@code double[4][4]},
 * last row 0 0 0 1) and the 3x3 rotations inside them.
 */
public final class Affines {
    private Affines() {}

    public static double[][] identity(int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) m[i][i] = 1;
        return m;
    }

    public static double[][] copy(double[][] m) {
        double[][] c = new double[m.length][];
        for (int i = 0; i < m.length; i++) c[i] = m[i].clone();
        return c;
    }

    public static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length, k = b.length, m = b[0].length;
        double[][] c = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += a[i][p] * b[p][j];
                c[i][j] = s;
            }
        }
        return c;
    }

    public static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < a[0].length; j++) t[j][i] = a[i][j];
        return t;
    }

    public static double det3(double[][] m) {
        return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
                - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    }

    /** Inverse of a 3x3 matrix, or null when it is singular. */
    public static double[][] inverse3(double[][] m) {
        double d = det3(m);
        if (d == 0 || !Double.isFinite(d)) return null;
        double[][] r = new double[3][3];
        r[0][0] = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) / d;
        r[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) / d;
        r[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) / d;
        r[1][0] = (m[1][2] * m[2][0] - m[1][0] * m[2][2]) / d;
        r[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / d;
        r[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) / d;
        r[2][0] = (m[1][0] * m[2][1] - m[1][1] * m[2][0]) / d;
        r[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) / d;
        r[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / d;
        return r;
    }

    /** The upper-left 3x3 block. */
    public static double[][] linearPart(double[][] affine) {
        double[][] r = new double[3][3];
        for (int i = 0; i < 3; i++) System.arraycopy(affine[i], 0, r[i], 0, 3);
        return r;
    }

    /** Euclidean length of each column of the 3x3 block: the voxel sizes. */
    public static double[] columnNorms(double[][] affine) {
        double[] z = new double[3];
        for (int j = 0; j < 3; j++) {
            double s = 0;
            for (int i = 0; i < 3; i++) s += affine[i][j] * affine[i][j];
            z[j] = Math.sqrt(s);
        }
        return z;
    }

    /**
     * The orthogonal matrix closest to {@code m} (the polar factor), by Newton's iteration
     * X <- (X + X^-T) / 2, which converges quadratically for any non-singular matrix. Returns
     * null for a singular one.
     */
    public static double[][] closestOrthogonal(double[][] m) {
        double[][] x = copy(m);
        for (int it = 0; it < 100; it++) {
            double[][] inv = inverse3(x);
            if (inv == null) return null;
            double[][] invT = transpose(inv);
            double change = 0;
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    double nx = 0.5 * (x[i][j] + invT[i][j]);
                    change = Math.max(change, Math.abs(nx - x[i][j]));
                    x[i][j] = nx;
                }
            }
            if (change < 1e-15) break;
        }
        return x;
    }

    /** Rotation matrix of the unit quaternion (w, x, y, z), as nibabel's quat2mat. */
    public static double[][] quaternionToMatrix(double w, double x, double y, double z) {
        double n = w * w + x * x + y * y + z * z;
        if (n < Math.ulp(1.0)) return identity(3);
        double s = 2.0 / n;
        double xs = x * s, ys = y * s, zs = z * s;
        double wx = w * xs, wy = w * ys, wz = w * zs;
        double xx = x * xs, xy = x * ys, xz = x * zs;
        double yy = y * ys, yz = y * zs, zz = z * zs;
        return new double[][] {
            {1 - (yy + zz), xy - wz, xz + wy},
            {xy + wz, 1 - (xx + zz), yz - wx},
            {xz - wy, yz + wx, 1 - (xx + yy)}};
    }

    /**
     * Quaternion (w, x, y, z) with w >= 0 of a proper rotation matrix (det +1), by the
     * numerically stable branch on the largest diagonal term.
     */
    public static double[] matrixToQuaternion(double[][] r) {
        double tr = r[0][0] + r[1][1] + r[2][2];
        double w, x, y, z;
        if (tr > 0) {
            double s = Math.sqrt(tr + 1.0) * 2;
            w = 0.25 * s;
            x = (r[2][1] - r[1][2]) / s;
            y = (r[0][2] - r[2][0]) / s;
            z = (r[1][0] - r[0][1]) / s;
        } else if (r[0][0] > r[1][1] && r[0][0] > r[2][2]) {
            double s = Math.sqrt(1.0 + r[0][0] - r[1][1] - r[2][2]) * 2;
            w = (r[2][1] - r[1][2]) / s;
            x = 0.25 * s;
            y = (r[0][1] + r[1][0]) / s;
            z = (r[0][2] + r[2][0]) / s;
        } else if (r[1][1] > r[2][2]) {
            double s = Math.sqrt(1.0 + r[1][1] - r[0][0] - r[2][2]) * 2;
            w = (r[0][2] - r[2][0]) / s;
            x = (r[0][1] + r[1][0]) / s;
            y = 0.25 * s;
            z = (r[1][2] + r[2][1]) / s;
        } else {
            double s = Math.sqrt(1.0 + r[2][2] - r[0][0] - r[1][1]) * 2;
            w = (r[1][0] - r[0][1]) / s;
            x = (r[0][2] + r[2][0]) / s;
            y = (r[1][2] + r[2][1]) / s;
            z = 0.25 * s;
        }
        if (w < 0) { w = -w; x = -x; y = -y; z = -z; }
        return new double[] {w, x, y, z};
    }

    public static String format(double[][] m) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < m.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(java.util.Arrays.toString(m[i]));
        }
        return sb.append(']').toString();
    }
}
