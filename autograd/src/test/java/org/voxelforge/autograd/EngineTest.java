package org.voxelforge.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.voxelforge.autograd.Inputs.rand;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.DType;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Storage;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/** The engine itself: accumulation, graph freeing, no-grad, detach, hooks, version counters, depth. */
class EngineTest {
    @Test void gradientsAccumulateAcrossBackwardCallsUntilZeroGrad() {
        Variable x = Variable.param(Tensor.of(new double[] {1, 2, 3}, 3), "x");
        try (TensorScope s = new TensorScope()) {
            x.mul(x).sum().backward();                 // d/dx sum x^2 = 2x
            x.mul(3.0).sum().backward();               // + 3
        }
        // the leaf gradient belongs to x, so it survives the scope of the step
        assertArrayEquals(new double[] {5, 7, 9}, x.grad().toDoubleArray(), 1e-12);
        x.zeroGrad();
        assertNull(x.grad());
        x.value().close();
    }

    @Test void aVariableUsedTwiceGetsBothContributions() {
        try (TensorScope s = new TensorScope()) {
            Variable x = Variable.param(Tensor.of(new double[] {2}, 1));
            Variable y = x.mul(x).add(x.exp()); // dy/dx = 2x + e^x
            y.sum().backward();
            assertEquals(4 + Math.exp(2), x.grad().getFlat(0), 1e-12);
            x.close();
        }
    }

    @Test void secondBackwardWithoutRetainGraphFailsClearly() {
        try (TensorScope s = new TensorScope()) {
            Variable x = Variable.param(rand(1, 3));
            Variable loss = x.exp().sum();
            loss.backward();
            IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
            assertTrue(e.getMessage().contains("retainGraph"), e.getMessage());
            x.close();
        }
    }

    @Test void retainGraphAllowsASecondBackward() {
        try (TensorScope s = new TensorScope()) {
            Variable x = Variable.param(Tensor.of(new double[] {0.5, -1}, 2));
            Variable loss = x.exp().sum();
            loss.backward(Tensor.scalar(1.0, DType.FLOAT64), true);
            loss.backward();
            assertArrayEquals(new double[] {2 * Math.exp(0.5), 2 * Math.exp(-1)}, x.grad().toDoubleArray(), 1e-12);
            x.close();
        }
    }

    @Test void savedTensorsAreFreedAfterBackward() {
        try (TensorScope s = new TensorScope()) {
            Variable x = Variable.param(rand(1, 4));
            Variable y = x.exp();
            Variable loss = y.sum();
            assertFalse(y.node().isReleased());
            loss.backward();
            assertTrue(y.node().isReleased());
            assertTrue(loss.node().isReleased());
            x.close();
        }
    }

    @Test void noGradRecordsNothing() {
        try (TensorScope s = new TensorScope()) {
            Variable x = Variable.param(rand(1, 3));
            try (NoGrad ignored = NoGrad.enter()) {
                Variable y = x.mul(2.0).exp();
                assertFalse(y.requiresGrad());
                assertNull(y.node());
                assertThrows(IllegalStateException.class, () -> y.sum().backward());
            }
            assertTrue(NoGrad.isGradEnabled());
            assertTrue(x.mul(2.0).requiresGrad());
        }
    }

    @Test void noGradIsPerThread() throws Exception {
        boolean[] otherThread = new boolean[1];
        try (NoGrad ignored = NoGrad.enter()) {
            Thread t = new Thread(() -> otherThread[0] = NoGrad.isGradEnabled());
            t.start();
            t.join();
            assertFalse(NoGrad.isGradEnabled());
        }
        assertTrue(otherThread[0]);
    }

    @Test void detachCutsTheGraph() {
        try (TensorScope s = new TensorScope()) {
            Variable x = Variable.param(Tensor.of(new double[] {1, 2}, 2));
            Variable d = x.mul(3.0).detach();
            assertFalse(d.requiresGrad());
            assertTrue(d.isLeaf());
            x.mul(d).sum().backward();                 // d is a constant: grad = d = 3x
            assertArrayEquals(new double[] {3, 6}, x.grad().toDoubleArray(), 1e-12);
            x.close();
        }
    }

