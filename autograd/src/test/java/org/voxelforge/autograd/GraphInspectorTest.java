package org.voxelforge.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.voxelforge.autograd.Inputs.rand;

import org.junit.jupiter.api.Test;
import org.voxelforge.core.TensorScope;

class GraphInspectorTest {
    @Test void textAndDotShowEveryNode() {
        try (TensorScope s = new TensorScope()) {
            Variable x = Variable.constant(rand(1, 4, 3), "x");
            Variable w = Variable.param(rand(2, 3, 1), "w");
            Variable b = Variable.param(rand(3, 1), "b");
            Variable loss;
            try (OpTiming timing = OpTiming.enable()) {
                Variable p = x.matmul(w).add(b).sigmoid();
                loss = p.square().mean();
                loss.backward();
            }
            String text = GraphInspector.text(loss);
            for (String expected : new String[] {"mean", "square", "sigmoid", "add", "matmul", "'w' leaf (requires grad)",
                    "'x' constant", "float64[4, 1]", "saved", "fwd", "bwd", "5 op nodes"}) {
                assertTrue(text.contains(expected), "text lacks '" + expected + "':\n" + text);
            }
            String dot = GraphInspector.dot(loss);
            assertTrue(dot.startsWith("digraph autograd {"), dot);
            for (String expected : new String[] {"matmul", "sigmoid", "mean", "'w'", "'b'", "->", "shape=box", "shape=ellipse"}) {
                assertTrue(dot.contains(expected), "dot lacks '" + expected + "':\n" + dot);
            }
            long edges = dot.lines().filter(l -> l.contains("->")).count();
            assertTrue(edges == 7, "expected 7 edges (matmul 2, add 2, sigmoid, square, mean):\n" + dot);
            w.close();
            b.close();
        }
    }

    @Test void sharedNodesArePrintedOnce() {
        try (TensorScope s = new TensorScope()) {
            Variable x = Variable.param(rand(1, 2), "x");
            Variable e = x.exp();
            String text = GraphInspector.text(e.mul(e));
            assertTrue(text.contains("(shown above)"), text);
            assertTrue(text.contains("2 op nodes"), text);
            assertTrue(!text.contains("fwd") && !text.contains("bwd"), "timing was off:\n" + text);
        }
    }
}
