package org.voxelforge.nn.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/** Soft Dice (all options), Dice + CE, generalized Dice, Tversky and sigmoid region Dice + BCE. */
class OverlapLossesTest {
    private final LossFixture f = new LossFixture(11, 2, 3, 2, 3, 4);

    /** Per (group, class) sums, group = sample or the whole batch: {I, P, T}. */
    private double[][][] sums(boolean batch, boolean squared, boolean useMask, boolean sigmoid, double[][][] targets) {
        int groups = batch ? 1 : f.n;
        double[][][] r = new double[groups][f.c][3];
        for (int b = 0; b < f.n; b++) for (int ch = 0; ch < f.c; ch++) for (int v = 0; v < f.s; v++) {
            if (!f.annotated(b, v, useMask)) continue;
            double p = sigmoid ? 1 / (1 + Math.exp(-f.logit(b, ch, v))) : f.softmax(b, ch, v);
            double t = targets == null ? f.target(b, ch, v) : targets[b][ch][v];
            double[] acc = r[batch ? 0 : b][ch];
            acc[0] += p * t;
            acc[1] += squared ? p * p : p;
            acc[2] += squared ? t * t : t;
        }
        return r;
    }

    private double naiveDice(boolean squared, boolean batch, boolean bg, double smooth, boolean useMask) {
        double[][][] s = sums(batch, squared, useMask, false, null);
        double total = 0;
        int count = 0;
        for (double[][] g : s) for (int ch = bg ? 0 : 1; ch < f.c; ch++) {
            total += (2 * g[ch][0] + smooth) / (g[ch][1] + g[ch][2] + smooth);
            count++;
        }
        return 1 - total / count;
    }

    @Test void softDiceEveryOption() {
        for (boolean squared : new boolean[] {false, true}) for (boolean batch : new boolean[] {false, true})
            for (boolean bg : new boolean[] {false, true}) {
                SoftDiceLoss loss = SoftDiceLoss.builder().squared(squared).batchDice(batch).includeBackground(bg).smooth(0.5).build();
                String what = "dice squared=" + squared + " batch=" + batch + " bg=" + bg;
                f.assertValue(what, (x, m) -> loss.compute(x, f.labelsTensor(), m), false, naiveDice(squared, batch, bg, 0.5, false));
                f.assertValue(what, (x, m) -> loss.compute(x, f.labelsTensor(), m), true, naiveDice(squared, batch, bg, 0.5, true));
            }
        SoftDiceLoss nn = SoftDiceLoss.nnUNet();
        f.assertAll("dice nnU-Net", (x, m) -> nn.compute(x, f.labelsTensor(), m), useMask -> naiveDice(false, true, false, 1e-5, useMask));
        SoftDiceLoss mist = SoftDiceLoss.mist();
        f.gradcheck("dice MIST", (x, m) -> mist.compute(x, f.labelsTensor(), m), true);
        f.assertMaskProperty("dice MIST", (x, m) -> mist.compute(x, f.labelsTensor(), m));
    }

    /** MIST writes its Dice as ||t - p||^2 / (||t||^2 + ||p||^2 + eps); it equals our squared form. */
    @Test void mistDiceMatchesMistsFormula() {
        double total = 0;
        for (int b = 0; b < f.n; b++) for (int ch = 0; ch < f.c; ch++) {
            double num = 0, den = 1e-6;
            for (int v = 0; v < f.s; v++) {
                double p = f.softmax(b, ch, v), t = f.target(b, ch, v);
                num += (t - p) * (t - p);
                den += t * t + p * p;
            }
            total += num / den;
        }
        double expected = total / (f.n * f.c);
        f.assertValue("MIST dice", (x, m) -> SoftDiceLoss.mist().compute(x, f.labelsTensor(), m), false, expected);
    }

    @Test void diceCe() {
        DiceCeLoss mist = DiceCeLoss.mist();
        f.assertAll("dice_ce MIST", (x, m) -> mist.compute(x, f.labelsTensor(), m), useMask -> {
            double ce = 0, n = 0;
            for (int b = 0; b < f.n; b++) for (int v = 0; v < f.s; v++) {
                if (!f.annotated(b, v, useMask)) continue;
                ce -= Math.log(f.softmax(b, f.label(b, v), v));
                n++;
            }
            return 0.5 * naiveDice(true, false, true, 1e-6, useMask) + 0.5 * ce / n;
        });
    }

    @Test void generalizedDice() {
        GeneralizedDiceLoss loss = new GeneralizedDiceLoss(false, true, 1e-5);
        f.assertAll("gdl", (x, m) -> loss.compute(x, f.labelsTensor(), m), useMask -> {
            double[][][] s = sums(false, false, useMask, false, null);
            double total = 0;
            for (double[][] g : s) {
                double num = 0, den = 0;
                for (int ch = 0; ch < f.c; ch++) {
                    double w = 1 / (g[ch][2] * g[ch][2]);
                    num += w * g[ch][0];
                    den += w * (g[ch][1] + g[ch][2]);
                }
                total += (2 * num + 1e-5) / (den + 1e-5);
            }
            return 1 - total / s.length;
        });
    }

