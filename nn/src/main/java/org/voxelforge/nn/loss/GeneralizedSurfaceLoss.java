package org.voxelforge.nn.loss;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;

/**
 * Generalized surface loss (Celaya et al. 2023), MIST's "gsl" boundary term: per sample and
 * foreground class, 1 - sum (D (1 - (T + P)))^2 / (sum D^2 + eps), averaged. A perfect
 * prediction makes 1 - (T + P) = -1 inside and +1 outside, so the ratio is 1 and the loss 0;
 * every wrong voxel removes its D^2 from the numerator, so far-off errors cost most.
 */
public final class GeneralizedSurfaceLoss implements DistanceLoss {
    private final double eps;

    public GeneralizedSurfaceLoss() { this(1e-6); }

    public GeneralizedSurfaceLoss(double eps) { this.eps = eps; }

    @Override public String name() { return "generalized_surface"; }

    @Override public Variable compute(Variable logits, LossTarget target, Tensor maskOrNull) {
        LossInputs.checkLogits("GeneralizedSurfaceLoss", logits);
        LossInputs.requireForeground("GeneralizedSurfaceLoss", logits, false);
        Tensor mask = LossInputs.voxelMask("GeneralizedSurfaceLoss", logits, maskOrNull);
        Variable x = LossInputs.maskLogits(logits, mask);
        Tensor t = LossInputs.foreground(LossInputs.oneHot("GeneralizedSurfaceLoss", logits, target.labels(), mask), false);
        Tensor d = LossInputs.times(
                LossInputs.foreground(LossInputs.distanceMaps("GeneralizedSurfaceLoss", logits, target), false), mask);
        Variable p = LossInputs.foreground(x.softmax(1), false);
        int[] spatial = LossInputs.spatialAxes(logits.rank());
        // 1 - (t + p), times d (d is 0 at masked-out voxels, so they drop out of both sums)
        Variable num = p.add(Variable.constant(t)).neg().add(1.0).mul(Variable.constant(d)).square().sum(spatial);
        Variable den = Variable.constant(d.square().sum(spatial).add(eps));
        return num.div(den).neg().add(1.0).mean();
    }
}
