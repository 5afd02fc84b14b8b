package org.voxelforge.nn.optim;

/**
 * SGDR (Loshchilov and Hutter, 2017), the closed form of PyTorch's CosineAnnealingWarmRestarts:
 * cycles of length {@code t0}, {@code t0·tMult}, {@code t0·tMult²}, ...; within a cycle of
 * length {@code Ti} at position {@code Tcur},
 * {@code etaMin + (lr0 − etaMin)·(1 + cos(π·Tcur/Ti))/2}, so each cycle restarts at {@code lr0}.
 * The cycle is found by integer subtraction (no floating-point logarithm at cycle boundaries).
 */
public record CosineWarmRestartsLr(double lr0, int t0, int tMult, double etaMin) implements LrSchedule {
    public CosineWarmRestartsLr {
        LrSchedule.requireLr(lr0, "CosineWarmRestartsLr");
        LrSchedule.requireLr(etaMin, "CosineWarmRestartsLr (etaMin)");
        if (t0 < 1) throw new IllegalArgumentException("CosineWarmRestartsLr: t0 must be >= 1, got " + t0);
        if (tMult < 1) throw new IllegalArgumentException("CosineWarmRestartsLr: tMult must be >= 1, got " + tMult);
    }

    @Override public double lr(int step) {
        LrSchedule.requireStep(step, "CosineWarmRestartsLr");
        long ti = t0, tcur = step;
        while (tcur >= ti) {
            tcur -= ti;
            ti *= tMult;
        }
        return etaMin + (lr0 - etaMin) * (1 + Math.cos(Math.PI * tcur / ti)) / 2;
    }

    /** True when {@code step} starts a new cycle (0 included). */
    public boolean isRestart(int step) {
        LrSchedule.requireStep(step, "CosineWarmRestartsLr");
        long ti = t0, start = 0;
        while (start < step) {
            start += ti;
            ti *= tMult;
        }
        return start == step;
    }
}
