package org.voxelforge.nn.loss;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;

/**
 * One-sided Hausdorff distance loss (Karimi and Salcudean 2019, distance-transform form):
 * mean over annotated voxels and foreground classes of (p - g)^2 |d_g|^alpha, with d_g the
 * ground truth's distance map. alpha = 2 is MIST's "hdl" boundary term.
 */
public final class HausdorffDtLoss implements DistanceLoss {
    private final double alpha;

    public HausdorffDtLoss() { this(2.0); }

    public HausdorffDtLoss(double alpha) {
        if (!(alpha > 0)) throw new IllegalArgumentException("HausdorffDtLoss: alpha must be > 0, got " + alpha);
        this.alpha = alpha;
    }

    @Override public String name() { return "hausdorff"; }

    @Override public Variable compute(Variable logits, LossTarget target, Tensor maskOrNull) {
        LossInputs.checkLogits("HausdorffDtLoss", logits);
        LossInputs.requireForeground("HausdorffDtLoss", logits, false);
        Tensor mask = LossInputs.voxelMask("HausdorffDtLoss", logits, maskOrNull);
        Variable x = LossInputs.maskLogits(logits, mask);
        Tensor g = LossInputs.foreground(LossInputs.oneHot("HausdorffDtLoss", logits, target.labels(), mask), false);
        Tensor w = LossInputs.foreground(LossInputs.distanceMaps("HausdorffDtLoss", logits, target), false).abs().pow(alpha);
        Variable p = LossInputs.foreground(x.softmax(1), false);
        double n = LossInputs.annotatedVoxels(logits, mask) * (logits.dim(1) - 1);
        if (n == 0) return LossInputs.zero(x);
        return LossInputs.times(p.sub(Variable.constant(g)).square().mul(Variable.constant(w)), mask).sum().div(n);
    }
}
