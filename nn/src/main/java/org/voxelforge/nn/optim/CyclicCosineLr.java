package org.voxelforge.nn.optim;

/**
 * The cyclic learning rate of stochastic weight averaging as in the open BraTS 2020 solution
 * (Henry et al.): cycles of {@code cycleLength} epochs; within a cycle, cosine annealing from
 * {@code lrMax} at its first epoch to exactly {@code lrMin} at its last, where
 * {@link SwaAverager} takes a snapshot ({@link #isCycleEnd}). With one-epoch cycles every
 * epoch is a cycle end at {@code lrMin}.
 */
public record CyclicCosineLr(double lrMax, double lrMin, int cycleLength) implements LrSchedule {
    public CyclicCosineLr {
        LrSchedule.requireLr(lrMax, "CyclicCosineLr");
        LrSchedule.requireLr(lrMin, "CyclicCosineLr (lrMin)");
        if (cycleLength < 1) throw new IllegalArgumentException("CyclicCosineLr: cycleLength must be >= 1, got " + cycleLength);
    }

    @Override public double lr(int epoch) {
        LrSchedule.requireStep(epoch, "CyclicCosineLr");
        if (cycleLength == 1) return lrMin;
        // each cycle is one cosine decay from lrMax to lrMin over cycleLength - 1 steps
        return new CosineLr(lrMax, cycleLength - 1, lrMin).lr(epoch % cycleLength);
    }

    /** True for the last epoch of a cycle: the moment to snapshot the weights. */
    public boolean isCycleEnd(int epoch) {
        LrSchedule.requireStep(epoch, "CyclicCosineLr");
        return (epoch + 1) % cycleLength == 0;
    }
}
