package org.voxelforge.nn.fused;

import static org.junit.jupiter.api.Assertions.fail;

/** Comparison helper: max |ref - got| <= tol * max(1, max |ref|), reporting the worst element. */
final class Close {
    private Close() {}

    static void assertClose(String what, double[] ref, float[] got, double tol) {
        if (ref.length != got.length) fail(what + ": length " + got.length + ", expected " + ref.length);
        double scale = 1, worst = 0;
        int at = -1;
        for (double r : ref) scale = Math.max(scale, Math.abs(r));
        for (int i = 0; i < ref.length; i++) {
            double e = Math.abs(ref[i] - got[i]);
            if (!(e <= worst)) { worst = e; at = i; }
        }
        if (!(worst <= tol * scale)) {
            fail(what + ": element " + at + " is " + got[at] + ", reference " + ref[at] + " (error " + worst + " > " + tol + " * " + scale + ")");
        }
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
