package org.voxelforge.nn.optim;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.voxelforge.core.Tensor;
import org.voxelforge.nn.optim.OptimTestSupport.Tiny;

/** Weight EMA and SWA against hand-computed averages. */
class AveragingTest {
    static void setW(Tiny m, double... w) { m.w.value().copy_(Tensor.of(w, w.length)); }

    @Test void emaWithFixedDecay() {
        try (Tiny m = new Tiny(new double[] {4, 8}, new double[] {1}); WeightEma ema = new WeightEma(m, 0.75)) {
            setW(m, 8, 0);
            ema.update(); // 0.75·4 + 0.25·8 = 5;  0.75·8 + 0 = 6
            setW(m, 0, 16);
            ema.update(); // 0.75·5 = 3.75;  0.75·6 + 0.25·16 = 8.5
            assertArrayEquals(new double[] {3.75, 8.5}, ema.averages().get("w").toDoubleArray(), 1e-15);
            assertArrayEquals(new double[] {1}, ema.averages().get("b").toDoubleArray());
            assertTrue(ema.averages().containsKey("count")); // floating buffers are averaged too

            try (Tiny target = new Tiny(new double[] {0, 0}, new double[] {0})) {
                ema.copyTo(target);
                assertArrayEquals(new double[] {3.75, 8.5}, target.w.value().toDoubleArray(), 1e-15);
                assertArrayEquals(new double[] {1}, target.b.value().toDoubleArray());
            }
        }
    }

    @Test void emaWarmupFollowsTimm() {
        try (Tiny m = new Tiny(new double[] {2, 2}, new double[] {0}); WeightEma ema = WeightEma.withWarmup(m, 0.999)) {
            assertEquals(0.0, ema.decayAt(1)); // the first update copies the weights
            assertEquals(1 - Math.pow(2, -2.0 / 3), ema.decayAt(2), 1e-15);
            assertEquals(1 - Math.pow(11, -2.0 / 3), ema.decayAt(11), 1e-15);
            assertEquals(0.999, ema.decayAt(10_000_000)); // capped at decay
            setW(m, 10, -10);
            assertEquals(0.0, ema.update());
            assertArrayEquals(new double[] {10, -10}, ema.averages().get("w").toDoubleArray());
            setW(m, 0, 0);
            double d = ema.update();
            assertArrayEquals(new double[] {10 * d, -10 * d}, ema.averages().get("w").toDoubleArray(), 1e-14);
        }
    }

    @Test void swaIsTheMeanOfTheSnapshots() {
        double[][] snaps = {{1, 2}, {4, -2}, {7, 9}, {0.5, 0.25}};
        try (Tiny m = new Tiny(new double[] {0, 0}, new double[] {3}); SwaAverager swa = new SwaAverager(m)) {
            assertThrows(IllegalStateException.class, () -> swa.copyTo(m));
            double s0 = 0, s1 = 0;
            for (double[] s : snaps) {
                setW(m, s);
                swa.update();
                s0 += s[0];
                s1 += s[1];
            }
            assertEquals(4, swa.count());
            assertArrayEquals(new double[] {s0 / 4, s1 / 4}, swa.averages().get("w").toDoubleArray(), 1e-14);
            assertArrayEquals(new double[] {3}, swa.averages().get("b").toDoubleArray(), 1e-15);
            try (Tiny target = new Tiny(new double[] {0, 0}, new double[] {0})) {
                swa.copyTo(target);
                assertArrayEquals(new double[] {s0 / 4, s1 / 4}, target.w.value().toDoubleArray(), 1e-14);
            }
        }
    }

    @Test void swaStateRoundTrips() {
        try (Tiny m = new Tiny(new double[] {1, 1}, new double[] {0}); SwaAverager a = new SwaAverager(m); SwaAverager b = new SwaAverager(m)) {
            a.update();
            setW(m, 3, 5);
            a.update();
            b.loadStateDict(a.stateDict());
            setW(m, 8, 0);
            a.update();
            b.update();
            assertEquals(3, b.count());
            assertArrayEquals(a.averages().get("w").toDoubleArray(), b.averages().get("w").toDoubleArray(), 0);
            assertArrayEquals(new double[] {4, 2}, b.averages().get("w").toDoubleArray(), 1e-15);
        }
    }
}
