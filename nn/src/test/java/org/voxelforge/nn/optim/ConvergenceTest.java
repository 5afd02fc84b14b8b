package org.voxelforge.nn.optim;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.nn.optim.OptimTestSupport.*;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/** Every optimizer minimizes a small problem through real autograd gradients. */
class ConvergenceTest {
    /** f(x) = Σ a_i (x_i − c_i)², an ill-conditioned bowl with minimum at c. */
    static double[] quadratic(Function<List<Variable>, Optimizer> make, int steps) {
        double[] a = {1, 10, 0.5}, c = {1, -2, 3};
        Variable x = param("x", DType.FLOAT64, 0, 0, 0);
        try (Optimizer opt = make.apply(List.of(x))) {
            for (int t = 0; t < steps; t++) {
                try (TensorScope s = new TensorScope()) {
                    opt.zeroGrad();
                    Variable d = x.sub(Variable.constant(Tensor.of(c, 3)));
                    d.square().mul(Variable.constant(Tensor.of(a, 3))).sum().backward();
                    opt.step();
                }
            }
            double[] v = values(x);
            for (int i = 0; i < 3; i++) v[i] -= c[i];
            return v;
        } finally {
            close(x);
        }
    }

    static void assertConverged(double[] err, double tol, String who) {
        for (double e : err) assertEquals(0, e, tol, who + " ended at error " + java.util.Arrays.toString(err));
    }

    @Test void quadraticBowl() {
        assertConverged(quadratic(ps -> new SGD(ps, 0.04), 400), 1e-3, "SGD");
        assertConverged(quadratic(ps -> new SGD(ps, 0.02, 0.9, true, 0), 300), 1e-3, "SGD Nesterov");
        assertConverged(quadratic(ps -> new Adam(ps, 0.05), 800), 1e-3, "Adam");
        assertConverged(quadratic(ps -> new AdamW(ps, 0.05, 0), 800), 1e-3, "AdamW");
        assertConverged(quadratic(ps -> new RAdam(ps, 0.05), 800), 1e-3, "RAdam");
        assertConverged(quadratic(ps -> new Ranger(ps, 0.05), 1200), 1e-3, "Ranger");
        assertConverged(quadratic(ps -> new Lookahead(new SGD(ps, 0.04), 5, 0.8), 600), 1e-3, "Lookahead(SGD)");
    }

    @Test void rosenbrockWithAdam() {
        // (1 − x)² + 100 (y − x²)², minimum at (1, 1)
        Variable x = param("x", DType.FLOAT64, -1.2), y = param("y", DType.FLOAT64, 1.0);
        try (Adam opt = new Adam(List.of(x, y), 0.02)) {
            for (int t = 0; t < 4000; t++) {
                try (TensorScope s = new TensorScope()) {
                    opt.zeroGrad();
                    Variable f = x.neg().add(1).square().add(y.sub(x.square()).square().mul(100));
                    f.sum().backward();
                    opt.step();
                }
            }
            assertEquals(1, values(x)[0], 1e-2);
            assertEquals(1, values(y)[0], 2e-2);
        } finally {
            close(x, y);
        }
    }
}