    @Test void hooksSeeTheGradientAndMayReplaceIt() {
        try (TensorScope s = new TensorScope()) {
            Variable x = Variable.param(Tensor.of(new double[] {1, 2}, 2));
            Variable h = x.mul(2.0);
            List<double[]> seen = new ArrayList<>();
            h.registerHook(g -> { seen.add(g.toDoubleArray()); return g.mul(10.0); });
            x.registerHook(g -> { seen.add(g.toDoubleArray()); return null; });
            h.mul(Variable.constant(Tensor.of(new double[] {1, -1}, 2))).sum().backward();
            assertArrayEquals(new double[] {1, -1}, seen.get(0), 0);   // dL/dh
            assertArrayEquals(new double[] {20, -20}, seen.get(1), 0); // replaced 10x, times dh/dx = 2
            assertArrayEquals(new double[] {20, -20}, x.grad().toDoubleArray(), 0);
            x.close();
        }
    }

    @Test void hookMustKeepTheShape() {
        try (TensorScope s = new TensorScope()) {
            Variable x = Variable.param(rand(1, 2, 2));
            x.registerHook(g -> g.sum());
            assertThrows(IllegalStateException.class, () -> x.mul(2.0).sum().backward());
        }
    }

    @Test void inPlaceWriteToASavedTensorIsCaughtAndNamesTheOp() {
        try (TensorScope s = new TensorScope()) {
            Tensor w = rand(1, 3);
            Variable x = Variable.param(rand(2, 3));
            Variable loss = x.mul(Variable.constant(w)).sum();   // mul saves w for x's gradient
            w.fill_(0.0);                                        // ... and w changes afterwards
            IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
            String m = e.getMessage();
            assertTrue(m.contains("modified by an in-place operation"), m);
            assertTrue(m.contains("'mul'"), m);
            assertTrue(m.contains("version 1") && m.contains("expected version 0"), m);
        }
    }

    @Test void deepChainDoesNotOverflowTheStack() {
        try (TensorScope s = new TensorScope()) {
            Variable x = Variable.param(Tensor.of(new double[] {1}, 1));
            Variable y = x;
            for (int i = 0; i < 10_000; i++) y = y.add(x);  // y = 10001 x
            y.sum().backward();
            assertEquals(10_001, x.grad().getFlat(0), 0);
            assertTrue(GraphInspector.text(y).contains("10000 op nodes"));
            x.close();
        }
    }

