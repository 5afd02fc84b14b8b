package org.voxelforge.nn.optim;

/** The same learning rate at every step. */
public record ConstantLr(double lr0) implements LrSchedule {
    public ConstantLr {
        LrSchedule.requireLr(lr0, "ConstantLr");
    }

    @Override public double lr(int step) {
        LrSchedule.requireStep(step, "ConstantLr");
        return lr0;
    }
}
