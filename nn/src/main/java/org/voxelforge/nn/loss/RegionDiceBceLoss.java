package org.voxelforge.nn.loss;

import java.util.Arrays;
import java.util.List;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;

/**
 * Sigmoid Dice + binary cross-entropy for overlapping regions (the BraTS recipe of nnU-Net and
 * others): logits [N, R, spatial...], one independent sigmoid per region. The target is either
 * integer labels, turned into region masks by a {@link RegionSpec}, or float region masks
 * [N, R, spatial...]. diceWeight * (1 - mean Dice) + bceWeight * mean BCE; either weight may be 0.
 */
public final class RegionDiceBceLoss implements Loss {
    private final RegionSpec regions;
    private final double diceWeight;
    private final double bceWeight;
    private final boolean batchDice;
    private final double smooth;

    public RegionDiceBceLoss(RegionSpec regions) { this(regions, 1.0, 1.0, false, 1e-5); }

    public RegionDiceBceLoss(RegionSpec regions, double diceWeight, double bceWeight, boolean batchDice, double smooth) {
        this.regions = regions;
        this.diceWeight = diceWeight;
        this.bceWeight = bceWeight;
        this.batchDice = batchDice;
        this.smooth = smooth;
    }

    @Override public String name() { return "region_dice_bce"; }

    @Override public Variable compute(Variable logits, Tensor target, Tensor maskOrNull) {
        LossInputs.checkLogits("RegionDiceBceLoss", logits);
        Tensor mask = LossInputs.voxelMask("RegionDiceBceLoss", logits, maskOrNull);
        Variable x = LossInputs.maskLogits(logits, mask);
        Tensor t = LossInputs.times(regionTargets(logits, target), mask);
        Variable loss = LossInputs.zero(x);
        if (diceWeight != 0) {
            Variable p = LossInputs.times(x.sigmoid(), mask);
            loss = loss.add(Overlap.of(p, t, false, batchDice).dice(smooth).mean().neg().add(1.0).mul(diceWeight));
        }
        double n = LossInputs.annotatedVoxels(logits, mask) * logits.dim(1);
        if (bceWeight != 0 && n > 0) {
            // log sigmoid(x) and log(1 - sigmoid(x)) as a log-softmax over (x, 0): stable, exact gradient at x = 0
            Variable pair = Variable.stack(List.of(x, Variable.constant(Tensor.zeros(x.value().device(), x.dtype(), x.dims()))), x.rank());
            Variable logs = pair.logSoftmax(x.rank());
            Variable tv = Variable.constant(t);
            Variable ll = logs.select(x.rank(), 0).mul(tv).add(logs.select(x.rank(), 1).mul(tv.neg().add(1.0)));
            loss = loss.add(LossInputs.times(ll, mask).sum().div(-n).mul(bceWeight));
        }
        return loss;
    }

    private Tensor regionTargets(Variable logits, Tensor target) {
        if (target.dtype().isFloatingPoint()) {
            if (!Arrays.equals(target.dims(), logits.dims())) {
                throw new IllegalArgumentException("RegionDiceBceLoss: float region target " + target.describe()
                        + " must have the logits' shape " + logits.value().describe());
            }
            return target.cast(logits.dtype());
        }
        if (regions == null) {
            throw new IllegalArgumentException("RegionDiceBceLoss: integer labels " + target.describe()
                    + " need a RegionSpec; pass float region masks [N, R, spatial...] otherwise");
        }
        if (regions.size() != logits.dim(1)) {
            throw new IllegalArgumentException("RegionDiceBceLoss: " + regions + " has " + regions.size()
                    + " regions but logits " + logits.value().describe() + " have " + logits.dim(1) + " channels");
        }
        Tensor labels = target.rank() == logits.rank() && target.dim(1) == 1 ? target.squeeze(1) : target;
        int[] v = LossInputs.voxelShape(logits);
        if (!Arrays.equals(labels.dims(), v)) {
            throw new IllegalArgumentException("RegionDiceBceLoss: labels " + target.describe() + " do not match logits "
                    + logits.value().describe() + "; expected " + Arrays.toString(v));
        }
        return regions.build(labels, logits.dtype());
    }
}
