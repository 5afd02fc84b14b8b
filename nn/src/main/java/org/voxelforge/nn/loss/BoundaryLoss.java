package org.voxelforge.nn.loss;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.fused.RegionLoss;

/**
 * Boundary loss (Kervadec et al. 2019): the mean over annotated voxels and foreground classes of
 * softmax probability times the class's signed distance map. It is minimal when each class's
 * probability mass sits inside its region, where the distance is negative. Labels are not read.
 */
public final class BoundaryLoss implements DistanceLoss, FusableLoss {
    @Override public String name() { return "boundary"; }

    /**
     * The boundary term of the fused kernels. Alone this loss stays composed (it reads no labels,
     * the kernels do); as a term of a {@link CompositeLoss} it joins the region loss's pass.
     */
    @Override public RegionLoss.Terms fusedTerms() { return new RegionLoss.Terms(null, null, new RegionLoss.Boundary(1.0)); }

    @Override public Variable compute(Variable logits, LossTarget target, Tensor maskOrNull) {
        LossInputs.checkLogits("BoundaryLoss", logits);
        LossInputs.requireForeground("BoundaryLoss", logits, false);
        Tensor mask = LossInputs.voxelMask("BoundaryLoss", logits, maskOrNull);
        Variable x = LossInputs.maskLogits(logits, mask);
        Tensor d = LossInputs.foreground(LossInputs.distanceMaps("BoundaryLoss", logits, target), false);
        Variable p = LossInputs.foreground(x.softmax(1), false);
        double n = LossInputs.annotatedVoxels(logits, mask) * (logits.dim(1) - 1);
        if (n == 0) return LossInputs.zero(x);
        return LossInputs.times(p.mul(Variable.constant(d)), mask).sum().div(n);
    }
}
