package org.voxelforge.nn.loss;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.fused.RegionLoss;

/**
 * Tversky loss (Salehi et al. 2017): 1 - mean of (TP + s) / (TP + alpha FP + beta FN + s), with
 * FP = sum p (1 - t) and FN = sum (1 - p) t on the softmax. alpha = beta = 0.5 is the soft Dice.
 */
public final class TverskyLoss implements Loss, FusableLoss {
    private final double alpha;
    private final double beta;
    private final boolean batchDice;
    private final boolean includeBackground;
    private final double smooth;

    public TverskyLoss(double alpha, double beta) { this(alpha, beta, false, true, 1e-5); }

    public TverskyLoss(double alpha, double beta, boolean batchDice, boolean includeBackground, double smooth) {
        if (!(alpha >= 0 && beta >= 0)) {
            throw new IllegalArgumentException("TverskyLoss: alpha and beta must be >= 0, got " + alpha + ", " + beta);
        }
        this.alpha = alpha;
        this.beta = beta;
        this.batchDice = batchDice;
        this.includeBackground = includeBackground;
        this.smooth = smooth;
    }

    @Override public String name() { return "tversky"; }

    /** TP, FP = P - TP and FN = T - TP are the Dice statistics: one overlap term. */
    @Override public RegionLoss.Terms fusedTerms() {
        return new RegionLoss.Terms(RegionLoss.Overlap.tversky(alpha, beta, batchDice, includeBackground, smooth, 1.0), null, null);
    }

    /** On a CUDA-backend device with integer labels one fused pass each way ({@link FusedRegionLoss}); elsewhere composed. */
    @Override public Variable compute(Variable logits, Tensor target, Tensor maskOrNull) {
        Variable fused = FusedRegionLoss.tryCompute("TverskyLoss", this, logits, LossTarget.of(target), maskOrNull);
        if (fused != null) return fused;
        LossInputs.checkLogits("TverskyLoss", logits);
        LossInputs.requireForeground("TverskyLoss", logits, includeBackground);
        Tensor mask = LossInputs.voxelMask("TverskyLoss", logits, maskOrNull);
        Variable x = LossInputs.maskLogits(logits, mask);
        Tensor t = LossInputs.foreground(LossInputs.times(LossInputs.oneHot("TverskyLoss", logits, target, mask), mask), includeBackground);
        Variable p = LossInputs.foreground(LossInputs.times(x.softmax(1), mask), includeBackground);
        Overlap o = Overlap.of(p, t, false, batchDice);
        Variable tp = o.intersection();
        Variable fp = o.predSum().sub(tp);
        Variable fn = o.targetSum().sub(tp);
        Variable ti = tp.add(smooth).div(tp.add(fp.mul(alpha)).add(fn.mul(beta)).add(smooth));
        return ti.mean().neg().add(1.0);
    }
}
