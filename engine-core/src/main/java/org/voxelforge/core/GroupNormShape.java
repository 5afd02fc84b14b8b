package org.voxelforge.core;

/**
 * The argument rules of {@link Backend#groupNorm} and its backward, shared by every backend so
 * that all refuse the same inputs with the same message: x [N, C, spatial...] cut into N * G rows
 * of C/G channels of s voxels each.
 */
public record GroupNormShape(int n, int c, int groups, int cg, long s) {
    public static GroupNormShape check(String op, Tensor x, Tensor gamma, Tensor beta, int groups) {
        if (!x.dtype().isFloatingPoint()) throw new IllegalArgumentException(op + ": x must be floating point, got " + x.describe());
        if (x.rank() < 2) throw new ShapeMismatchException(op + ": x must be [N, C, ...], got " + x.describe());
        int c = x.shape().dim(1);
        if (groups < 1 || c % groups != 0) {
            throw new IllegalArgumentException(op + ": " + c + " channels of " + x.describe() + " do not divide into " + groups + " groups");
        }
        if (beta != null && gamma == null) throw new IllegalArgumentException(op + ": beta without gamma; pass both or neither");
        for (Tensor t : new Tensor[] {gamma, beta}) {
            if (t != null && !t.shape().equals(Shape.of(c))) {
                throw new ShapeMismatchException(op + ": affine parameters must be [" + c + "] for " + x.describe() + ", got " + t.describe());
            }
        }
        long s = 1;
        for (int a = 2; a < x.rank(); a++) s *= x.shape().dim(a);
        return new GroupNormShape(x.shape().dim(0), c, groups, c / groups, s);
    }

    /** The backward's extra rules: dy has x's shape, mean and rstd are [N, G]. */
    public void checkBackward(Tensor x, Tensor dy, Tensor mean, Tensor rstd) {
        if (!dy.shape().equals(x.shape())) {
            throw new ShapeMismatchException("groupNormBackward: gradient " + dy.shape() + " must have the input's shape " + x.shape());
        }
        Shape stats = Shape.of(n, groups);
        if (!mean.shape().equals(stats) || !rstd.shape().equals(stats)) {
            throw new ShapeMismatchException("groupNormBackward: mean " + mean.shape() + " and rstd " + rstd.shape()
                    + " must be [N, G] = " + stats + " (the statistics groupNorm returned)");
        }
    }
}
