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
        Integer[] candidates = Arrays.stream(indices(values.length))
                .filter(i -> m == null || m[i] > 0).boxed().toArray(Integer[]::new);
        if (candidates.length == 0) return LossInputs.zero(x);
        int keep = Math.max(1, (int) (candidates.length * percent / 100.0));
        Arrays.sort(candidates, (a, b) -> {
            int c = Double.compare(values[b], values[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        double[] selected = new double[values.length];
        for (int i = 0; i < keep; i++) selected[candidates[i]] = 1;
        Tensor sel = Tensor.of(logits.dtype(), selected, nll.dims());
        return nll.mul(Variable.constant(sel)).sum().div(keep);
    }

    private static int[] indices(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }
}
