package org.voxelforge.nn.optim;

/**
 * Linear warm-up in front of another schedule (see {@link LrSchedule#withLinearWarmup}): for
 * {@code s < warmupSteps}, {@code after.lr(0)·(startFactor + (1 − startFactor)·s/warmupSteps)};
 * then {@code after.lr(s − warmupSteps)}, so the wrapped schedule starts fresh when warm-up ends.
 */
public record LinearWarmup(int warmupSteps, double startFactor, LrSchedule after) implements LrSchedule {
    public LinearWarmup {
        if (warmupSteps < 0) throw new IllegalArgumentException("LinearWarmup: warmupSteps must be >= 0, got " + warmupSteps);
        if (!(startFactor >= 0 && startFactor <= 1)) throw new IllegalArgumentException("LinearWarmup: startFactor must be in [0, 1], got " + startFactor);
        if (after == null) throw new IllegalArgumentException("LinearWarmup: needs the schedule that follows the warm-up");
    }

    @Override public double lr(int step) {
        LrSchedule.requireStep(step, "LinearWarmup");
        if (step >= warmupSteps) return after.lr(step - warmupSteps);
        return after.lr(0) * (startFactor + (1 - startFactor) * step / warmupSteps);
    }
}
