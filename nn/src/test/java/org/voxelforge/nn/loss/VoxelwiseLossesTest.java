package org.voxelforge.nn.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/** Cross-entropy (plain, weighted, top-k), MSE and focal loss: gradcheck, naive reference, mask. */
class VoxelwiseLossesTest {
    private final LossFixture f = new LossFixture(7, 2, 3, 2, 3, 4);

    private double naiveCe(double[] w, boolean useMask) {
        double num = 0, den = 0;
        for (int b = 0; b < f.n; b++) for (int v = 0; v < f.s; v++) {
            if (!f.annotated(b, v, useMask)) continue;
            int y = f.label(b, v);
            double wy = w == null ? 1 : w[y];
            num += -wy * Math.log(f.softmax(b, y, v));
            den += wy;
        }
        return num / den;
    }

    @Test void crossEntropy() {
        CrossEntropyLoss loss = new CrossEntropyLoss();
        f.assertAll("ce", (x, m) -> loss.compute(x, f.labelsTensor(), m), useMask -> naiveCe(null, useMask));
    }

    @Test void weightedCrossEntropy() {
        double[] w = {0.2, 1.0, 3.5};
        CrossEntropyLoss loss = new CrossEntropyLoss(w);
        f.assertAll("weighted ce", (x, m) -> loss.compute(x, f.labelsTensor(), m), useMask -> naiveCe(w, useMask));
    }

    @Test void crossEntropyTakesOneHotTargetsAnd2dAndLabelsWithChannelAxis() {
        CrossEntropyLoss loss = new CrossEntropyLoss();
        f.assertValue("ce one-hot", (x, m) -> loss.compute(x, f.oneHotTensor(), m), true, naiveCe(null, true));
        f.assertValue("ce [N,1,...] labels", (x, m) -> loss.compute(x, f.labelsTensor().unsqueeze(1), m), false, naiveCe(null, false));
        LossFixture f2 = new LossFixture(3, 2, 4, 5, 6);
        double expected = 0;
        for (int b = 0; b < f2.n; b++) for (int v = 0; v < f2.s; v++) expected -= Math.log(f2.softmax(b, f2.label(b, v), v));
        f2.assertValue("ce 2d", (x, m) -> loss.compute(x, f2.labelsTensor(), m), false, expected / (f2.n * f2.s));
        f2.gradcheck("ce 2d", (x, m) -> loss.compute(x, f2.labelsTensor(), m), true);
    }

    @Test void unannotatedLabelsMayBeOutOfRange() {
        try (TensorScope scope = new TensorScope()) {
            long[] l = f.labels.clone();
            for (int i = 0; i < l.length; i++) if (f.mask[i] == 0) l[i] = -1;
            Tensor labels = Tensor.ofLongs(l, f.voxelDims());
            double v = new CrossEntropyLoss().compute(Variable.constant(f.logitsTensor()), labels, f.maskTensor()).value().item();
            assertEquals(naiveCe(null, true), v, 1e-12);
        }
    }

    @Test void masksOfAnyDtypeAndWithAChannelAxisAgree() {
        try (TensorScope scope = new TensorScope()) {
            Variable x = Variable.constant(f.logitsTensor());
            double expected = naiveCe(null, true);
            for (Tensor m : new Tensor[] {f.maskTensor().cast(org.voxelforge.core.DType.UINT8),
                    f.maskTensor().gt(0.0), f.maskTensor().mul(3.0).unsqueeze(1)}) {
                assertEquals(expected, new CrossEntropyLoss().compute(x, f.labelsTensor(), m).value().item(), 1e-12, m.describe());
            }
        }
    }

