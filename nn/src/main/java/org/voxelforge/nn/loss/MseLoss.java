package org.voxelforge.nn.loss;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;

/**
 * Mean squared error over annotated voxels and channels. By default between the softmax
 * probabilities and the one-hot target; with {@link Activation#SIGMOID} between per-channel
 * sigmoids and a float target; with {@link Activation#NONE} between the raw outputs and a float
 * target of the same shape (regression).
 */
public final class MseLoss implements Loss {
    public enum Activation { SOFTMAX, SIGMOID, NONE }

    private final Activation activation;

    public MseLoss() { this(Activation.SOFTMAX); }

    public MseLoss(Activation activation) { this.activation = activation; }

    @Override public String name() { return "mse"; }

    @Override public Variable compute(Variable logits, Tensor target, Tensor maskOrNull) {
        LossInputs.checkLogits("MseLoss", logits);
        Tensor mask = LossInputs.voxelMask("MseLoss", logits, maskOrNull);
        Variable x = LossInputs.maskLogits(logits, mask);
        if (activation != Activation.SOFTMAX && !target.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("MseLoss: activation " + activation + " needs a float target of the logits' shape "
                    + logits.value().describe() + ", got " + target.describe());
        }
        Tensor t = LossInputs.oneHot("MseLoss", logits, target, mask);
        Variable y = switch (activation) {
            case SOFTMAX -> x.softmax(1);
            case SIGMOID -> x.sigmoid();
            case NONE -> x;
        };
        double n = LossInputs.annotatedVoxels(logits, mask) * logits.dim(1);
        if (n == 0) return LossInputs.zero(x);
        return LossInputs.times(y.sub(Variable.constant(t)).square(), mask).sum().div(n);
    }
}
