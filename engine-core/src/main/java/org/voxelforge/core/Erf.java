package org.voxelforge.core;

/**
 * The error function to double precision, for exact GELU and Gaussian CDFs. Java's Math has
 * none. For |x| < 3 the series erf(x) = 2/sqrt(pi) e^{-x^2} sum_n 2^n x^{2n+1} / (1*3*...*(2n+1)),
 * whose terms are all positive (no cancellation); for larger |x| erfc by its continued
 * fraction (Lentz's method); beyond 6, erf is +-1 to double precision.
 */
public final class Erf {
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);

    private Erf() {}

    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double a = Math.abs(x);
        double r;
        if (a < 3.0) {
            double x2 = a * a, term = a, sum = a;
            for (int n = 0; n < 200 && term > sum * 1e-17; n++) {
                term *= 2.0 * x2 / (2 * n + 3);
                sum += term;
            }
            r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
        } else if (a < 6.0) {
            r = 1.0 - erfcContinuedFraction(a);
        } else {
            r = 1.0;
        }
        return x < 0 ? -r : r;
    }

    /** erfc(a) for a >= 3: e^{-a^2}/sqrt(pi) / (a + (1/2)/(a + 1/(a + (3/2)/(a + ...)))). */
    private static double erfcContinuedFraction(double a) {
        double tiny = 1e-300;
        double f = a, c = a, d = 0;
        for (int k = 1; k < 300; k++) {
            double ak = k / 2.0;
            d = a + ak * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = a + ak / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1.0 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1.0) < 1e-16) break;
        }
        return Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
    }
}
