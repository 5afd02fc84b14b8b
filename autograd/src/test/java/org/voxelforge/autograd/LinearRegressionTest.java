package org.voxelforge.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/** End to end: fit y = 3x + 2 with matmul, a mean squared error and plain gradient descent. */
class LinearRegressionTest {
    @Test void fitsALine() {
        int n = 16;
        float[] xs = new float[n], ys = new float[n];
        for (int i = 0; i < n; i++) {
            xs[i] = -1 + 2f * i / (n - 1);
            ys[i] = 3 * xs[i] + 2;
        }
        Tensor xData = Tensor.of(xs, n, 1), yData = Tensor.of(ys, n, 1);
        Variable w = Variable.param(Tensor.zeros(1, 1), "w");
        Variable b = Variable.param(Tensor.zeros(1), "b");
        Variable x = Variable.constant(xData, "x"), y = Variable.constant(yData, "y");
        double lr = 0.3;
        for (int step = 0; step < 100; step++) { // the error shrinks by about 0.76 per step
            try (TensorScope s = new TensorScope()) {
                Variable loss = x.matmul(w).add(b).sub(y).square().mean();
                loss.backward();
                try (NoGrad ignored = NoGrad.enter()) {
                    w.value().copy_(w.value().sub(w.grad().mul(lr)));
                    b.value().copy_(b.value().sub(b.grad().mul(lr)));
                }
                w.zeroGrad();
                b.zeroGrad();
            }
        }
        assertEquals(3.0, w.value().item(), 1e-3);
        assertEquals(2.0, b.value().item(), 1e-3);
    }
}
