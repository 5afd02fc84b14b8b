package org.voxelforge.nn.optim;

/**
 * Cosine annealing, the closed form of PyTorch's CosineAnnealingLR:
 * {@code etaMin + (lr0 − etaMin)·(1 + cos(π·step/tMax))/2}. Steps past {@code tMax} stay at
 * {@code etaMin} (PyTorch's closed form would rise again, which no plan intends).
 */
public record CosineLr(double lr0, int tMax, double etaMin) implements LrSchedule {
    public CosineLr {
        LrSchedule.requireLr(lr0, "CosineLr");
        LrSchedule.requireLr(etaMin, "CosineLr (etaMin)");
        if (tMax < 1) throw new IllegalArgumentException("CosineLr: tMax must be >= 1, got " + tMax);
    }

    @Override public double lr(int step) {
        LrSchedule.requireStep(step, "CosineLr");
        int t = Math.min(step, tMax);
        return etaMin + (lr0 - etaMin) * (1 + Math.cos(Math.PI * t / tMax)) / 2;
    }
}
