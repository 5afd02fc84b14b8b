package org.voxelforge.nn.optim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Schedules against their closed forms, at and around the boundaries. */
class LrScheduleTest {
    static final double TOL = 1e-15;

    @Test void constant() {
        assertEquals(0.3, new ConstantLr(0.3).lr(0));
        assertEquals(0.3, new ConstantLr(0.3).lr(10_000));
        assertThrows(IllegalArgumentException.class, () -> new ConstantLr(0.3).lr(-1));
    }

    @Test void polyIsNnUnets() {
        PolyLr s = new PolyLr(0.01, 1000);
        assertEquals(0.01, s.lr(0), TOL);
        assertEquals(0.01 * Math.pow(0.5, 0.9), s.lr(500), TOL);
        assertEquals(0.01 * Math.pow(1 - 999 / 1000.0, 0.9), s.lr(999), TOL);
        assertEquals(0.0, s.lr(1000));
        assertEquals(0.0, s.lr(1500));
        assertEquals(0.01 * 0.75 * 0.75, new PolyLr(0.01, 4, 2).lr(1), TOL);
        assertTrue(s.lr(100) > s.lr(101));
    }

    @Test void cosineAndWarmup() {
        CosineLr c = new CosineLr(0.1, 100, 0.001);
        assertEquals(0.1, c.lr(0), TOL);
        assertEquals(0.001 + 0.099 * 0.5, c.lr(50), 1e-15);
        assertEquals(0.001, c.lr(100), TOL);
        assertEquals(0.001, c.lr(150), TOL); // held at etaMin past tMax
        assertEquals(0.001 + 0.099 * (1 + Math.cos(Math.PI * 0.25)) / 2, c.lr(25), TOL);

        LrSchedule w = LrSchedule.cosineWithWarmup(0.1, 10, 110, 0.0);
        assertEquals(0.0, w.lr(0));
        assertEquals(0.05, w.lr(5), TOL);
        assertEquals(0.09, w.lr(9), TOL);
        assertEquals(0.1, w.lr(10), TOL); // warm-up ends exactly at the peak
        assertEquals(0.05, w.lr(60), 1e-15);
        assertEquals(0.0, w.lr(110), TOL);

        LrSchedule w2 = new ConstantLr(0.2).withLinearWarmup(4, 0.25); // PyTorch LinearLR(start_factor=0.25, total_iters=4)
        assertEquals(0.05, w2.lr(0), TOL);
        assertEquals(0.2 * (0.25 + 0.75 * 3 / 4), w2.lr(3), TOL);
        assertEquals(0.2, w2.lr(4), TOL);
    }

    @Test void sgdrRestartsAtTheRightSteps() {
        CosineWarmRestartsLr s = new CosineWarmRestartsLr(0.1, 10, 2, 0.0);
        List<Integer> restarts = new ArrayList<>();
        for (int t = 0; t < 160; t++) if (s.isRestart(t)) restarts.add(t);
        assertEquals(List.of(0, 10, 30, 70, 150), restarts);
        for (int r : List.of(0, 10, 30, 70, 150)) assertEquals(0.1, s.lr(r), TOL, "restart at " + r);
        assertTrue(s.lr(29) < 0.002 && s.lr(29) > 0); // just before a restart
        assertEquals(0.05, s.lr(20), 1e-15); // half way through the 20-step cycle [10, 30)
        assertEquals((1 + Math.cos(Math.PI * 5 / 80)) / 2 * 0.1, s.lr(75), TOL); // cycle [70, 150)

        CosineWarmRestartsLr flat = new CosineWarmRestartsLr(1.0, 4, 1, 0.2);
        assertEquals(1.0, flat.lr(8), TOL);
        assertEquals(0.2 + 0.8 * (1 + Math.cos(Math.PI * 3 / 4)) / 2, flat.lr(7), TOL);
        assertEquals(flat.lr(1), flat.lr(401), TOL);
    }

    @Test void exponentialAndStep() {
        assertEquals(0.1 * Math.pow(0.95, 7), new ExponentialLr(0.1, 0.95).lr(7), TOL);
        StepLr s = new StepLr(0.1, 30, 0.1);
        assertEquals(0.1, s.lr(0), TOL);
        assertEquals(0.1, s.lr(29), TOL);
        assertEquals(0.01, s.lr(30), 1e-17);
        assertEquals(0.001, s.lr(60), 1e-18);
    }

    @Test void cyclicCosineForSwa() {
        CyclicCosineLr c = new CyclicCosineLr(3e-4, 1e-6, 3);
        assertEquals(3e-4, c.lr(0), TOL);
        assertEquals((3e-4 + 1e-6) / 2, c.lr(1), 1e-18);
        assertEquals(1e-6, c.lr(2), 1e-18);
        assertEquals(3e-4, c.lr(3), TOL);
        assertFalse(c.isCycleEnd(0));
        assertTrue(c.isCycleEnd(2));
        assertTrue(c.isCycleEnd(5));
        assertEquals(1e-6, new CyclicCosineLr(3e-4, 1e-6, 1).lr(7));
    }

    @Test void badArguments() {
        var e = assertThrows(IllegalArgumentException.class, () -> new PolyLr(0.01, 0));
        assertTrue(e.getMessage().contains("PolyLr") && e.getMessage().contains("maxSteps"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CosineWarmRestartsLr(0.1, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.cosineWithWarmup(0.1, 10, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new ExponentialLr(-1, 0.9));
    }
}
