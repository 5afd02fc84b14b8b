package org.voxelforge.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/**
 * The walk-through example of docs/autograd.md: one logistic-regression step, its gradients
 * checked against the closed form dL/dw = x^T (p - y) / n, dL/db = mean(p - y). Run it to see
 * the graph: {@code mvn -q test -pl autograd -am -Dtest=LogisticRegressionStepTest}.
 */
class LogisticRegressionStepTest {
    @Test void oneStepMatchesTheClosedForm() {
        try (TensorScope scope = new TensorScope()) {
            Variable x = Variable.constant(Tensor.of(new float[] {0.5f, -1f, 2f, 1.5f, 0f, -0.5f, -2f, 1f, 0.5f, 1f, 1f, -1f}, 4, 3), "x");
            Variable y = Variable.constant(Tensor.of(new float[] {1, 0, 0, 1}, 4, 1), "y");
            Variable w = Variable.param(Tensor.of(new float[] {0.1f, -0.2f, 0.3f}, 3, 1), "w");
            Variable b = Variable.param(Tensor.of(new float[] {0.05f}, 1), "b");

            Variable loss = null;
            for (int run = 0; run < 2; run++) { // the first run loads kernel classes; time the second
                w.zeroGrad();
                b.zeroGrad();
                try (OpTiming timing = OpTiming.enable()) {
                    Variable p = x.matmul(w).add(b).sigmoid().named("p");
                    // binary cross-entropy: -mean(y log p + (1 - y) log(1 - p))
                    Variable notY = y.neg().add(1.0);   // a constant: y needs no gradient
                    Variable bce = y.mul(p.log()).add(notY.mul(p.neg().add(1.0).log()));
                    loss = bce.mean().neg().named("loss");
                    loss.backward();
                }
            }
            System.out.println(GraphInspector.text(loss));
            System.out.println(GraphInspector.dot(loss));

            // closed form
            float[] xs = x.value().toFloatArray(), ys = y.value().toFloatArray(), ws = w.value().toFloatArray();
            double bb = b.value().item();
            double[] gw = new double[3];
            double gb = 0;
            for (int i = 0; i < 4; i++) {
                double z = bb;
                for (int j = 0; j < 3; j++) z += xs[i * 3 + j] * ws[j];
                double err = 1 / (1 + Math.exp(-z)) - ys[i];
                for (int j = 0; j < 3; j++) gw[j] += err * xs[i * 3 + j] / 4;
                gb += err / 4;
            }
            assertArrayEquals(gw, w.grad().toDoubleArray(), 1e-6);
            assertEquals(gb, b.grad().item(), 1e-6);
            w.close();
            b.close();
        }
    }
}
