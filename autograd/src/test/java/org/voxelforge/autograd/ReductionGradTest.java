package org.voxelforge.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.voxelforge.autograd.Inputs.check;
import static org.voxelforge.autograd.Inputs.rand;
import static org.voxelforge.autograd.Inputs.transposed;

import org.junit.jupiter.api.Test;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/** Gradchecks of reductions (with and without keepDims), variance, softmax and logSoftmax. */
class ReductionGradTest {
    @Test void sum() {
        try (TensorScope s = new TensorScope()) {
            check("sum all", v -> v[0].sum(), rand(1, 2, 3, 4));
            check("sum axis 1", v -> v[0].sum(1), rand(2, 2, 3, 4));
            check("sum axes 0,2 keep", v -> v[0].sumKeep(0, 2), rand(3, 2, 3, 4));
            check("sum axis -1 non-contiguous", v -> v[0].sum(-1), transposed(4, 3, 5));
        }
    }

    @Test void mean() {
        try (TensorScope s = new TensorScope()) {
            check("mean all", v -> v[0].mean(), rand(1, 2, 3, 4));
            check("mean axis 2", v -> v[0].mean(2), rand(2, 2, 3, 4));
            check("mean axes 0,1 keep", v -> v[0].meanKeep(0, 1), rand(3, 2, 3, 4));
            check("mean non-contiguous", v -> v[0].meanKeep(0), transposed(4, 3, 5));
        }
    }

    @Test void maxAndMin() {
        try (TensorScope s = new TensorScope()) {
            check("max all", v -> v[0].max(false), rand(1, 3, 4));
            check("max axis 1", v -> v[0].max(false, 1), rand(2, 3, 4));
            check("max axis 0 keep", v -> v[0].max(true, 0), rand(3, 3, 4));
            check("min axes 0,2", v -> v[0].min(false, 0, 2), rand(4, 2, 3, 4));
            check("min keep non-contiguous", v -> v[0].min(true, 1), transposed(5, 3, 5));
        }
    }

    /** Tied maxima share the gradient evenly (documented behaviour, like PyTorch's amax). */
    @Test void maxSplitsGradientAmongTies() {
        try (TensorScope s = new TensorScope()) {
            Variable x = Variable.param(Tensor.of(new double[] {1, 3, 3, 0, 2, 3, 3, 3}, 2, 4));
            x.max(false, 1).sum().backward();
            assertArrayEquals(new double[] {0, 0.5, 0.5, 0, 0, 1 / 3.0, 1 / 3.0, 1 / 3.0}, x.grad().toDoubleArray(), 1e-12);
            x.close();
        }
    }

    @Test void variance() {
        try (TensorScope s = new TensorScope()) {
            check("variance all, correction 0", v -> v[0].variance(0, false), rand(1, 3, 4));
            check("variance axis 1, correction 1", v -> v[0].variance(1, false, 1), rand(2, 3, 4));
            check("variance axes 0,2 keep", v -> v[0].variance(1, true, 0, 2), rand(3, 2, 3, 4));
            check("variance non-contiguous", v -> v[0].variance(0, true, 0), transposed(4, 3, 5));
        }
    }

    @Test void softmax() {
        try (TensorScope s = new TensorScope()) {
            check("softmax axis 1", v -> v[0].softmax(1), rand(1, 3, 4));
            check("softmax axis 0", v -> v[0].softmax(0), rand(2, 3, 4, 2));
            check("softmax axis -1 non-contiguous", v -> v[0].softmax(-1), transposed(3, 3, 5));
        }
    }

    @Test void logSoftmax() {
        try (TensorScope s = new TensorScope()) {
            check("logSoftmax axis 1", v -> v[0].logSoftmax(1), rand(1, 3, 4));
            check("logSoftmax axis 2", v -> v[0].logSoftmax(2), rand(2, 2, 3, 4));
            check("logSoftmax non-contiguous", v -> v[0].logSoftmax(0), transposed(3, 3, 5));
        }
    }
}
