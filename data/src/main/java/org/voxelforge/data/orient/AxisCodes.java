package org.voxelforge.data.orient;

import java.util.Locale;

/**
 * Anatomical axis codes of a voxel grid, in nibabel's convention: each letter is the direction an
 * axis points TO as its voxel index grows, in NIfTI's RAS+ world. "RAS" means i runs toward the
 * subject's Right, j toward Anterior, k toward Superior; "LPS" is DICOM's patient frame.
 *
 * <p>ITK, ANTs and SimpleITK name orientations the other way round (the letter an axis comes
 * FROM), so ANTs' "RAI" (MIST reorients to it) is nibabel's "LPS". {@link #fromItk} converts.
 */
public final class AxisCodes {
    private static final String POSITIVE = "RAS";
    private static final String NEGATIVE = "LPI";

    private AxisCodes() {}

    /**
     * For each of the first three voxel axes: which world axis it follows most closely (0 = x,
     * 1 = y, 2 = z) and in which direction (+1 or -1), or -1/0 for an axis with no extent.
     * This is nibabel's io_orientation: the closest orthogonal matrix to the affine's
     * normalized columns, then a greedy pick of the largest remaining entry per voxel axis.
     */
    public static int[][] orientation(double[][] affine) {
        double[][] rzs = Affines.linearPart(affine);
        double[] zooms = Affines.columnNorms(affine);
        double[][] rs = new double[3][3];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) rs[i][j] = rzs[i][j] / (zooms[j] == 0 ? 1 : zooms[j]);
        double[][] r = Affines.closestOrthogonal(rs);
        if (r == null) r = rs; // singular (an axis without extent): pick from the columns as they are
        int[][] ornt = new int[3][];
        for (int in = 0; in < 3; in++) {
            int best = -1;
            double bestAbs = 0;
            boolean allZero = true;
            for (int out = 0; out < 3; out++) {
                double a = Math.abs(r[out][in]);
                if (a > 1e-8) allZero = false;
                if (a > bestAbs) { bestAbs = a; best = out; }
            }
            if (allZero || best < 0) {
                ornt[in] = new int[] {-1, 0};
                continue;
            }
            ornt[in] = new int[] {best, r[best][in] < 0 ? -1 : 1};
            for (int j = 0; j < 3; j++) r[best][j] = 0; // each world axis is claimed once
        }
        return ornt;
    }

    /** nibabel's aff2axcodes: e.g. "RAS" or "LPS"; '?' for an axis without extent. */
    public static String fromAffine(double[][] affine) {
        int[][] o = orientation(affine);
        StringBuilder sb = new StringBuilder(3);
        for (int[] ax : o) sb.append(ax[1] == 0 ? '?' : ax[1] > 0 ? POSITIVE.charAt(ax[0]) : NEGATIVE.charAt(ax[0]));
        return sb.toString();
    }

    /** Checks and upper-cases a three-letter code with one letter from each of R/L, A/P, S/I. */
    public static String parse(String code) {
        String c = code == null ? "" : code.trim().toUpperCase(Locale.ROOT);
        boolean ok = c.length() == 3;
        boolean[] seen = new boolean[3];
        for (int i = 0; ok && i < 3; i++) {
            int w = worldAxis(c.charAt(i));
            ok = w >= 0 && !seen[w];
            if (ok) seen[w] = true;
        }
        if (!ok) {
            throw new IllegalArgumentException("orientation code '" + code + "' is not valid: expected three letters, one each"
                    + " from R/L, A/P and S/I, such as RAS or LPS (nibabel's convention: the direction each axis points to)");
        }
        return c;
    }

    /** 0 for R/L, 1 for A/P, 2 for S/I, -1 otherwise. */
    public static int worldAxis(char letter) {
        int p = POSITIVE.indexOf(letter);
        return p >= 0 ? p : NEGATIVE.indexOf(letter);
    }

    /** +1 when {@code letter} is R, A or S; -1 for L, P, I. */
    public static int sign(char letter) { return POSITIVE.indexOf(letter) >= 0 ? 1 : -1; }

    /** The opposite letter: R <-> L, A <-> P, S <-> I. */
    public static char opposite(char letter) {
        int p = POSITIVE.indexOf(letter);
        return p >= 0 ? NEGATIVE.charAt(p) : POSITIVE.charAt(NEGATIVE.indexOf(letter));
    }

    /** An ITK/ANTs orientation name (letters an axis comes from) as our code: "RAI" -> "LPS". */
    public static String fromItk(String itkCode) {
        String c = parse(itkCode);
        StringBuilder sb = new StringBuilder(3);
        for (int i = 0; i < 3; i++) sb.append(opposite(c.charAt(i)));
        return sb.toString();
    }
}
