package org.voxelforge.nn.loss;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;

/**
 * Per-class soft overlap sums of the Dice family: intersection sum(p t), sum(p) (or sum(p^2))
 * and sum(t) (or sum(t^2)), over the spatial axes ([N, C]) or also over the batch ([C]).
 * p and t must already be multiplied by the voxel mask.
 */
record Overlap(Variable intersection, Variable predSum, Variable targetSum) {

    static Overlap of(Variable p, Tensor t, boolean squared, boolean batch) {
        int[] axes = batch ? LossInputs.batchAndSpatialAxes(p.rank()) : LossInputs.spatialAxes(p.rank());
        Variable tv = Variable.constant(t);
        Variable inter = p.mul(tv).sum(axes);
        Variable ps = (squared ? p.square() : p).sum(axes);
        Variable ts = Variable.constant((squared ? t.square() : t).sum(axes));
        return new Overlap(inter, ps, ts);
    }

    /** (2 I + s) / (P + T + s), per class (and sample). */
    Variable dice(double smooth) {
        return intersection.mul(2.0).add(smooth).div(predSum.add(targetSum).add(smooth));
    }
}