    @Test void generalizedDiceGivesAbsentClassesTheLargestWeight() {
        LossFixture g = new LossFixture(5, 1, 3, 2, 3, 3);
        for (int i = 0; i < g.labels.length; i++) g.labels[i] = i < 4 ? 1 : 0; // class 2 absent
        double[][][] s = new double[1][3][3];
        for (int ch = 0; ch < 3; ch++) for (int v = 0; v < g.s; v++) {
            double p = g.softmax(0, ch, v), t = g.target(0, ch, v);
            s[0][ch][0] += p * t;
            s[0][ch][1] += p;
            s[0][ch][2] += t;
        }
        double w0 = 1 / (s[0][0][2] * s[0][0][2]), w1 = 1 / (s[0][1][2] * s[0][1][2]), w2 = Math.max(w0, w1);
        double num = w0 * s[0][0][0] + w1 * s[0][1][0] + w2 * s[0][2][0];
        double den = w0 * (s[0][0][1] + s[0][0][2]) + w1 * (s[0][1][1] + s[0][1][2]) + w2 * s[0][2][1];
        double expected = 1 - (2 * num + 1e-5) / (den + 1e-5);
        g.assertValue("gdl absent class", (x, m) -> new GeneralizedDiceLoss().compute(x, g.labelsTensor(), m), false, expected);
    }

    @Test void tversky() {
        TverskyLoss loss = new TverskyLoss(0.3, 0.7, false, false, 1e-5);
        f.assertAll("tversky", (x, m) -> loss.compute(x, f.labelsTensor(), m), useMask -> {
            double[][][] s = sums(false, false, useMask, false, null);
            double total = 0;
            int count = 0;
            for (double[][] g : s) for (int ch = 1; ch < f.c; ch++) {
                double tp = g[ch][0], fp = g[ch][1] - tp, fn = g[ch][2] - tp;
                total += (tp + 1e-5) / (tp + 0.3 * fp + 0.7 * fn + 1e-5);
                count++;
            }
            return 1 - total / count;
        });
        // alpha = beta = 0.5 is the plain soft Dice with twice the smoothing constant
        TverskyLoss half = new TverskyLoss(0.5, 0.5, true, true, 0.25);
        f.assertValue("tversky 0.5/0.5", (x, m) -> half.compute(x, f.labelsTensor(), m), true, naiveDice(false, true, true, 0.5, true));
    }

    @Test void regionsFromLabels() {
        try (TensorScope scope = new TensorScope()) {
            Tensor labels = Tensor.ofLongs(new long[] {0, 1, 2, 3, 2, 0}, 1, 6);
            Tensor r = RegionSpec.brats().build(labels, DType.FLOAT32);
            assertArrayEquals(new int[] {1, 3, 6}, r.dims());
            assertArrayEquals(new double[] {0, 1, 1, 1, 1, 0, /* TC */ 0, 1, 0, 1, 0, 0, /* ET */ 0, 0, 0, 1, 0, 0},
                    r.toDoubleArray());
        }
    }

    @Test void regionDiceBce() {
        LossFixture g = new LossFixture(13, 2, 3, 2, 3, 4);
        for (int i = 0; i < g.labels.length; i++) g.labels[i] = (i * 7) % 4; // labels 0..3
        int[][] sets = {{1, 2, 3}, {1, 3}, {3}};
        double[][][] t = new double[g.n][3][g.s];
        for (int b = 0; b < g.n; b++) for (int r = 0; r < 3; r++) for (int v = 0; v < g.s; v++) {
            for (int l : sets[r]) if (g.labels[b * g.s + v] == l) t[b][r][v] = 1;
        }
        RegionDiceBceLoss loss = new RegionDiceBceLoss(RegionSpec.brats(), 0.7, 0.3, false, 1e-5);
        g.assertAll("region dice+bce", (x, m) -> loss.compute(x, g.labelsTensor(), m), useMask -> {
            double dice = 0, bce = 0, n = 0;
            double[][][] s = new double[g.n][3][3];
            for (int b = 0; b < g.n; b++) for (int r = 0; r < 3; r++) for (int v = 0; v < g.s; v++) {
                if (!g.annotated(b, v, useMask)) continue;
                double x = g.logit(b, r, v), p = 1 / (1 + Math.exp(-x)), y = t[b][r][v];
                s[b][r][0] += p * y;
                s[b][r][1] += p;
                s[b][r][2] += y;
                bce += -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
                n++;
            }
            for (int b = 0; b < g.n; b++) for (int r = 0; r < 3; r++) {
                dice += (2 * s[b][r][0] + 1e-5) / (s[b][r][1] + s[b][r][2] + 1e-5);
            }
            return 0.7 * (1 - dice / (g.n * 3)) + 0.3 * bce / n;
        });
    }

    @Test void bceGradientIsExactAtZeroLogit() {
        // d/dx BCE(x, y) = sigmoid(x) - y; at x = 0 a |x|-based softplus would get this wrong
        try (TensorScope scope = new TensorScope()) {
            org.voxelforge.autograd.Variable x = org.voxelforge.autograd.Variable.param(Tensor.zeros(DType.FLOAT64, 1, 1, 2));
            Tensor y = Tensor.of(new double[] {1, 0}, 1, 1, 2);
            new RegionDiceBceLoss(null, 0, 1, false, 0).compute(x, y, null).backward();
            assertArrayEquals(new double[] {-0.25, 0.25}, x.grad().toDoubleArray(), 1e-15);
            x.close();
        }
    }
}
