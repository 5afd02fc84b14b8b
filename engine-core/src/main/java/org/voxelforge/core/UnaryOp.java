package org.voxelforge.core;

/** Elementwise functions of one tensor. {@link #apply} is the scalar reference every fast path is tested against. */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, ABS, RELU, SIGMOID, TANH, SIGN, RECIPROCAL, SQUARE, ERF;

    public double apply(double x) {
        return switch (this) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case ABS -> Math.abs(x);
            case RELU -> x > 0 ? x : (Double.isNaN(x) ? x : 0.0);
            case SIGMOID -> x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
            case TANH -> Math.tanh(x);
            case SIGN -> Math.signum(x);
            case RECIPROCAL -> 1.0 / x;
            case SQUARE -> x * x;
            case ERF -> Erf.erf(x);
        };
    }

    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
}
