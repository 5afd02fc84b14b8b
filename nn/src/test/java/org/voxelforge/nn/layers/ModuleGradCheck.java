package org.voxelforge.nn.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.voxelforge.autograd.GradCheck;
import org.voxelforge.autograd.NoGrad;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.Module;

/**
 * Float64 gradcheck of a whole module w.r.t. its input and every parameter: the analytic
 * gradients of L = sum(y * w) (w fixed random weights) from backward, against central
 * differences of L, perturbing each input element and each parameter element in place.
 * {@link GradCheck} does the same for functions of explicit inputs; a module's parameters are
 * its own leaves, hence this twin. Tolerances are GradCheck's.
 */
public final class ModuleGradCheck {
    private ModuleGradCheck() {}

    public static void assertGradients(String what, Module m, Tensor x) {
        if (x.dtype() != DType.FLOAT64) throw new IllegalArgumentException("module gradcheck needs a float64 input");
        try (TensorScope scope = new TensorScope()) {
            List<String> names = new ArrayList<>();
            List<Tensor> targets = new ArrayList<>();
            names.add("input");
            targets.add(x);
            for (Map.Entry<String, Variable> e : m.namedParameters().entrySet()) {
                if (e.getValue().dtype() != DType.FLOAT64) throw new IllegalArgumentException(what + ": parameter " + e.getKey() + " is not float64");
                names.add(e.getKey());
                targets.add(e.getValue().value());
            }
            Variable xv = Variable.param(x);
            m.zeroGrad();
            Variable y = m.apply(xv);
            Random rnd = new Random(99);
            double[] w = new double[(int) y.value().numel()];
            for (int k = 0; k < w.length; k++) w[k] = (0.5 + rnd.nextDouble()) * (rnd.nextBoolean() ? 1 : -1);
            y.backward(Tensor.of(w, y.dims()));
            List<double[]> analytic = new ArrayList<>();
            analytic.add(grad(xv.grad(), x));
            for (Variable p : m.namedParameters().values()) analytic.add(grad(p.grad(), p.value()));
            m.zeroGrad();
            long checked = 0;
            try (NoGrad ignored = NoGrad.enter()) {
                for (int i = 0; i < targets.size(); i++) {
                    Tensor t = targets.get(i);
                    for (long j = 0; j < t.numel(); j++) {
                        long[] idx = unflatten(j, t.dims());
                        double orig = t.get(idx);
                        t.set(orig + GradCheck.EPS, idx);
                        double plus = weighted(m, x, w);
                        t.set(orig - GradCheck.EPS, idx);
                        double minus = weighted(m, x, w);
                        t.set(orig, idx);
                        double numeric = (plus - minus) / (2 * GradCheck.EPS);
                        double a = analytic.get(i)[(int) j];
                        double tol = GradCheck.ATOL + GradCheck.RTOL * Math.abs(numeric);
                        if (!(Math.abs(a - numeric) <= tol)) {
                            throw new AssertionError(what + ": gradient of " + names.get(i) + " at " + java.util.Arrays.toString(idx)
                                    + ": analytic " + a + ", numeric " + numeric + " (allowed difference " + tol + ")");
                        }
                        checked++;
                    }
                }
            }
            if (checked == 0) throw new AssertionError(what + ": nothing checked");
        }
    }

    private static double[] grad(Tensor g, Tensor like) { return g == null ? new double[(int) like.numel()] : g.toDoubleArray(); }

    private static double weighted(Module m, Tensor x, double[] w) {
        try (TensorScope s = new TensorScope()) {
            double[] y = m.apply(Variable.constant(x)).value().toDoubleArray();
            double sum = 0;
            for (int k = 0; k < y.length; k++) sum += y[k] * w[k];
            return sum;
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
