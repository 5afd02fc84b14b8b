package org.voxelforge.nn.optim;

/**
 * nnU-Net's PolyLRScheduler: {@code lr0·(1 − step/maxSteps)^exponent}, exponent 0.9 by default.
 * Steps past {@code maxSteps} give 0 (nnU-Net never asks for them; the power of a negative
 * base would be undefined).
 */
public record PolyLr(double lr0, int maxSteps, double exponent) implements LrSchedule {
    public static final double NNUNET_EXPONENT = 0.9;

    public PolyLr {
        LrSchedule.requireLr(lr0, "PolyLr");
        if (maxSteps < 1) throw new IllegalArgumentException("PolyLr: maxSteps must be >= 1, got " + maxSteps);
        if (!(exponent >= 0)) throw new IllegalArgumentException("PolyLr: exponent must be >= 0, got " + exponent);
    }

    public PolyLr(double lr0, int maxSteps) { this(lr0, maxSteps, NNUNET_EXPONENT); }

    @Override public double lr(int step) {
        LrSchedule.requireStep(step, "PolyLr");
        if (step >= maxSteps) return 0;
        return lr0 * Math.pow(1 - (double) step / maxSteps, exponent);
    }
}
