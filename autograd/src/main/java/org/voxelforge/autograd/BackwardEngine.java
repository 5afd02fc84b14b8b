package org.voxelforge.autograd;

import java.util.ArrayDeque;
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
                    ? Tensor.full(root.value().device(), 1.0, root.dtype(), root.dims())
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
                g = r.dtype() == v.dtype() ? r : r.cast(v.dtype());
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

    /** A Variable on the search stack and the index of its next input to visit. */
    private static final class Frame {
        final Variable v;
        int next;

        Frame(Variable v) { this.v = v; }
    }

    /** Post-order of the Variables that require grad (inputs before their users), without recursion. */
    static List<Variable> topologicalOrder(Variable root) {
        List<Variable> order = new ArrayList<>();
        Map<Variable, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Frame> stack = new ArrayDeque<>();
        stack.push(new Frame(root));
        seen.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Frame top = stack.peek();
            List<Variable> ins = top.v.isLeaf() ? List.of() : top.v.node().inputs();
            if (top.next < ins.size()) {
                Variable in = ins.get(top.next++);
                if (in.requiresGrad() && seen.put(in, Boolean.TRUE) == null) stack.push(new Frame(in));
            } else {
                order.add(top.v); // all its inputs are already in the list
                stack.pop();
            }
        }
        return order;
    }
}
