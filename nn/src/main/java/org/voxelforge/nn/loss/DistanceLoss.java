package org.voxelforge.nn.loss;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;

/**
 * A loss that reads the ground truth's signed distance maps [N, C, spatial...] (negative
 * inside, positive outside). Call {@link #compute(Variable, LossTarget, Tensor)}; the
 * labels-only form has no distance maps and refuses.
 */
public interface DistanceLoss extends Loss {
    @Override default Variable compute(Variable logits, Tensor target, Tensor maskOrNull) {
        throw new IllegalArgumentException(name() + ": needs distance maps; call compute(logits, LossTarget.of(labels, "
                + "distanceMaps), mask) with distance maps of the logits' shape " + logits.value().describe());
    }

    @Override Variable compute(Variable logits, LossTarget target, Tensor maskOrNull);

    @Override default boolean needsDistanceMaps() { return true; }
}
