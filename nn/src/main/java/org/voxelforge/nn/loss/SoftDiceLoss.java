package org.voxelforge.nn.loss;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;

/**
 * Soft Dice loss, 1 - mean over classes (and samples) of (2 sum(p t) + s) / (sum(p) + sum(t) + s)
 * on the softmax. Options: squared denominator (sum p^2 + sum t^2, Milletari's V-Net form, which
 * is MIST's "dice"), batch Dice (sums also over the batch, one Dice per class, as nnU-Net does
 * for large patches), with or without the background channel, and the smoothing constant s.
 */
public final class SoftDiceLoss implements Loss, FusableLoss {
    private final boolean squared;
    private final boolean batchDice;
    private final boolean includeBackground;
    private final double smooth;

    private SoftDiceLoss(Builder b) {
        this.squared = b.squared;
        this.batchDice = b.batchDice;
        this.includeBackground = b.includeBackground;
        this.smooth = b.smooth;
    }

    public static Builder builder() { return new Builder(); }

    /** MIST's DiceLoss: squared denominator, per sample, background included, s = 1e-6. */
    public static SoftDiceLoss mist() { return builder().squared(true).batchDice(false).includeBackground(true).smooth(1e-6).build(); }

    /** nnU-Net's SoftDiceLoss: plain denominator, batch Dice, background excluded, s = 1e-5. */
    public static SoftDiceLoss nnUNet() { return builder().squared(false).batchDice(true).includeBackground(false).smooth(1e-5).build(); }

    public static final class Builder {
        private boolean squared;
        private boolean batchDice;
        private boolean includeBackground = true;
        private double smooth = 1e-5;

        public Builder squared(boolean v) { squared = v; return this; }
        public Builder batchDice(boolean v) { batchDice = v; return this; }
        public Builder includeBackground(boolean v) { includeBackground = v; return this; }
        public Builder smooth(double v) {
            if (!(v >= 0)) throw new IllegalArgumentException("SoftDiceLoss: smooth must be >= 0, got " + v);
            smooth = v;
            return this;
        }
        public SoftDiceLoss build() { return new SoftDiceLoss(this); }
    }

    public boolean includeBackground() { return includeBackground; }

    /** These settings with the weights of a Dice + CE sum, for the fused kernels (core.fused.DiceCe). */
    org.voxelforge.core.fused.DiceCe.Options fusedOptions(double diceWeight, double ceWeight) {
        return new org.voxelforge.core.fused.DiceCe.Options(squared, batchDice, includeBackground, smooth, diceWeight, ceWeight);
    }

    /** These settings as the overlap term of the fused kernels (core.fused.RegionLoss), with this weight. */
    org.voxelforge.core.fused.RegionLoss.Overlap fusedOverlap(double weight) {
        return org.voxelforge.core.fused.RegionLoss.Overlap.dice(squared, batchDice, includeBackground, smooth, weight);
    }

    @Override public String name() { return "dice"; }

    @Override public org.voxelforge.core.fused.RegionLoss.Terms fusedTerms() {
        return new org.voxelforge.core.fused.RegionLoss.Terms(fusedOverlap(1.0), null, null);
    }

    /** On a CUDA-backend device with integer labels one fused pass each way ({@link FusedRegionLoss}); elsewhere composed. */
    @Override public Variable compute(Variable logits, Tensor target, Tensor maskOrNull) {
        Variable fused = FusedRegionLoss.tryCompute("SoftDiceLoss", this, logits, LossTarget.of(target), maskOrNull);
        if (fused != null) return fused;
        LossInputs.checkLogits("SoftDiceLoss", logits);
        LossInputs.requireForeground("SoftDiceLoss", logits, includeBackground);
        Tensor mask = LossInputs.voxelMask("SoftDiceLoss", logits, maskOrNull);
        Variable x = LossInputs.maskLogits(logits, mask);
        Tensor t = LossInputs.times(LossInputs.oneHot("SoftDiceLoss", logits, target, mask), mask);
        Variable p = LossInputs.times(x.softmax(1), mask);
        Overlap o = Overlap.of(LossInputs.foreground(p, includeBackground), LossInputs.foreground(t, includeBackground),
                squared, batchDice);
        return o.dice(smooth).mean().neg().add(1.0);
    }
}
