package org.voxelforge.nn.loss;

import java.util.Arrays;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;

/**
 * OHEM-style cross-entropy (nnU-Net's TopKLoss): the mean cross-entropy of the k% hardest
 * annotated voxels of the batch (at least one). Which voxels are kept is decided on the values
 * and is not differentiated; ties are broken by position so the choice is deterministic.
 */
public final class TopKCrossEntropyLoss implements Loss {
    private final double percent;

    public TopKCrossEntropyLoss(double percent) {
        if (!(percent > 0 && percent <= 100)) {
            throw new IllegalArgumentException("TopKCrossEntropyLoss: percent must be in (0, 100], got " + percent);
        }
        this.percent = percent;
    }

    @Override public String name() { return "topk"; }

    public double percent() { return percent; }

    @Override public Variable compute(Variable logits, Tensor target, Tensor maskOrNull) {
        LossInputs.checkLogits("TopKCrossEntropyLoss", logits);
        Tensor mask = LossInputs.voxelMask("TopKCrossEntropyLoss", logits, maskOrNull);
        Variable x = LossInputs.maskLogits(logits, mask);
        Tensor t = LossInputs.oneHot("TopKCrossEntropyLoss", logits, target, mask);
        Variable nll = x.logSoftmax(1).mul(Variable.constant(t)).sumKeep(1).neg(); // [N, 1, spatial...]
        double[] values = nll.value().toDoubleArray();
        double[] m = mask == null ? null : mask.toDoubleArray();
        double[] selected = select(values, m, percent);
        if (selected == null) return LossInputs.zero(x);
        int keep = 0;
        for (double v : selected) keep += (int) v;
        Tensor sel = Tensor.of(logits.dtype(), selected, nll.dims()).transferTo(nll.value().device());
        return nll.mul(Variable.constant(sel)).sum().div(keep);
    }

    /**
     * 1 at the k% largest values among the annotated positions (ties at the threshold taken in
     * index order), else 0; null when nothing is annotated. Sorts primitives: patches hold
     * millions of voxels.
     */
    static double[] select(double[] values, double[] mask, double percent) {
        int count = 0;
        double[] candidates = new double[values.length];
        for (int i = 0; i < values.length; i++) if (mask == null || mask[i] > 0) candidates[count++] = values[i];
        if (count == 0) return null;
        int keep = Math.max(1, (int) (count * percent / 100.0));
        double[] sorted = Arrays.copyOf(candidates, count);
        Arrays.sort(sorted);
        double threshold = sorted[count - keep];
        int above = 0;
        for (int i = 0; i < count; i++) if (sorted[i] > threshold) above++;
        int tiesLeft = keep - above;
        double[] selected = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            if (mask != null && !(mask[i] > 0)) continue;
            if (values[i] > threshold) selected[i] = 1;
            else if (values[i] == threshold && tiesLeft > 0) {
                selected[i] = 1;
                tiesLeft--;
            }
        }
        return selected;
    }
}
