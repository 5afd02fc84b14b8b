package org.voxelforge.train.report;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NiceTicksTest {

    /** Naive twin: try every 1/2/5 x 10^k from small to large and take the first >= span / target. */
    static double referenceStep(double span, int target) {
        for (int k = -30; k <= 30; k++)
            for (int m : new int[] {1, 2, 5}) {
                double s = m * Math.pow(10, k);
                if (s >= span / target * (1 - 1e-9)) return s;
            }
        throw new AssertionError("no step for span " + span);
    }

    private static void assertClose(double expected, double actual) {
        assertEquals(expected, actual, 1e-9 * Math.max(1, Math.abs(expected)));
    }

    @Test void knownRanges() {
        NiceTicks t = NiceTicks.of(0, 1, 5);
        assertClose(0, t.lo());
        assertClose(1, t.hi());
        assertClose(0.2, t.step());
        assertEquals(List.of("0", "0.2", "0.4", "0.6", "0.8", "1.0"), t.values().stream().map(t::label).toList());

        t = NiceTicks.of(0, 37, 8);
        assertClose(5, t.step());
        assertClose(40, t.hi());
        assertEquals("35", t.label(35));

        t = NiceTicks.of(0.13, 0.87, 5);
        assertClose(0.2, t.step());
        assertClose(0.0, t.lo());
        assertClose(1.0, t.hi());

        t = NiceTicks.of(-3, 7, 5);
        assertClose(2, t.step());
        assertClose(-4, t.lo());
        assertClose(8, t.hi());
        assertEquals("-4", t.label(-4));

        t = NiceTicks.of(0.3, 0.7, 4); // bounds already multiples of the step must not grow a tick
        assertClose(0.1, t.step());
        assertClose(0.3, t.lo());
        assertClose(0.7, t.hi());
    }

    @Test void smallAndLargeValuesUseExponentLabels() {
        NiceTicks t = NiceTicks.of(1e-5, 3e-4, 5);
        assertClose(1e-4, t.step());
        assertClose(0, t.lo());
        assertClose(3e-4, t.hi());
        assertEquals(List.of("0", "1e-4", "2e-4", "3e-4"), t.values().stream().map(t::label).toList());

        t = NiceTicks.of(2.8e-4, 3.2e-4, 4);
        assertEquals(List.of("2.8e-4", "2.9e-4", "3.0e-4", "3.1e-4", "3.2e-4"), t.values().stream().map(t::label).toList());

        t = NiceTicks.of(0, 3e6, 3);
        assertEquals(List.of("0", "1e6", "2e6", "3e6"), t.values().stream().map(t::label).toList());
    }

    @Test void degenerateRangesArePadded() {
        NiceTicks t = NiceTicks.of(5, 5, 5);
        assertTrue(t.lo() < 5 && t.hi() > 5, t.toString());
        assertTrue(t.hi() - t.lo() <= 1.0, t.toString());
        t = NiceTicks.of(0, 0, 5);
        assertTrue(t.lo() <= -1 && t.hi() >= 1, t.toString());
        t = NiceTicks.of(-2e-4, -2e-4, 5);
        assertTrue(t.lo() < -2e-4 && t.hi() > -2e-4, t.toString());
    }

    @Test void integerAxesNeverTickFractions() {
        NiceTicks t = NiceTicks.of(0, 1, 8, true);
        assertEquals(List.of(0.0, 1.0), t.values());
        assertEquals("1", t.label(1));
        t = NiceTicks.of(3, 3, 8, true);
        for (double v : t.values()) assertEquals(Math.rint(v), v, 0.0);
    }

    @Test void randomRangesAgreeWithTheNaiveStepAndCoverTheData() {
        Random rnd = new Random(42);
        for (int trial = 0; trial < 2000; trial++) {
            double scale = Math.pow(10, rnd.nextInt(16) - 8);
            double a = (rnd.nextDouble() * 2 - 1) * scale, b = a + rnd.nextDouble() * scale * 3 + scale * 1e-3;
            int target = 2 + rnd.nextInt(9);
            NiceTicks t = NiceTicks.of(a, b, target);
            String ctx = "[" + a + ", " + b + "] target " + target + " -> " + t;
            assertEquals(referenceStep(b - a, target), t.step(), t.step() * 1e-9, ctx);
            assertTrue(t.lo() <= a + t.step() * 1e-6 && t.hi() >= b - t.step() * 1e-6, ctx);
            assertTrue(t.lo() > a - t.step() * (1 + 1e-6) && t.hi() < b + t.step() * (1 + 1e-6), "one step at most beyond: " + ctx);
            assertTrue(t.intervals() <= target + 2 && t.intervals() >= 1, ctx);
            List<Double> vs = t.values();
            Set<String> labels = new HashSet<>();
            for (double v : vs) {
                assertEquals(Math.rint(v / t.step()), v / t.step(), 1e-6, "tick " + v + " is a multiple of the step: " + ctx);
                labels.add(t.label(v));
            }
            assertEquals(vs.size(), labels.size(), "labels are distinct: " + labels + " " + ctx);
        }
    }

    @Test void badRangesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> NiceTicks.of(1, 0, 5));
        var e = assertThrows(IllegalArgumentException.class, () -> NiceTicks.of(0, Double.POSITIVE_INFINITY, 5));
        assertTrue(e.getMessage().contains("finite"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NiceTicks.of(Double.NaN, 1, 5));
    }
}
