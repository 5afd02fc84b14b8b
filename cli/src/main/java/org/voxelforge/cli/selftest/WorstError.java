package org.voxelforge.cli.selftest;

/**
 * The worst error over tolerance a kernel check has seen, and where: the one measure the kernel
 * checks report (1 = at the bound; a NaN anywhere counts as infinitely wrong).
 */
final class WorstError {
    private double ratio = 0;
    private String where = "";

    /** Largest |want - got| over {@code tol * max(1, max |want|)}. */
    void floats(String what, float[] want, float[] got, double tol) {
        double scale = 1, err = 0;
        for (float w : want) scale = Math.max(scale, Math.abs(w));
        for (int i = 0; i < want.length; i++) {
            double e = Math.abs((double) want[i] - got[i]);
            err = Double.isNaN(e) ? Double.POSITIVE_INFINITY : Math.max(err, e);
        }
        note(what, err / (tol * scale));
    }

    /** As {@link #floats} against a float64 reference. */
    void doubles(String what, double[] want, float[] got, double tol) {
        double scale = 1, err = 0;
        for (double w : want) scale = Math.max(scale, Math.abs(w));
        for (int i = 0; i < want.length; i++) {
            double e = Math.abs(want[i] - got[i]);
            err = Double.isNaN(e) ? Double.POSITIVE_INFINITY : Math.max(err, e);
        }
        note(what, err / (tol * scale));
    }

    /**
     * Largest |want - got| over {@code tol * max |want|}, without the floor of 1 of {@link #floats}:
     * for outputs far below 1 (loss gradients ~1e-3). An all-zero reference tests nothing and counts
     * as infinitely wrong.
     */
    void relativeToLargest(String what, float[] want, float[] got, double tol) {
        double scale = 0, err = 0;
        for (float w : want) scale = Math.max(scale, Math.abs(w));
        if (scale == 0) {
            note(what + " (reference all zero: tests nothing)", Double.POSITIVE_INFINITY);
            return;
        }
        for (int i = 0; i < want.length; i++) {
            double e = Math.abs((double) want[i] - got[i]);
            err = Double.isNaN(e) ? Double.POSITIVE_INFINITY : Math.max(err, e);
        }
        note(what, err / (tol * scale));
    }

    /** Largest over the elements of |want_i - got_i| / (tol * max(1, |want_i|)): each value relative to itself. */
    void eachRelative(String what, float[] want, float[] got, double tol) {
        double r = 0;
        for (int i = 0; i < want.length; i++) {
            double e = Math.abs((double) want[i] - got[i]) / (tol * Math.max(1, Math.abs(want[i])));
            r = Double.isNaN(e) ? Double.POSITIVE_INFINITY : Math.max(r, e);
        }
        note(what, r);
    }

    /** Integers (labels, masks) exactly: 0, or infinitely wrong with the first difference named. */
    void exact(String what, int[] want, int[] got) {
        if (want.length != got.length) {
            note(what + " (" + got.length + " values, expected " + want.length + ")", Double.POSITIVE_INFINITY);
            return;
        }
        for (int i = 0; i < want.length; i++) {
            if (want[i] != got[i]) {
                note(what + " (first difference at " + i + ": " + got[i] + ", expected " + want[i] + ")", Double.POSITIVE_INFINITY);
                return;
            }
        }
        note(what, 0);
    }

    /** Bit for bit: 0, or infinitely wrong at the first difference. */
    void exact(String what, float[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                note(what, Double.POSITIVE_INFINITY);
                return;
            }
        }
        note(what, 0);
    }

    /** |want - got| over an absolute tolerance. */
    void value(String what, double want, double got, double tol) {
        double e = Math.abs(want - got);
        note(what, Double.isNaN(e) ? Double.POSITIVE_INFINITY : e / tol);
    }

    void note(String what, double r) {
        if (!(r <= ratio)) {
            ratio = r;
            where = what;
        }
    }

    double ratio() { return ratio; }

    /** PASS when the worst ratio is at most 1; the detail ends with where the worst error was. */
    SelfTestResult result(String name, String detail) {
        return SelfTestResult.compare(name, ratio, 1.0, detail + "; error / tolerance" + (where.isEmpty() ? "" : ", worst: " + where));
    }
}
