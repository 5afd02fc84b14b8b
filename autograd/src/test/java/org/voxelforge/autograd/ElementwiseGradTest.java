package org.voxelforge.autograd;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.voxelforge.autograd.Inputs.check;
import static org.voxelforge.autograd.Inputs.positive;
import static org.voxelforge.autograd.Inputs.rand;
import static org.voxelforge.autograd.Inputs.transposed;

import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/** Gradchecks of every elementwise op: same shapes, broadcast shapes, non-contiguous inputs. */
class ElementwiseGradTest {
    /** Pairs of shapes: equal, broadcast both ways ([3,1,4] with [2,1] gives [3,2,4]), scalar. */
    private static final int[][][] PAIRS = {
            {{2, 3}, {2, 3}}, {{3, 1, 4}, {2, 1}}, {{4}, {3, 1}}, {{2, 3}, {}},
    };

    private static void binary(String name, BinaryOperator<Variable> op, boolean positiveRight) {
        try (TensorScope s = new TensorScope()) {
            long seed = 1;
            for (int[][] p : PAIRS) {
                Tensor a = rand(seed++, p[0]);
                Tensor b = positiveRight ? positive(seed++, p[1]) : rand(seed++, p[1]);
                check(name + " " + a.shape() + " with " + b.shape(), v -> op.apply(v[0], v[1]), a, b);
            }
            Tensor a = transposed(seed++, 3, 4);
            Tensor b = positiveRight ? positive(seed, 4, 3).transpose(0, 1) : transposed(seed, 3, 4);
            check(name + " non-contiguous", v -> op.apply(v[0], v[1]), a, b);
        }
    }

    private static void unary(String name, UnaryOperator<Variable> op, boolean positiveOnly) {
        try (TensorScope s = new TensorScope()) {
            for (int[] dims : List.of(new int[] {5}, new int[] {2, 3, 2}, new int[] {})) {
                Tensor x = positiveOnly ? positive(7, dims) : rand(7, dims);
                check(name + " " + x.shape(), v -> op.apply(v[0]), x);
            }
            Tensor nc = positiveOnly ? positive(8, 4, 3).transpose(0, 1) : transposed(8, 3, 4);
            check(name + " non-contiguous", v -> op.apply(v[0]), nc);
        }
    }

    @Test void add() { binary("add", Variable::add, false); }
    @Test void sub() { binary("sub", Variable::sub, false); }
    @Test void mul() { binary("mul", Variable::mul, false); }
    @Test void div() { binary("div", Variable::div, true); }

    @Test void powTensorTensor() {
        try (TensorScope s = new TensorScope()) {
            check("pow [2,3]^[2,3]", v -> v[0].pow(v[1]), positive(1, 2, 3), rand(2, 2, 3));
            check("pow [3,1,4]^[2,1]", v -> v[0].pow(v[1]), positive(3, 3, 1, 4), rand(4, 2, 1));
            check("pow non-contiguous", v -> v[0].pow(v[1]), positive(5, 4, 3).transpose(0, 1), transposed(6, 3, 4));
        }
    }

    @Test void powScalar() {
        unary("pow 3", v -> v.pow(3), false);
        unary("pow 0.5", v -> v.pow(0.5), true);
        unary("pow -1.5", v -> v.pow(-1.5), true);
    }

    @Test void scalarArithmetic() {
        unary("add 2.5", v -> v.add(2.5), false);
        unary("sub 1.5", v -> v.sub(1.5), false);
        unary("mul -3", v -> v.mul(-3), false);
        unary("div 4", v -> v.div(4), false);
    }

    @Test void neg() { unary("neg", Variable::neg, false); }
    @Test void exp() { unary("exp", Variable::exp, false); }
    @Test void log() { unary("log", Variable::log, true); }
    @Test void sqrt() { unary("sqrt", Variable::sqrt, true); }
    @Test void abs() { unary("abs", Variable::abs, false); }
    @Test void square() { unary("square", Variable::square, false); }
    @Test void relu() { unary("relu", Variable::relu, false); }
    @Test void leakyRelu() { unary("leakyRelu", v -> v.leakyRelu(0.1), false); }
    @Test void sigmoid() { unary("sigmoid", Variable::sigmoid, false); }
    @Test void tanh() { unary("tanh", Variable::tanh, false); }
    @Test void erf() { unary("erf", Variable::erf, false); }

    @Test void clamp() {
        unary("clamp [-1, 1]", v -> v.clamp(-1, 1), false);
        unary("clamp [-0.5, none]", v -> v.clamp(-0.5, Double.NaN), false);
        unary("clamp [none, 0.3]", v -> v.clamp(Double.NaN, 0.3), false);
    }

    @Test void where() {
        try (TensorScope s = new TensorScope()) {
            Tensor cond = Tensor.ofInts(new int[] {1, 0, 0, 1}, 4, 1).ne(Tensor.scalar(0)); // [4,1] bool
            Variable c = Variable.constant(cond);
            check("where [4,1] ? [4,3] : [3]", v -> Variable.where(c, v[0], v[1]), rand(1, 4, 3), rand(2, 3));
            check("where non-contiguous", v -> Variable.where(c, v[0], v[1]), transposed(3, 4, 3), rand(4, 1));
        }
    }

    @Test void whereRejectsConditionThatRequiresGrad() {
        try (TensorScope s = new TensorScope()) {
            Variable c = Variable.param(rand(1, 3));
            Variable a = Variable.param(rand(2, 3));
            assertThrows(IllegalArgumentException.class, () -> Variable.where(c, a, a));
        }
    }

    /** Products save only what the other side needs; check each side alone, with the other a constant. */
    @Test void oneSideConstant() {
        try (TensorScope s = new TensorScope()) {
            Tensor c = positive(9, 2, 1);
            Variable k = Variable.constant(c);
            check("const * x", v -> k.mul(v[0]), rand(1, 2, 3));
            check("x * const", v -> v[0].mul(k), rand(2, 2, 3));
            check("const / x", v -> k.div(v[0]), positive(3, 2, 3));
            check("x / const", v -> v[0].div(k), rand(4, 2, 3));
            check("const ^ x", v -> k.pow(v[0]), rand(5, 2, 3));
            check("x ^ const", v -> v[0].pow(k), positive(6, 2, 3));
            check("const @ x", v -> k.transpose(0, 1).matmul(v[0]), rand(7, 2, 3));
            check("x @ const", v -> v[0].matmul(k), rand(8, 3, 2));
        }
    }

    @Test void mixedDtypesGiveEachInputItsOwnDtype() {
        try (TensorScope s = new TensorScope()) {
            Variable a = Variable.param(rand(1, 2, 3).cast(org.voxelforge.core.DType.FLOAT32));
            Variable b = Variable.param(rand(2, 3));
            a.mul(b).sum().backward();
            assertTrue(a.grad().dtype() == org.voxelforge.core.DType.FLOAT32);
            assertTrue(b.grad().dtype() == org.voxelforge.core.DType.FLOAT64);
            a.close();
            b.close();
        }
    }
}
