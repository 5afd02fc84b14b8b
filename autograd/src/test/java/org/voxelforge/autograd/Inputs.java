package org.voxelforge.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.Function;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;

/** Random float64 inputs and a gradcheck shortcut for the tests. */
final class Inputs {
    private Inputs() {}

    /** Uniform in [-2, 2), deterministic per seed. */
    static Tensor rand(long seed, int... dims) {
        Random r = new Random(seed);
        double[] d = new double[(int) Shape.of(dims).numel()];
        for (int i = 0; i < d.length; i++) d[i] = r.nextDouble() * 4 - 2;
        return Tensor.of(d, dims);
    }

    /** Uniform in [0.5, 2.5): safe for log, sqrt, division and non-integer powers. */
    static Tensor positive(long seed, int... dims) {
        Random r = new Random(seed);
        double[] d = new double[(int) Shape.of(dims).numel()];
        for (int i = 0; i < d.length; i++) d[i] = 0.5 + r.nextDouble() * 2;
        return Tensor.of(d, dims);
    }

    /** A non-contiguous view with the given shape: the transpose of a [dims[1], dims[0]] tensor. */
    static Tensor transposed(long seed, int rows, int cols) {
        Tensor t = rand(seed, cols, rows).transpose(0, 1);
        assertTrue(!t.isContiguous());
        return t;
    }

    static GradCheck.Result check(String what, Function<Variable[], Variable> f, Tensor... xs) {
        GradCheck.Result r = GradCheck.assertGradients(what, f, xs);
        assertTrue(r.elementsChecked() > 0, what + ": nothing was checked");
        return r;
    }
}
