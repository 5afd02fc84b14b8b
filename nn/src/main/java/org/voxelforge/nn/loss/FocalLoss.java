package org.voxelforge.nn.loss;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.fused.RegionLoss;

/**
 * Multi-class focal loss (Lin et al. 2017) on the softmax: per voxel
 * {@code -alpha[y] (1 - p_y)^gamma log p_y}, averaged over annotated voxels. alpha is one weight
 * per class, or null for all ones; gamma 0 and no alpha is plain cross-entropy.
 */
public final class FocalLoss implements Loss, FusableLoss {
    private final double gamma;
    private final double[] alpha;

    public FocalLoss(double gamma) { this(gamma, null); }

    public FocalLoss(double gamma, double[] alpha) {
        if (!(gamma >= 0)) throw new IllegalArgumentException("FocalLoss: gamma must be >= 0, got " + gamma);
        this.gamma = gamma;
        this.alpha = alpha == null ? null : alpha.clone();
    }

    @Override public String name() { return "focal"; }

    /** This loss as the classification term of the fused kernels, with this weight. */
    RegionLoss.Classification fusedClassification(double weight) { return new RegionLoss.Classification(gamma, alpha, weight); }

    @Override public RegionLoss.Terms fusedTerms() { return new RegionLoss.Terms(null, fusedClassification(1.0), null); }

    /** On a CUDA-backend device with integer labels one fused pass each way ({@link FusedRegionLoss}); elsewhere composed. */
    @Override public Variable compute(Variable logits, Tensor target, Tensor maskOrNull) {
        Variable fused = FusedRegionLoss.tryCompute("FocalLoss", this, logits, LossTarget.of(target), maskOrNull);
        if (fused != null) return fused;
        LossInputs.checkLogits("FocalLoss", logits);
        Tensor mask = LossInputs.voxelMask("FocalLoss", logits, maskOrNull);
        Variable x = LossInputs.maskLogits(logits, mask);
        // unmasked one-hot: at masked-out voxels log p_y stays finite (log 1/C), then the mask zeroes it
        Tensor t = LossInputs.oneHot("FocalLoss", logits, target, mask);
        Variable logPt = x.logSoftmax(1).mul(Variable.constant(t)).sumKeep(1);     // [N, 1, spatial...]
        Variable perVoxel = logPt.neg();
        if (gamma != 0) perVoxel = perVoxel.mul(logPt.exp().neg().add(1.0).pow(gamma));
        Tensor weight = mask;
        if (alpha != null) {
            Tensor a = t.mul(ClassWeights.asChannelTensor("FocalLoss", alpha, logits)).sumKeep(1);
            weight = LossInputs.times(a, mask);
        }
        double n = LossInputs.annotatedVoxels(logits, mask);
        if (n == 0) return LossInputs.zero(x);
        return LossInputs.times(perVoxel, weight).sum().div(n);
    }
}
