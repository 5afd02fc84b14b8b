package org.voxelforge.nn.loss;

import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;

/**
 * Generalized Dice loss (Sudre et al. 2017): 1 - (2 sum_c w_c I_c + s) / (sum_c w_c (P_c + T_c) + s)
 * with w_c = 1 / (sum r_c)^2 from the target. A class absent from the target would get an
 * infinite weight; it gets the largest finite weight of its sample instead (as MONAI does), and
 * weight 0 if no class is present. Per sample, averaged over the batch, or over the whole batch.
 */
public final class GeneralizedDiceLoss implements Loss {
    private final boolean batchDice;
    private final boolean includeBackground;
    private final double smooth;

    public GeneralizedDiceLoss() { this(false, true, 1e-5); }

    public GeneralizedDiceLoss(boolean batchDice, boolean includeBackground, double smooth) {
        this.batchDice = batchDice;
        this.includeBackground = includeBackground;
        this.smooth = smooth;
    }

    @Override public String name() { return "gdl"; }

    @Override public Variable compute(Variable logits, Tensor target, Tensor maskOrNull) {
        LossInputs.checkLogits("GeneralizedDiceLoss", logits);
        LossInputs.requireForeground("GeneralizedDiceLoss", logits, includeBackground);
        Tensor mask = LossInputs.voxelMask("GeneralizedDiceLoss", logits, maskOrNull);
        Variable x = LossInputs.maskLogits(logits, mask);
        Tensor t = LossInputs.foreground(LossInputs.times(LossInputs.oneHot("GeneralizedDiceLoss", logits, target, mask), mask), includeBackground);
        Variable p = LossInputs.foreground(LossInputs.times(x.softmax(1), mask), includeBackground);
        Overlap o = Overlap.of(p, t, false, batchDice);
        Variable w = Variable.constant(weights(o.targetSum().value()));
        int classAxis = batchDice ? 0 : 1;
        Variable num = o.intersection().mul(w).sum(classAxis).mul(2.0).add(smooth);
        Variable den = o.predSum().add(o.targetSum()).mul(w).sum(classAxis).add(smooth);
        return num.div(den).mean().neg().add(1.0);
    }

    /** 1 / T^2 per class; absent classes take the largest finite weight along the class axis. */
    private static Tensor weights(Tensor targetSums) {
        int classes = targetSums.dim(targetSums.rank() - 1);
        double[] s = targetSums.toDoubleArray();
        double[] w = new double[s.length];
        for (int row = 0; row < s.length / classes; row++) {
            double maxFinite = 0;
            for (int c = 0; c < classes; c++) {
                int i = row * classes + c;
                if (s[i] > 0) {
                    w[i] = 1.0 / (s[i] * s[i]);
                    maxFinite = Math.max(maxFinite, w[i]);
                }
            }
            for (int c = 0; c < classes; c++) if (s[row * classes + c] <= 0) w[row * classes + c] = maxFinite;
        }
        return Tensor.of(targetSums.dtype(), w, targetSums.dims()).transferTo(targetSums.device());
    }
}
