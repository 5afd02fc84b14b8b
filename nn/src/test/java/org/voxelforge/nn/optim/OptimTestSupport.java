package org.voxelforge.nn.optim;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.Module;

/** Helpers shared by the optimizer tests. */
final class OptimTestSupport {
    private OptimTestSupport() {}

    /** A leaf parameter of {@code dtype} holding {@code values} (untracked; the test closes it via close()). */
    static Variable param(String name, DType dtype, double... values) {
        return Variable.param(TensorScope.untrack(Tensor.of(dtype, values, values.length)), name);
    }

    /** Replaces p's gradient with exactly {@code g}, through a real backward of sum(p * g). */
    static void setGrad(Variable p, double... g) {
        p.zeroGrad();
        try (TensorScope s = new TensorScope()) {
            p.mul(Variable.constant(Tensor.of(p.dtype(), g, g.length))).sum().backward();
        }
    }

    static double[] values(Variable p) { return p.value().toDoubleArray(); }

    /** The deterministic "gradient" of element i at step t used across tests. */
    static double fixedGrad(int i, int t) {
        return Math.sin(1.3 * i + 0.7 * t + 0.2) * (1 + 0.25 * i) + 0.05 * t;
    }

    static double[] fixedGrads(int n, int t) {
        double[] g = new double[n];
        for (int i = 0; i < n; i++) g[i] = fixedGrad(i, t);
        return g;
    }

    /** Rounds each value to float32 (what a float32 tensor stores). */
    static double[] f32(double[] xs) {
        double[] out = new double[xs.length];
        for (int i = 0; i < xs.length; i++) out[i] = (float) xs[i];
        return out;
    }

    static void close(Variable... ps) {
        for (Variable p : ps) {
            p.close();
            p.value().close();
        }
    }

    /** A module with two parameters and one buffer, for EMA/SWA tests. */
    static final class Tiny extends Module {
        final Variable w, b;

        Tiny(double[] w0, double[] b0) {
            w = registerParameter("w", Tensor.of(DType.FLOAT64, w0, w0.length));
            b = registerParameter("b", Tensor.of(DType.FLOAT64, b0, b0.length));
            registerBuffer("count", Tensor.of(DType.FLOAT64, new double[] {0}, 1));
        }

        @Override public Variable forward(Variable x) { return x.mul(w).add(b); }

        Tensor count() { return namedBuffers().get("count"); }
    }
}
