package org.voxelforge.nn.loss;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;

/**
 * Soft clDice (Shit et al. 2021) for tubular structures, on the foreground softmax channels:
 * with soft skeletons S_p, S_t (iterated soft min/max pooling),
 * Tprec = (sum S_p t + s) / (sum S_p + s), Tsens = (sum S_t p + s) / (sum S_t + s), and
 * loss = 1 - 2 Tprec Tsens / (Tprec + Tsens). The paper's reference sums over batch, classes
 * and voxels at once ({@link #SoftClDiceLoss(int, double)}, 3 iterations); MIST computes one
 * score per sample and class and averages them ({@link #mist()}, 10 iterations).
 *
 * <p>Masked-out voxels enter the skeletons as probability 0 (background), so they cannot
 * change anything, and are left out of the sums.
 */
public final class SoftClDiceLoss implements Loss {
    private final int iterations;
    private final double smooth;
    private final boolean perSampleAndClass;

    public SoftClDiceLoss() { this(3, 1.0); }

    public SoftClDiceLoss(int iterations, double smooth) { this(iterations, smooth, false); }

    public SoftClDiceLoss(int iterations, double smooth, boolean perSampleAndClass) {
        if (iterations < 0) throw new IllegalArgumentException("SoftClDiceLoss: iterations must be >= 0, got " + iterations);
        this.iterations = iterations;
        this.smooth = smooth;
        this.perSampleAndClass = perSampleAndClass;
    }

    /** MIST's clDice term: 10 iterations, smooth 1, averaged over per-sample, per-class scores. */
    public static SoftClDiceLoss mist() { return new SoftClDiceLoss(10, 1.0, true); }

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
        int[] axes = perSampleAndClass ? LossInputs.spatialAxes(logits.rank()) : new int[0];
        Variable tprec = skelP.mul(tv).sum(axes).add(smooth).div(skelP.sum(axes).add(smooth));
        Variable tsens = skelT.mul(p).sum(axes).add(smooth).div(skelT.sum(axes).add(smooth));
        return tprec.mul(tsens).mul(2.0).div(tprec.add(tsens)).mean().neg().add(1.0);
    }
}
