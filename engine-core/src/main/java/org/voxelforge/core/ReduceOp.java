package org.voxelforge.core;

/** Reductions over a set of axes. MAX and MIN propagate NaN, as NumPy and PyTorch do. */
public enum ReduceOp {
    SUM, MEAN, MAX, MIN, PROD;

    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
}
