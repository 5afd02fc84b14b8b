package org.voxelforge.train.trainer;

/** A training step produced a NaN/Inf loss or gradient; names where it happened and what. */
public final class TrainingDivergedException extends IllegalStateException {
    private final int epoch, step;

    TrainingDivergedException(int epoch, int step, String what) {
        super("training diverged at epoch " + epoch + ", step " + step + ": " + what);
        this.epoch = epoch;
        this.step = step;
    }

    public int epoch() { return epoch; }

    public int step() { return step; }
}
