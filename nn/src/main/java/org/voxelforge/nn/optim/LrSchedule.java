package org.voxelforge.nn.optim;

/**
 * A learning rate as a function of the step (an epoch or an iteration, as the caller counts),
 * starting at step 0. Implementations are closed forms, so a resumed run only needs the step
 * number. Compose with {@link #withLinearWarmup}; drive an optimizer with {@link #applyTo}.
 */
@FunctionalInterface
public interface LrSchedule {
    double lr(int step);

    /** Sets every group's {@code lr} of {@code optimizer} to {@code lr(step)}; returns it. */
    default double applyTo(Optimizer optimizer, int step) {
        double lr = lr(step);
        optimizer.setLr(lr);
        return lr;
    }

    /**
     * This schedule after {@code warmupSteps} steps of linear warm-up (PyTorch's LinearLR then
     * SequentialLR): steps {@code s < warmupSteps} get
     * {@code lr(0)·(startFactor + (1 − startFactor)·s/warmupSteps)}, later steps get
     * {@code lr(s − warmupSteps)}.
     */
    default LrSchedule withLinearWarmup(int warmupSteps, double startFactor) {
        return new LinearWarmup(warmupSteps, startFactor, this);
    }

    /** Cosine decay from {@code lr0} to {@code etaMin} over {@code totalSteps}, after a linear warm-up from 0. */
    static LrSchedule cosineWithWarmup(double lr0, int warmupSteps, int totalSteps, double etaMin) {
        if (warmupSteps < 0 || warmupSteps >= totalSteps) {
            throw new IllegalArgumentException("cosineWithWarmup: need 0 <= warmupSteps < totalSteps, got " + warmupSteps + " and " + totalSteps);
        }
        return new CosineLr(lr0, totalSteps - warmupSteps, etaMin).withLinearWarmup(warmupSteps, 0);
    }

    static void requireStep(int step, String what) {
        if (step < 0) throw new IllegalArgumentException(what + ": step must be >= 0, got " + step);
    }

    static void requireLr(double lr, String what) {
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException(what + ": learning rate must be finite and >= 0, got " + lr);
    }
}
