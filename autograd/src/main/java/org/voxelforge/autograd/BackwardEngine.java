package org.voxelforge.autograd;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/**
 * Reverse-mode backward pass over the graph below a root Variable.
 *
 * <ol>
 *   <li>Sort the Variables that require grad topologically (iterative depth-first search, so a
 *       chain of 10^5 ops does not overflow the Java stack).</li>
 *   <li>Walk them from the root down. Each Variable's gradient is complete when it is reached,
 *       because everything that uses it came earlier. Run its hooks; then either add the
 *       gradient into a leaf's {@code grad}, or call its node's backward and add the results
 *       into the pending gradients of the node's inputs (summed to each input's shape).</li>
 *   <li>Free each node's saved tensors right after its backward, unless retainGraph.</li>
 * </ol>
 * Temporary tensors live in per-node {@link TensorScope}s, so a pass frees everything except
 * the leaf gradients.
 */
final class BackwardEngine {
    private BackwardEngine() {}

    static void run(Variable root, Tensor gradOutput, boolean retainGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: " + root + " does not require grad and has no graph; "
                    + "did you build it under NoGrad, from detached values, or from constants only?");
        }
        if (gradOutput == null && root.value().numel() != 1) {
            throw new IllegalArgumentException("backward: the implicit gradient 1 is only defined for a one-element "
                    + "output, but " + root + " has shape " + root.shape() + "; pass a gradient tensor of that shape");
        }
        if (gradOutput != null && !gradOutput.shape().equals(root.shape())) {
            throw new IllegalArgumentException("backward: gradient " + gradOutput.describe() + " does not match "
                    + root + "; it must have the output's shape " + root.shape());
        }
        List<Variable> order = topologicalOrder(root);
        try (TensorScope pass = new TensorScope(); NoGrad ignored = NoGrad.enter()) {
            Map<Variable, Tensor> pending = new IdentityHashMap<>();
            pending.put(root, gradOutput == null
                    ? Tensor.full(1.0, root.dtype(), root.dims())
                    : alias(gradOutput.dtype() == root.dtype() ? gradOutput : gradOutput.cast(root.dtype())));
            for (int k = order.size() - 1; k >= 0; k--) {
                Variable v = order.get(k);
                Tensor total = pending.remove(v);
                if (total == null) continue; // no path from root carries gradient here
                try (TensorScope step = new TensorScope(); total) {
                    Tensor g = runHooks(v, total);
                    if (v.isLeaf()) {
                        v.accumulateGrad(g);
                    } else {
                        Node node = v.node();
                        Tensor[] grads = node.runBackward(g);
                        List<Variable> inputs = node.inputs();
                        for (int i = 0; i < grads.length; i++) {
                            Variable in = inputs.get(i);
                            if (grads[i] == null || !in.requiresGrad()) continue;
                            Tensor gi = fitToInput(grads[i], in);
                            Tensor before = pending.get(in);
                            pending.put(in, step.retain(before == null ? alias(gi) : before.add(gi)));
                            if (before != null) before.close();
                        }
                        if (!retainGraph) node.release();
                    }
                }
            }
        }
    }

    /** Hooks may replace the gradient; the replacement must keep the shape. */
    private static Tensor runHooks(Variable v, Tensor g) {
        for (UnaryOperator<Tensor> hook : v.hooks()) {
            Tensor r = hook.apply(g);
            if (r != null && r != g) {
                if (!r.shape().equals(v.shape())) {
                    throw new IllegalStateException("backward: a hook on " + v + " returned a gradient of shape "
                            + r.shape() + "; it must keep the shape " + v.shape());
                }
                g = r;
            }
        }
        return g;
    }

    /** Undo broadcasting and dtype promotion: the gradient gets exactly the input's shape and dtype. */
    private static Tensor fitToInput(Tensor g, Variable in) {
        Tensor s = GradShapes.sumToShape(g, in.shape());
        return s.dtype() == in.dtype() ? s : s.cast(in.dtype());
    }

    /** A second handle on the same storage, so the gradient outlives the scope that made the first. */
    private static Tensor alias(Tensor t) {
        return new Tensor(t.storage(), t.dtype(), t.shape(), t.strides(), t.offset());
    }

    /** Post-order of the Variables that require grad, without recursion. */
    static List<Variable> topologicalOrder(Variable root) {
        List<Variable> order = new ArrayList<>();
        Map<Variable, Boolean> seen = new IdentityHashMap<>();
        // each frame: a Variable and the index of the next input to visit
        ArrayList<Variable> stackV = new ArrayList<>();
        ArrayList<int[]> stackI = new ArrayList<>();
        stackV.add(root);
        stackI.add(new int[1]);
        seen.put(root, Boolean.TRUE);
        while (!stackV.isEmpty()) {
            int top = stackV.size() - 1;
            Variable v = stackV.get(top);
            int[] next = stackI.get(top);
            List<Variable> ins = v.isLeaf() ? List.of() : v.node().inputs();
            if (next[0] < ins.size()) {
                Variable in = ins.get(next[0]++);
                if (in.requiresGrad() && seen.put(in, Boolean.TRUE) == null) {
                    stackV.add(in);
                    stackI.add(new int[1]);
                }
            } else {
                order.add(v);
                stackV.remove(top);
                stackI.remove(top);
            }
        }
        return order;
    }
}
