package org.voxelforge.nn.optim;

/** PyTorch's StepLR: {@code lr0·gamma^floor(step/stepSize)}. */
public record StepLr(double lr0, int stepSize, double gamma) implements LrSchedule {
    public StepLr {
        LrSchedule.requireLr(lr0, "StepLr");
        if (stepSize < 1) throw new IllegalArgumentException("StepLr: stepSize must be >= 1, got " + stepSize);
        if (!(gamma > 0)) throw new IllegalArgumentException("StepLr: gamma must be > 0, got " + gamma);
    }

    @Override public double lr(int step) {
        LrSchedule.requireStep(step, "StepLr");
        return lr0 * Math.pow(gamma, step / stepSize);
    }
}
