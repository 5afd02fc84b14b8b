package org.voxelforge.nn.loss;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;

/**
 * Softmax cross-entropy over the channel axis, averaged over annotated voxels. With class
 * weights w it is PyTorch's weighted mean: sum_v w[y_v] nll_v / sum_v w[y_v] (a soft target t
 * weighs voxel v by sum_c w_c t_vc). Masked-out voxels behave like PyTorch's ignore_index.
 */
public final class CrossEntropyLoss implements Loss, FusableLoss {
    private final double[] classWeights;

    /** True without class weights: the form the fused Dice + CE kernels compute. */
    boolean unweighted() { return classWeights == null; }

    /** Unweighted cross-entropy. */
    public CrossEntropyLoss() { this(null); }

    /** Weighted cross-entropy; {@code classWeights} has one entry per channel, or is null. */
    public CrossEntropyLoss(double[] classWeights) {
        if (classWeights != null) {
            for (double w : classWeights) {
                if (!(w >= 0) || Double.isInfinite(w)) {
                    throw new IllegalArgumentException("CrossEntropyLoss: class weights must be finite and >= 0, got "
                            + java.util.Arrays.toString(classWeights));
                }
            }
        }
        this.classWeights = classWeights == null ? null : classWeights.clone();
    }

    @Override public String name() { return classWeights == null ? "ce" : "weighted_ce"; }

    /** Unweighted: the fused kernels' plain cross-entropy term; class weights are not in the kernels. */
    @Override public org.voxelforge.core.fused.RegionLoss.Terms fusedTerms() {
        return unweighted()
                ? new org.voxelforge.core.fused.RegionLoss.Terms(null, org.voxelforge.core.fused.RegionLoss.Classification.crossEntropy(1.0), null)
                : null;
    }

    /** On a CUDA-backend device with integer labels and no class weights one fused pass each way ({@link FusedRegionLoss}); elsewhere composed. */
    @Override public Variable compute(Variable logits, Tensor target, Tensor maskOrNull) {
        Variable fused = FusedRegionLoss.tryCompute("CrossEntropyLoss", this, logits, LossTarget.of(target), maskOrNull);
        if (fused != null) return fused;
        LossInputs.checkLogits("CrossEntropyLoss", logits);
        Tensor mask = LossInputs.voxelMask("CrossEntropyLoss", logits, maskOrNull);
        Variable x = LossInputs.maskLogits(logits, mask);
        Tensor t = LossInputs.times(LossInputs.oneHot("CrossEntropyLoss", logits, target, mask), mask);
        if (classWeights != null) t = t.mul(ClassWeights.asChannelTensor("CrossEntropyLoss", classWeights, logits));
        double denominator = t.sum().item();
        if (denominator == 0) return LossInputs.zero(x);
        return x.logSoftmax(1).mul(Variable.constant(t)).sum().div(-denominator);
    }
}
