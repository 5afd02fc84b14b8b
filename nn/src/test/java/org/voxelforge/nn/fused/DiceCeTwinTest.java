package org.voxelforge.nn.fused;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.nn.fused.Close.assertClose;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.fused.DiceCe;
import org.voxelforge.nn.loss.CrossEntropyLoss;
import org.voxelforge.nn.loss.DiceCeLoss;
import org.voxelforge.nn.loss.SoftDiceLoss;

/**
 * The CPU twin of dice_ce.cuh (float32 statistics in chunks, host finalize, recomputed-softmax
 * backward) against DiceCeLoss (SoftDiceLoss + CrossEntropyLoss) in float64, loss and autograd
 * gradient of the logits. Tolerances: the statistics are float sums of up to 2048 terms per chunk
 * (relative error ~1e-6 at worst here), so the loss gets 1e-5 relative; each dlogit is a few
 * float products of those coefficients, checked to 1e-5 of the largest gradient.
 */
class DiceCeTwinTest {
    private final SplittableRandom rnd = new SplittableRandom(3);

    private void check(DiceCe.Options o, int n, int c, int[] spatial, boolean withMask) {
        int s = spatial[0] * spatial[1] * spatial[2];
        DiceCe.Geometry geo = new DiceCe.Geometry(n, c, s);
        float[] logits = new float[n * c * s];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (3 * rnd.nextGaussian());
        int[] labels = new int[n * s];
        float[] mask = withMask ? new float[n * s] : null;
        for (int v = 0; v < n * s; v++) {
            labels[v] = rnd.nextInt(c);
            if (withMask && rnd.nextDouble() < 0.8) mask[v] = 1f;
            if (withMask && mask[v] == 0f) {
                labels[v] = -1; // unannotated voxels may hold anything,
                for (int k = 0; k < c; k++) logits[(v / s * c + k) * s + v % s] = Float.NaN; // even NaN logits
            }
        }
        double[] stats = DiceCe.statistics(geo, logits, labels, mask);
        DiceCe.Result r = DiceCe.finish(geo, stats, o, 1.0);
        float[] dlogits = new float[logits.length];
        DiceCe.backward(geo, logits, labels, mask, r, o.squared(), dlogits);

        SoftDiceLoss dice = SoftDiceLoss.builder().squared(o.squared()).batchDice(o.batchDice())
                .includeBackground(o.includeBackground()).smooth(o.smooth()).build();
        DiceCeLoss ref = new DiceCeLoss(dice, new CrossEntropyLoss(), o.diceWeight(), o.ceWeight());
        int[] dims = {n, c, spatial[0], spatial[1], spatial[2]};
        int[] vdims = {n, spatial[0], spatial[1], spatial[2]};
        try (TensorScope scope = new TensorScope()) {
            Variable z = Variable.param(Tensor.of(logits, dims).cast(DType.FLOAT64));
            Tensor m = withMask ? Tensor.of(mask, vdims) : null;
            Variable loss = ref.compute(z, Tensor.ofInts(labels, vdims), m);
            loss.backward();
            String tag = o + " N=" + n + " C=" + c + " S=" + s + (withMask ? " masked" : "");
            double l = loss.value().item();
            assertEquals(l, r.loss(), 1e-5 * Math.max(1, Math.abs(l)), tag + ": loss");
            assertClose(tag + ": dlogits", z.grad().toDoubleArray(), dlogits, 1e-5);
            assertTrue(r.meanDice() > 0 && r.crossEntropy() > 0, tag + ": the parts are not trivial");
        }
    }

    @Test void mistDiceCeMatchesDiceCeLoss() {
        check(DiceCe.Options.mist(), 2, 3, new int[] {4, 5, 6}, false);
        check(DiceCe.Options.mist(), 2, 3, new int[] {4, 5, 6}, true);
    }

    @Test void nnUNetDiceCeMatchesDiceCeLoss() {
        check(DiceCe.Options.nnUNet(), 2, 4, new int[] {3, 5, 6}, true);
        check(DiceCe.Options.nnUNet(), 3, 2, new int[] {3, 5, 6}, false);
    }

    @Test void otherOptionsTwoClassTilesAndSeveralChunks() {
        // C = 10 needs two class tiles of 8; S = 2500 > 2048 gives two chunks per sample
        check(new DiceCe.Options(false, false, true, 1e-5, 0.3, 0.7), 2, 10, new int[] {10, 10, 25}, true);
        check(new DiceCe.Options(true, true, false, 1.0, 1.0, 0.0), 1, 10, new int[] {10, 10, 25}, false);
    }

    @Test void labelsOutsideTheClassesAreRefused() {
        DiceCe.Geometry geo = new DiceCe.Geometry(1, 3, 4);
        double[] st = DiceCe.statistics(geo, new float[12], new int[] {0, 1, 3, 2}, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DiceCe.finish(geo, st, DiceCe.Options.mist(), 1));
        assertTrue(e.getMessage().contains("1 annotated voxels have a label outside [0, 3)"), e.getMessage());
        // the same label under a zero mask is ignored
        double[] masked = DiceCe.statistics(geo, new float[12], new int[] {0, 1, 3, 2}, new float[] {1, 1, 0, 1});
        assertEquals(3, masked[3 * 4 + 1]);
        assertEquals(0, masked[3 * 4 + 2]);
    }
}
