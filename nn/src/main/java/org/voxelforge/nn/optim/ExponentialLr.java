package org.voxelforge.nn.optim;

/** PyTorch's ExponentialLR: {@code lr0·gamma^step}. */
public record ExponentialLr(double lr0, double gamma) implements LrSchedule {
    public ExponentialLr {
        LrSchedule.requireLr(lr0, "ExponentialLr");
        if (!(gamma > 0)) throw new IllegalArgumentException("ExponentialLr: gamma must be > 0, got " + gamma);
    }

    @Override public double lr(int step) {
        LrSchedule.requireStep(step, "ExponentialLr");
        return lr0 * Math.pow(gamma, step);
    }
}
