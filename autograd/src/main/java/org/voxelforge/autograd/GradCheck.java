package org.voxelforge.autograd;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/**
 * Checks analytic gradients against float64 central differences, like PyTorch's gradcheck.
 *
 * <p>For a function f of several inputs, with y = f(x), it picks a fixed random weight tensor
 * w of y's shape and compares, for every element x_i[j] of every input,
 * <pre>
 *   analytic:  the gradient of L = sum(y * w) by backward(w)
 *   numeric:   (L(x_i[j] + eps) - L(x_i[j] - eps)) / (2 eps)
 * </pre>
 * An element passes when {@code |analytic - numeric| <= atol + rtol * |numeric|}. The random
 * weights make every output element count (a plain sum would hide errors that cancel).
 *
 * <p>Inputs are used as given when they are float64 (so a test can pass non-contiguous
 * views), otherwise cast to float64. Each element is perturbed in place and restored; inputs
 * must therefore be distinct tensors without overlapping elements (no expanded views).
 */
public final class GradCheck {
    public static final double EPS = 1e-6;
    public static final double ATOL = 1e-5;
    public static final double RTOL = 1e-6;

    private GradCheck() {}

    /** The outcome, with the worst element (largest error relative to its tolerance). */
    public record Result(boolean passed, int input, long[] index, double analytic, double numeric,
                         double absError, double tolerance, long elementsChecked) {
        @Override public String toString() {
            return (passed ? "gradcheck passed" : "gradcheck FAILED") + ": worst element is input " + input
                    + " at " + Arrays.toString(index) + ": analytic " + analytic + ", numeric " + numeric
                    + ", |difference| " + absError + " (allowed " + tolerance + "); " + elementsChecked
                    + " elements checked";
        }
    }

    /** Thrown by {@link #assertGradients} when a gradient is wrong. */
    public static final class GradCheckFailure extends RuntimeException {
        public GradCheckFailure(String message) { super(message); }
    }

    public static Result check(Function<Variable[], Variable> f, Tensor... inputs) {
        return check(f, EPS, ATOL, RTOL, inputs);
    }

    /** Fails with the worst element's index and values unless every gradient element passes. */
    public static Result assertGradients(String what, Function<Variable[], Variable> f, Tensor... inputs) {
        Result r = check(f, inputs);
        if (!r.passed()) throw new GradCheckFailure(what + ": " + r);
        return r;
    }

    public static Result check(Function<Variable[], Variable> f, double eps, double atol, double rtol, Tensor... inputs) {
        try (TensorScope scope = new TensorScope()) {
            Tensor[] xs = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                xs[i] = inputs[i].dtype() == DType.FLOAT64 ? inputs[i] : inputs[i].cast(DType.FLOAT64);
            }
            Analytic an = analyticGradients(f, xs);
            double[][] analytic = an.grads();
            double[] w = an.weights();
            Result worst = null;
            double worstRatio = -1;
            long count = 0;
            try (NoGrad ignored = NoGrad.enter()) {
                for (int i = 0; i < xs.length; i++) {
                    Tensor x = xs[i];
                    for (long j = 0; j < x.numel(); j++) {
                        long[] idx = unflatten(j, x.dims());
                        double orig = x.get(idx);
                        x.set(orig + eps, idx);
                        double plus = weightedSum(f, xs, w);
                        x.set(orig - eps, idx);
                        double minus = weightedSum(f, xs, w);
                        x.set(orig, idx);
                        double numeric = (plus - minus) / (2 * eps);
                        double a = analytic[i][(int) j];
                        double err = Math.abs(a - numeric);
                        double tol = atol + rtol * Math.abs(numeric);
                        double ratio = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err / tol;
                        count++;
                        if (ratio > worstRatio) {
                            worstRatio = ratio;
                            worst = new Result(false, i, idx, a, numeric, err, tol, 0);
                        }
                    }
                }
            }
            if (worst == null) return new Result(true, -1, new long[0], 0, 0, 0, atol, 0);
            return new Result(worstRatio <= 1, worst.input(), worst.index(), worst.analytic(), worst.numeric(),
                    worst.absError(), worst.tolerance(), count);
        }
    }

    /** Gradients of sum(y * weights), and the weights, chosen once y's shape is known. */
    private record Analytic(double[][] grads, double[] weights) {}

    private static Analytic analyticGradients(Function<Variable[], Variable> f, Tensor[] xs) {
        Variable[] vs = new Variable[xs.length];
        for (int i = 0; i < xs.length; i++) vs[i] = Variable.param(xs[i]);
        try (TensorScope scope = new TensorScope()) {
            Variable y = f.apply(vs);
            if (y.dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException("gradcheck: f returned " + y.value().describe()
                        + "; central differences need float64 from input to output");
            }
            Random rnd = new Random(1234);
            double[] weights = new double[(int) y.value().numel()];
            // magnitudes in [0.5, 1.5) with random signs: no output element is ignored
            for (int k = 0; k < weights.length; k++) weights[k] = (0.5 + rnd.nextDouble()) * (rnd.nextBoolean() ? 1 : -1);
            double[][] out = new double[xs.length][];
            if (y.requiresGrad()) {
                y.backward(Tensor.of(weights, y.dims()));
            }
            for (int i = 0; i < xs.length; i++) {
                Tensor g = vs[i].grad();
                out[i] = g == null ? new double[(int) xs[i].numel()] : g.toDoubleArray();
                vs[i].zeroGrad();
            }
            return new Analytic(out, weights);
        }
    }

    private static double weightedSum(Function<Variable[], Variable> f, Tensor[] xs, double[] w) {
        try (TensorScope scope = new TensorScope()) {
            Variable[] vs = new Variable[xs.length];
            for (int i = 0; i < xs.length; i++) vs[i] = Variable.constant(xs[i]);
            double[] y = f.apply(vs).value().toDoubleArray();
            double s = 0;
            for (int k = 0; k < y.length; k++) s += y[k] * w[k];
            return s;
        }
    }

    private static long[] unflatten(long flat, int[] dims) {
        long[] idx = new long[dims.length];
        for (int a = dims.length - 1; a >= 0; a--) {
            idx[a] = flat % dims[a];
            flat /= dims[a];
        }
        return idx;
    }
}
