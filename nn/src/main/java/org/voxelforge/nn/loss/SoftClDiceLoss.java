package org.voxelforge.nn.loss;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;

/**
 * Soft clDice (Shit et al. 2021) for tubular structures, on the foreground softmax channels:
 * with soft skeletons S_p, S_t (iterated soft min/max pooling),
 * Tprec = (sum S_p t + s) / (sum S_p + s), Tsens = (sum S_t p + s) / (sum S_t + s), and
 * loss = 1 - 2 Tprec Tsens / (Tprec + Tsens); sums run over batch, classes and voxels.
 *
 * <p>Masked-out voxels enter the skeletons as probability 0 (background), so they cannot
 * change anything, and are left out of the sums.
 */
public final class SoftClDiceLoss implements Loss {
    private final int iterations;
    private final double smooth;

    public SoftClDiceLoss() { this(3, 1.0); }

    public SoftClDiceLoss(int iterations, double smooth) {
        if (iterations < 0) throw new IllegalArgumentException("SoftClDiceLoss: iterations must be >= 0, got " + iterations);
        this.iterations = iterations;
        this.smooth = smooth;
    }

    @Override public String name() { return "cldice"; }

    @Override public Variable compute(Variable logits, Tensor target, Tensor maskOrNull) {
        LossInputs.checkLogits("SoftClDiceLoss", logits);
        LossInputs.requireForeground("SoftClDiceLoss", logits, false);
        Tensor mask = LossInputs.voxelMask("SoftClDiceLoss", logits, maskOrNull);
        Variable x = LossInputs.maskLogits(logits, mask);
        Tensor t = LossInputs.foreground(LossInputs.times(LossInputs.oneHot("SoftClDiceLoss", logits, target, mask), mask), false);
        Variable p = LossInputs.foreground(LossInputs.times(x.softmax(1), mask), false);
        Variable tv = Variable.constant(t);
        Variable skelP = LossInputs.times(SoftMorphology.skeleton(p, iterations), mask);
        Variable skelT = LossInputs.times(SoftMorphology.skeleton(tv, iterations), mask);
        Variable tprec = skelP.mul(tv).sum().add(smooth).div(skelP.sum().add(smooth));
        Variable tsens = skelT.mul(p).sum().add(smooth).div(skelT.sum().add(smooth));
        return tprec.mul(tsens).mul(2.0).div(tprec.add(tsens)).neg().add(1.0);
    }
}
