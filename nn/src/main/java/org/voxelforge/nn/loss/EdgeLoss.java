package org.voxelforge.nn.loss;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.PadMode;
import org.voxelforge.core.Tensor;

/**
 * Edge loss (as in BraTS 2023 entries): the mean squared difference between the normalized
 * gradient magnitudes of the softmax prediction and of the one-hot target, over annotated voxels
 * and channels. The gradient at a voxel is the forward difference to its next neighbour along
 * each spatial axis (0 at the far border); the magnitude sqrt(sum_axes d^2 + eps) is divided by
 * its maximum over the volume of each sample and channel, so both maps lie in [0, 1].
 *
 * <p>With a mask, a difference counts only when both voxels are annotated, so unannotated voxels
 * never leak into the edges of annotated ones.
 */
public final class EdgeLoss implements Loss {
    private static final double EPS = 1e-8;

    @Override public String name() { return "edge"; }

    @Override public Variable compute(Variable logits, Tensor target, Tensor maskOrNull) {
        LossInputs.checkLogits("EdgeLoss", logits);
        Tensor mask = LossInputs.voxelMask("EdgeLoss", logits, maskOrNull);
        Variable x = LossInputs.maskLogits(logits, mask);
        Tensor t = LossInputs.oneHot("EdgeLoss", logits, target, mask);
        Variable ep = normalizedEdges(x.softmax(1), mask);
        Variable et = normalizedEdges(Variable.constant(t), mask);
        double n = LossInputs.annotatedVoxels(logits, mask) * logits.dim(1);
        if (n == 0) return LossInputs.zero(x);
        return LossInputs.times(ep.sub(et).square(), mask).sum().div(n);
    }

    static Variable normalizedEdges(Variable v, Tensor mask) {
        Variable sumSq = null;
        for (int axis = 2; axis < v.rank(); axis++) {
            int len = v.dim(axis);
            if (len < 2) continue;
            Variable d = v.slice(axis, 1, len).sub(v.slice(axis, 0, len - 1));
            if (mask != null) d = d.mul(Variable.constant(mask.slice(axis, 1, len).mul(mask.slice(axis, 0, len - 1))));
            int[] before = new int[v.rank()], after = new int[v.rank()];
            after[axis] = 1;
            Variable sq = d.square().pad(before, after, PadMode.CONSTANT, 0.0);
            sumSq = sumSq == null ? sq : sumSq.add(sq);
        }
        if (sumSq == null) sumSq = v.mul(0.0);
        Variable magnitude = sumSq.add(EPS).sqrt();
        return magnitude.div(magnitude.max(true, LossInputs.spatialAxes(v.rank())));
    }
}
