package org.voxelforge.nn.loss;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;

/**
 * A segmentation loss: a one-element Variable from logits {@code [N, C, spatial...]} (any
 * spatial rank), a target and an optional voxel mask {@code [N, spatial...]} (1 = annotated,
 * 0 = not annotated; masked-out voxels contribute nothing and get exactly zero gradient).
 *
 * <p>The target is an integer label tensor {@code [N, spatial...]} unless a loss says otherwise
 * (most also take float one-hot / soft targets {@code [N, C, spatial...]}). Losses that need
 * distance maps as well implement {@link #compute(Variable, LossTarget, Tensor)}.
 */
public interface Loss {
    Variable compute(Variable logits, Tensor target, Tensor maskOrNull);

    /** With every kind of target; losses that read only labels ignore the distance maps. */
    default Variable compute(Variable logits, LossTarget target, Tensor maskOrNull) {
        return compute(logits, target.labels(), maskOrNull);
    }

    /** True when {@link #compute(Variable, LossTarget, Tensor)} needs {@link LossTarget#distanceMaps()}. */
    default boolean needsDistanceMaps() { return false; }

    /** The name used in logs and by {@link Losses#create}. */
    default String name() { return getClass().getSimpleName(); }
}