    @Test void implicitGradientNeedsAOneElementOutput() {
        try (TensorScope s = new TensorScope()) {
            Variable y = Variable.param(rand(1, 2, 3)).exp();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, y::backward);
            assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> y.backward(rand(2, 3)));
        }
    }

    @Test void explicitGradientFlowsThrough() {
        try (TensorScope s = new TensorScope()) {
            Variable x = Variable.param(Tensor.of(new double[] {1, 2, 3}, 3));
            x.mul(2.0).backward(Tensor.of(new double[] {1, 10, 100}, 3));
            assertArrayEquals(new double[] {2, 20, 200}, x.grad().toDoubleArray(), 0);
            x.close();
        }
    }

    @Test void nonDifferentiableOpsGiveConstants() {
        try (TensorScope s = new TensorScope()) {
            Variable x = Variable.param(rand(1, 2, 3));
            assertFalse(x.gt(0.0).requiresGrad());
            assertFalse(x.eq(x).requiresGrad());
            assertFalse(x.argmax(1, false).requiresGrad());
            assertEquals(DType.INT64, x.argmax(1, false).dtype());
            Variable labels = Variable.constant(Tensor.ofLongs(new long[] {0, 2, 1}, 3));
            Variable oh = labels.oneHot(3, 1, DType.FLOAT32);
            assertFalse(oh.requiresGrad());
            assertArrayEquals(new int[] {3, 3}, oh.dims());
        }
    }

    @Test void badInputErrorsNameTheOpAndShapes() {
        try (TensorScope s = new TensorScope()) {
            Variable a = Variable.param(rand(1, 2, 3)), b = Variable.param(rand(2, 4, 5));
            RuntimeException e = assertThrows(RuntimeException.class, () -> a.matmul(b));
            assertTrue(e.getMessage().contains("matmul") && e.getMessage().contains("[2, 3]"), e.getMessage());
            e = assertThrows(RuntimeException.class, () -> a.add(Variable.param(rand(3, 4))));
            assertTrue(e.getMessage().contains("add") && e.getMessage().contains("[4]"), e.getMessage());
            e = assertThrows(RuntimeException.class, () -> a.sum(2));
            assertTrue(e.getMessage().contains("sum"), e.getMessage());
        }
    }

    @Test void whatAnOpSavesIsFixedAtForwardTime() {
        try (TensorScope s = new TensorScope()) {
            Variable a = Variable.param(Tensor.of(new double[] {1, 2}, 2));
            Variable b = Variable.constant(Tensor.of(new double[] {3, 4}, 2));
            Variable y = a.mul(b).matmul(b);
            b.requiresGrad(true);                      // too late for this graph: b was a constant in it
            y.backward();
            assertArrayEquals(new double[] {9, 16}, a.grad().toDoubleArray(), 0);
            assertNull(b.grad());
            a.close();
        }
    }

    @Test void integerLeavesCannotRequireGrad() {
        try (TensorScope s = new TensorScope()) {
            assertThrows(IllegalArgumentException.class, () -> Variable.param(Tensor.ofLongs(new long[] {1}, 1)));
        }
    }

    /** sumToShape against a naive loop: every input element sums the broadcast copies it produced. */
    @Test void sumToShapeMatchesNaiveSum() {
        try (TensorScope s = new TensorScope()) {
            Tensor g = rand(1, 3, 2, 4);
            Tensor r = GradShapes.sumToShape(g, Shape.of(2, 1));
            double[] naive = new double[2];
            for (int i = 0; i < 3; i++) for (int j = 0; j < 2; j++) for (int k = 0; k < 4; k++) naive[j] += g.get(i, j, k);
            assertArrayEquals(new int[] {2, 1}, r.dims());
            assertArrayEquals(naive, r.toDoubleArray(), 1e-12);
            assertSame(g, GradShapes.sumToShape(g, Shape.of(3, 2, 4)));
        }
    }

    @Test void gradcheckCatchesAWrongGradient() {
        try (TensorScope s = new TensorScope()) {
            // exp with a deliberately wrong backward (2 g e^x): gradcheck must fail and say where
            GradCheck.Result r = GradCheck.check(v -> Op.apply("bad_exp", List.of(v[0]),
                    ctx -> { Tensor y = v[0].value().exp(); ctx.save(y); return y; },
                    (ctx, g) -> new Tensor[] {g.mul(ctx.saved(0)).mul(2.0)}), rand(1, 2, 3));
            assertFalse(r.passed());
            assertEquals(0, r.input());
            assertEquals(2, r.index().length);
            assertThrows(GradCheck.GradCheckFailure.class, () -> GradCheck.assertGradients("bad", v -> Op.apply("bad_exp",
                    List.of(v[0]), ctx -> v[0].value().exp(), (ctx, g) -> new Tensor[] {g}), rand(1, 2, 3)));
        }
    }

    @Test void savedTensorsAndIntermediateGradientsAreFreedAfterBackward() {
        try (TensorScope s = new TensorScope()) {
            Variable x = Variable.param(rand(1, 8, 8));
            Variable y = x.exp();                        // exp saves its output
            Storage[] gradStorage = new Storage[1];
            y.registerHook(g -> { gradStorage[0] = g.storage(); return null; });
            Storage yStorage = y.value().storage();
            y.sum().backward();
            assertTrue(gradStorage[0].isFreed(), "the gradient flowing through y outlived the backward pass");
            y.value().close();                           // the caller's handle was the last one
            assertTrue(yStorage.isFreed(), "exp's saved output was not freed by backward");
            x.close();
        }
    }

    @Test void retainGraphKeepsSavedTensorsUntilTheScopeEnds() {
        Storage yStorage;
        try (TensorScope s = new TensorScope()) {
            Variable x = Variable.param(rand(1, 8));
            Variable y = x.exp();
            yStorage = y.value().storage();
            y.sum().backward(Tensor.scalar(1.0, DType.FLOAT64), true);
            y.value().close();
            assertFalse(yStorage.isFreed(), "retainGraph must keep exp's saved output");
            x.close();
        }
        assertTrue(yStorage.isFreed(), "the saved tensor lives in the forward's scope and dies with it");
    }

    @Test void backwardFreesItsTemporaries() {
        Variable x = Variable.param(rand(1, 64, 64), "x");
        try (TensorScope s = new TensorScope()) {
            x.exp().mul(x).sum().backward();
            assertNotNull(x.grad());
        }
        // nothing but x's value and grad survives; the grad is a tensor of its own storage
        assertFalse(x.grad().isClosed());
        x.close();
        assertNull(x.grad());
        x.value().close();
    }
}