    @Test void badInputsNameTheLossAndShapes() {
        try (TensorScope scope = new TensorScope()) {
            Variable x = Variable.constant(f.logitsTensor());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new CrossEntropyLoss().compute(x, Tensor.zeros(org.voxelforge.core.DType.INT64, 2, 3, 4), null));
            assertTrue(e.getMessage().contains("CrossEntropyLoss") && e.getMessage().contains("[2, 3, 2, 3, 4]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> new CrossEntropyLoss(new double[] {1, 2}).compute(x, f.labelsTensor(), null));
            assertTrue(e.getMessage().contains("class weights"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> new CrossEntropyLoss().compute(x, f.labelsTensor(), Tensor.ones(2, 3, 4)));
            assertTrue(e.getMessage().contains("mask"), e.getMessage());
        }
    }

    @Test void fullyMaskedBatchGivesZeroLossAndGradient() {
        try (TensorScope scope = new TensorScope()) {
            Variable x = Variable.param(f.logitsTensor());
            Variable l = new CrossEntropyLoss().compute(x, f.labelsTensor(), Tensor.zeros(f.voxelDims()));
            l.backward();
            assertEquals(0.0, l.value().item());
            for (double g : x.grad().toDoubleArray()) assertEquals(0.0, g);
            x.close();
        }
    }

    private double naiveTopK(double percent, boolean useMask) {
        List<Double> nll = new ArrayList<>();
        for (int b = 0; b < f.n; b++) for (int v = 0; v < f.s; v++) {
            if (f.annotated(b, v, useMask)) nll.add(-Math.log(f.softmax(b, f.label(b, v), v)));
        }
        nll.sort((a, b) -> Double.compare(b, a));
        int k = Math.max(1, (int) (nll.size() * percent / 100));
        double sum = 0;
        for (int i = 0; i < k; i++) sum += nll.get(i);
        return sum / k;
    }

    @Test void topKCrossEntropy() {
        TopKCrossEntropyLoss loss = new TopKCrossEntropyLoss(10);
        f.assertAll("topk", (x, m) -> loss.compute(x, f.labelsTensor(), m), useMask -> naiveTopK(10, useMask));
        TopKCrossEntropyLoss all = new TopKCrossEntropyLoss(100);
        f.assertValue("topk 100% is ce", (x, m) -> all.compute(x, f.labelsTensor(), m), true, naiveCe(null, true));
    }

    @Test void topKSelectionBreaksTiesByPositionAndSkipsMaskedVoxels() {
        assertArrayEquals(new double[] {0, 1, 1, 0, 0}, TopKCrossEntropyLoss.select(new double[] {1, 3, 3, 2, 3}, null, 40));
        assertArrayEquals(new double[] {0, 0, 1, 1, 0},
                TopKCrossEntropyLoss.select(new double[] {1, 3, 3, 2, 3}, new double[] {1, 0, 1, 1, 0}, 67));
        assertArrayEquals(new double[] {0, 0, 0, 1}, TopKCrossEntropyLoss.select(new double[] {1, 2, 3, 4}, null, 1)); // at least one
        assertEquals(null, TopKCrossEntropyLoss.select(new double[] {1, 2}, new double[] {0, 0}, 50));
    }

    @Test void mse() {
        MseLoss loss = new MseLoss();
        f.assertAll("mse", (x, m) -> loss.compute(x, f.labelsTensor(), m), useMask -> {
            double sum = 0, count = 0;
            for (int b = 0; b < f.n; b++) for (int v = 0; v < f.s; v++) {
                if (!f.annotated(b, v, useMask)) continue;
                count += f.c;
                for (int ch = 0; ch < f.c; ch++) sum += Math.pow(f.softmax(b, ch, v) - f.target(b, ch, v), 2);
            }
            return sum / count;
        });
        MseLoss raw = new MseLoss(MseLoss.Activation.NONE);
        double expected = 0;
        double[] oneHot = f.oneHotTensor().toDoubleArray();
        for (int i = 0; i < f.logits.length; i++) expected += Math.pow(f.logits[i] - oneHot[i], 2);
        f.assertValue("mse regression", (x, m) -> raw.compute(x, f.oneHotTensor(), m), false, expected / f.logits.length);
        f.gradcheck("mse regression", (x, m) -> raw.compute(x, f.oneHotTensor(), m), true);
    }

    private double naiveFocal(double gamma, double[] alpha, boolean useMask) {
        double sum = 0, count = 0;
        for (int b = 0; b < f.n; b++) for (int v = 0; v < f.s; v++) {
            if (!f.annotated(b, v, useMask)) continue;
            int y = f.label(b, v);
            double p = f.softmax(b, y, v);
            sum += -(alpha == null ? 1 : alpha[y]) * Math.pow(1 - p, gamma) * Math.log(p);
            count++;
        }
        return sum / count;
    }

    @Test void focal() {
        FocalLoss loss = new FocalLoss(2.0, new double[] {0.25, 0.75, 0.5});
        f.assertAll("focal", (x, m) -> loss.compute(x, f.labelsTensor(), m),
                useMask -> naiveFocal(2.0, new double[] {0.25, 0.75, 0.5}, useMask));
        FocalLoss half = new FocalLoss(0.5);
        f.assertValue("focal gamma 0.5", (x, m) -> half.compute(x, f.labelsTensor(), m), true, naiveFocal(0.5, null, true));
        f.gradcheck("focal gamma 0.5", (x, m) -> half.compute(x, f.labelsTensor(), m), true);
        FocalLoss zero = new FocalLoss(0.0);
        f.assertValue("focal gamma 0 is ce", (x, m) -> zero.compute(x, f.labelsTensor(), m), true, naiveCe(null, true));
    }
}
