package org.voxelforge.nn.layers;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.Module;

/** Activations, Dropout, Identity and Sequential against element formulas, and gradchecks. */
class ActivationLayersTest {
    private final RandomGenerator rng = new RandomGenerator(3);

    private Tensor rand(int... dims) { return rng.fill(RandomGenerator.Distribution.UNIFORM, -2, 2, DType.FLOAT64, dims); }

    private static double[] run(Module m, Tensor x) { return m.apply(Variable.constant(x)).value().toDoubleArray(); }

    private static void assertElementwise(Module m, Tensor x, java.util.function.DoubleUnaryOperator f, double tol) {
        double[] in = x.toDoubleArray(), out = run(m, x);
        for (int i = 0; i < in.length; i++) assertEquals(f.applyAsDouble(in[i]), out[i], tol, m + " at x=" + in[i]);
    }

    @Test void elementwiseActivationsMatchTheirFormulas() {
        try (TensorScope s = new TensorScope()) {
            Tensor x = rand(2, 3, 2, 2, 2);
            assertElementwise(new ReLU(), x, v -> Math.max(0, v), 0);
            assertElementwise(new LeakyReLU(), x, v -> v >= 0 ? v : 0.01 * v, 1e-15);
            assertElementwise(new LeakyReLU(0.2), x, v -> v >= 0 ? v : 0.2 * v, 1e-15);
            assertElementwise(new Sigmoid(), x, v -> 1 / (1 + Math.exp(-v)), 1e-14);
            assertElementwise(new GELU(true), x, v -> 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))), 1e-14);
            assertElementwise(new Identity(), x, v -> v, 0);
            assertElementwise(new PReLU(1, 0.25, DType.FLOAT64), x, v -> v >= 0 ? v : 0.25 * v, 1e-15);
        }
    }

    @Test void preluIsPerChannel() {
        try (TensorScope s = new TensorScope(); PReLU p = new PReLU(3, 0.25, DType.FLOAT64)) {
            p.weight().value().copy_(Tensor.of(new double[] {0.1, 0.5, -1}, 3));
            Tensor x = rand(2, 3, 2, 1, 2);
            double[] in = x.toDoubleArray(), out = run(p, x);
            double[] a = {0.1, 0.5, -1};
            for (int i = 0; i < in.length; i++) {
                double slope = a[(i / 4) % 3];
                assertEquals(in[i] >= 0 ? in[i] : slope * in[i], out[i], 1e-15);
            }
        }
    }

    @Test void softmaxSumsToOneAlongItsAxis() {
        try (TensorScope s = new TensorScope()) {
            Tensor x = rand(2, 4, 3, 1, 1);
            double[] in = x.toDoubleArray(), out = run(new Softmax(1), x);
            for (int n = 0; n < 2; n++)
                for (int z = 0; z < 3; z++) {
                    double denom = 0;
                    for (int c = 0; c < 4; c++) denom += Math.exp(in[(n * 4 + c) * 3 + z]);
                    for (int c = 0; c < 4; c++) assertEquals(Math.exp(in[(n * 4 + c) * 3 + z]) / denom, out[(n * 4 + c) * 3 + z], 1e-14);
                }
        }
    }

    @Test void dropoutScalesKeptElementsAndIsIdentityInEval() {
        try (TensorScope s = new TensorScope()) {
            Tensor x = rng.fill(RandomGenerator.Distribution.UNIFORM, 1, 2, DType.FLOAT64, 4, 8, 8, 8, 8);
            Dropout d = new Dropout(0.3, new RandomGenerator(1));
            Variable xv = Variable.param(x);
            Variable y = d.apply(xv);
            y.sum().backward();
            double[] in = x.toDoubleArray(), out = y.value().toDoubleArray(), g = xv.grad().toDoubleArray();
            int zeros = 0;
            for (int i = 0; i < in.length; i++) {
                if (out[i] == 0) zeros++;
                else assertEquals(in[i] / 0.7, out[i], 1e-12);
                assertEquals(out[i] / in[i], g[i], 1e-12, "gradient is the scaled mask");
            }
            assertEquals(0.3, zeros / (double) in.length, 0.02);
            Tensor y2 = d.apply(Variable.constant(x)).value();
            assertNotEquals(List.of(out), List.of(y2.toDoubleArray()), "a fresh mask per call");
            d.eval();
            assertArrayEquals(in, run(d, x));
            Dropout all = new Dropout(1, new RandomGenerator(1));
            for (double v : run(all, x)) assertEquals(0, v);
        }
    }

    @Test void dropout3dDropsWholeChannels() {
        try (TensorScope s = new TensorScope()) {
            Tensor x = rng.fill(RandomGenerator.Distribution.UNIFORM, 1, 2, DType.FLOAT64, 8, 16, 2, 2, 2);
            double[] in = x.toDoubleArray(), out = run(new Dropout3d(0.5, new RandomGenerator(2)), x);
            int dropped = 0;
            for (int ch = 0; ch < 8 * 16; ch++) {
                boolean zero = out[ch * 8] == 0;
                if (zero) dropped++;
                for (int i = ch * 8; i < ch * 8 + 8; i++) assertEquals(zero ? 0 : in[i] * 2, out[i], 1e-12);
            }
            assertTrue(dropped > 32 && dropped < 96, "about half of 128 channels dropped, got " + dropped);
        }
    }

    @Test void sequentialNamesAndOrder() {
        try (TensorScope s = new TensorScope(); Sequential seq = new Sequential(new PReLU(1, 0.5, DType.FLOAT64), new ReLU(), new PReLU(2, 0.5, DType.FLOAT64))) {
            assertEquals(List.of("0.weight", "2.weight"), List.copyOf(seq.namedParameters().keySet()));
            Tensor x = rand(1, 2, 1, 2, 2);
            double[] in = x.toDoubleArray(), out = run(seq, x);
            for (int i = 0; i < in.length; i++) assertEquals(Math.max(0, in[i]), out[i], 0);
        }
    }

    @Test void gradchecks() {
        try (TensorScope s = new TensorScope()) {
            ModuleGradCheck.assertGradients("PReLU per channel", new PReLU(3, 0.25, DType.FLOAT64), rand(2, 3, 2, 1, 2));
            ModuleGradCheck.assertGradients("PReLU shared", new PReLU(1, 0.25, DType.FLOAT64), rand(2, 3, 2));
            ModuleGradCheck.assertGradients("GELU", new GELU(), rand(2, 3, 4));
            ModuleGradCheck.assertGradients("GELU tanh", new GELU(true), rand(2, 3, 4));
            ModuleGradCheck.assertGradients("LeakyReLU", new LeakyReLU(), rand(2, 3, 4));
            ModuleGradCheck.assertGradients("Sigmoid", new Sigmoid(), rand(2, 3, 4));
            ModuleGradCheck.assertGradients("Softmax", new Softmax(1), rand(2, 3, 4));
        }
    }
}
