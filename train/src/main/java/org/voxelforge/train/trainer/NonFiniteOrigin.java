package org.voxelforge.train.trainer;

import java.util.HashSet;
import java.util.Set;
import org.voxelforge.autograd.Node;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;

/**
 * Where a NaN/Inf came from: walks the graph back from a non-finite loss to the first op whose
 * output holds NaN/Inf while all of its inputs are finite (or to a non-finite leaf: the input
 * batch or a parameter). Runs only after a step has diverged, so its cost does not matter.
 */
final class NonFiniteOrigin {
    private NonFiniteOrigin() {}

    /** A sentence naming the op (or leaf) that first produced a non-finite value; null when the loss is finite. */
    static String find(Variable loss) {
        if (finite(loss.value())) return null;
        Set<Long> seen = new HashSet<>();
        Variable v = loss;
        while (true) {
            Node n = v.node();
            if (n == null) {
                return "a leaf tensor " + v.value().describe() + (v.requiresGrad() ? " (a parameter)" : " (input data)") + " holds NaN/Inf";
            }
            if (!seen.add(n.id())) return "op " + n.describe() + " outputs NaN/Inf";
            Variable bad = null;
            for (Variable in : n.inputs()) {
                if (in != null && !finite(in.value())) {
                    bad = in;
                    break;
                }
            }
            if (bad == null) return "op " + n.describe() + " produced NaN/Inf from finite inputs";
            v = bad;
        }
    }

    static boolean finite(Tensor t) {
        if (!t.dtype().isFloatingPoint()) return true;
        long n = t.numel();
        for (long i = 0; i < n; i++) if (!Double.isFinite(t.getFlat(i))) return false;
        return true;
    }
}
