package org.voxelforge.train.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An axis range widened to whole multiples of a "nice" step (1, 2 or 5 times a power of ten)
 * and the tick values on it, with their labels. A degenerate range (min == max, e.g. one
 * point or a constant series) is padded first so that the axis still has an extent.
 *
 * @param lo   first tick (<= the data minimum), a multiple of step
 * @param hi   last tick (>= the data maximum), a multiple of step
 * @param step distance between ticks, 1, 2 or 5 times 10^exponent
 * @param exponent the power of ten in step
 */
public record NiceTicks(double lo, double hi, double step, int exponent) {

    /**
     * The nice axis for data in [min, max]: the step is the smallest nice number >= (max - min)
     * / target, so the axis has at most target + 2 intervals and at least about 0.4 * target.
     */
    public static NiceTicks of(double min, double max, int target) { return of(min, max, target, false); }

    /** As {@link #of(double, double, int)}; with {@code integers} the step is at least 1 (for epoch axes). */
    public static NiceTicks of(double min, double max, int target, boolean integers) {
        if (!Double.isFinite(min) || !Double.isFinite(max) || min > max)
            throw new IllegalArgumentException("NiceTicks.of: range [" + min + ", " + max + "] must be finite with min <= max");
        if (target < 1) throw new IllegalArgumentException("NiceTicks.of: target " + target + " intervals must be >= 1");
        double magnitude = Math.max(Math.abs(min), Math.abs(max));
        // A span below ~1e-9 of the values cannot be ticked in doubles without labels colliding: pad it.
        if (max - min <= 1e-9 * magnitude || max == min) {
            double pad = magnitude > 0 ? 0.05 * magnitude : 1.0;
            min -= pad;
            max += pad;
        }
        double rough = (max - min) / target;
        int exp = (int) Math.floor(Math.log10(rough));
        double base = Math.pow(10, exp);
        double f = rough / base; // in [1, 10) up to rounding
        int mult;
        if (f <= 1.0 + 1e-9) mult = 1;
        else if (f <= 2.0 + 1e-9) mult = 2;
        else if (f <= 5.0 + 1e-9) mult = 5;
        else { mult = 1; exp += 1; base = Math.pow(10, exp); }
        if (integers && exp < 0) { mult = 1; exp = 0; base = 1; }
        double step = mult * base;
        // Small tolerances keep a bound that is already a multiple (0.3 / 0.1 = 2.9999...) from growing a tick.
        double lo = Math.floor(min / step + 1e-9) * step;
        double hi = Math.ceil(max / step - 1e-9) * step;
        return new NiceTicks(lo, hi, step, exp);
    }

    /** Number of intervals between lo and hi. */
    public int intervals() { return (int) Math.round((hi - lo) / step); }

    /** The tick values lo, lo + step, ..., hi (computed by multiplication, so no drift; near-zero snapped to 0). */
    public List<Double> values() {
        int n = intervals();
        List<Double> out = new ArrayList<>(n + 1);
        for (int i = 0; i <= n; i++) {
            double v = lo + i * step;
            out.add(Math.abs(v) < step * 1e-6 ? 0.0 : v);
        }
        return out;
    }

    /** Whether labels use the "2.5e-4" form: steps below 0.001 or values of a million and more. */
    public boolean scientific() {
        return exponent < -3 || Math.max(Math.abs(lo), Math.abs(hi)) >= 1e6;
    }

    /** The label of a tick value: as many decimals as the step needs, or mantissa "e" exponent. */
    public String label(double v) {
        if (Math.abs(v) < step * 1e-6) return "0";
        if (!scientific()) return String.format(Locale.ROOT, "%." + Math.max(0, -exponent) + "f", v);
        int e = (int) Math.floor(Math.log10(Math.abs(v)));
        String m = mantissa(v, e);
        if (Math.abs(Double.parseDouble(m)) >= 10) { e += 1; m = mantissa(v, e); } // 9.99.. rounded up to 10
        return m + "e" + e;
    }

    private String mantissa(double v, int e) {
        int decimals = Math.max(0, e - exponent); // digits the step resolves below the leading one
        return String.format(Locale.ROOT, "%." + decimals + "f", v / Math.pow(10, e));
    }
}
