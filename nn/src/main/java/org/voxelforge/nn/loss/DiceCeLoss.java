package org.voxelforge.nn.loss;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;

/**
 * diceWeight * Dice + ceWeight * cross-entropy. MIST's "dice_ce" is 0.5 / 0.5 with its Dice
 * ({@link SoftDiceLoss#mist()}); nnU-Net's DC_and_CE_loss is 1 : 1 with {@link SoftDiceLoss#nnUNet()}.
 */
public final class DiceCeLoss implements Loss, FusableLoss {
    private final SoftDiceLoss dice;
    private final CrossEntropyLoss ce;
    private final double diceWeight;
    private final double ceWeight;

    public DiceCeLoss(SoftDiceLoss dice, CrossEntropyLoss ce, double diceWeight, double ceWeight) {
        this.dice = dice;
        this.ce = ce;
        this.diceWeight = diceWeight;
        this.ceWeight = ceWeight;
    }

    public static DiceCeLoss mist() { return new DiceCeLoss(SoftDiceLoss.mist(), new CrossEntropyLoss(), 0.5, 0.5); }

    public static DiceCeLoss nnUNet() { return new DiceCeLoss(SoftDiceLoss.nnUNet(), new CrossEntropyLoss(), 1.0, 1.0); }

    @Override public String name() { return "dice_ce"; }

    /** The Dice and CE terms; null with a class-weighted CE (the kernels' CE is unweighted). */
    @Override public org.voxelforge.core.fused.RegionLoss.Terms fusedTerms() {
        return ce.unweighted() ? org.voxelforge.core.fused.RegionLoss.Terms.of(dice.fusedOptions(diceWeight, ceWeight)) : null;
    }

    /**
     * On a CUDA-backend device, with integer labels and an unweighted CE, the whole loss is one
     * fused pass forward and one backward ({@link FusedRegionLoss}); elsewhere it is composed of ops.
     */
    @Override public Variable compute(Variable logits, Tensor target, Tensor maskOrNull) {
        Variable fused = FusedRegionLoss.tryCompute("DiceCeLoss", this, logits, LossTarget.of(target), maskOrNull);
        if (fused != null) return fused;
        return dice.compute(logits, target, maskOrNull).mul(diceWeight)
                .add(ce.compute(logits, target, maskOrNull).mul(ceWeight));
    }
}
