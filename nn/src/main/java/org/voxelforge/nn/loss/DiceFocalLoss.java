package org.voxelforge.nn.loss;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.fused.RegionLoss;

/**
 * diceWeight * Dice + focalWeight * focal: {@link DiceCeLoss} with the cross-entropy replaced by
 * {@link FocalLoss}, for classes so rare that CE's easy voxels swamp them. On a CUDA-backend
 * device with integer labels one fused pass each way ({@link FusedRegionLoss}); elsewhere composed.
 */
public final class DiceFocalLoss implements Loss, FusableLoss {
    private final SoftDiceLoss dice;
    private final FocalLoss focal;
    private final double diceWeight;
    private final double focalWeight;

    public DiceFocalLoss(SoftDiceLoss dice, FocalLoss focal, double diceWeight, double focalWeight) {
        this.dice = dice;
        this.focal = focal;
        this.diceWeight = diceWeight;
        this.focalWeight = focalWeight;
    }

    /** MIST's Dice (squared, per sample, background) and focal with gamma 2, 0.5 / 0.5 as MIST's dice_ce. */
    public static DiceFocalLoss mist() { return new DiceFocalLoss(SoftDiceLoss.mist(), new FocalLoss(2.0), 0.5, 0.5); }

    @Override public String name() { return "dice_focal"; }

    @Override public RegionLoss.Terms fusedTerms() {
        return new RegionLoss.Terms(dice.fusedOverlap(diceWeight), focal.fusedClassification(focalWeight), null);
    }

    @Override public Variable compute(Variable logits, Tensor target, Tensor maskOrNull) {
        Variable fused = FusedRegionLoss.tryCompute("DiceFocalLoss", this, logits, LossTarget.of(target), maskOrNull);
        if (fused != null) return fused;
        return dice.compute(logits, target, maskOrNull).mul(diceWeight)
                .add(focal.compute(logits, target, maskOrNull).mul(focalWeight));
    }
}
