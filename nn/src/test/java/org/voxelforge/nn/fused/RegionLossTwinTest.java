package org.voxelforge.nn.fused;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.fused.DiceCe;
import org.voxelforge.core.fused.RegionLoss;
import org.voxelforge.core.fused.RegionLoss.Boundary;
import org.voxelforge.core.fused.RegionLoss.Classification;
import org.voxelforge.core.fused.RegionLoss.Overlap;
import org.voxelforge.core.fused.RegionLoss.Terms;
import org.voxelforge.core.fused.RegionLossTwin;
import org.voxelforge.nn.loss.AlphaSchedule;
import org.voxelforge.nn.loss.BoundaryLoss;
import org.voxelforge.nn.loss.CompositeLoss;
import org.voxelforge.nn.loss.DiceFocalLoss;
import org.voxelforge.nn.loss.FocalLoss;
import org.voxelforge.nn.loss.Loss;
import org.voxelforge.nn.loss.LossTarget;
import org.voxelforge.nn.loss.SoftDiceLoss;
import org.voxelforge.nn.loss.TverskyLoss;

/**
 * The CPU twin of the region-loss kernels (RegionLossTwin: float32 statistics in chunks, the host
 * finish RegionLoss.finish, the recomputed-softmax backward) against the composed nn losses in
 * float64, loss and autograd gradient of the logits; runs without the emulator. Tolerances: loss
 * 1e-5 relative (float sums of up to 2048 terms per chunk); each dlogit 2e-5 of the largest
 * |dlogit| (no floor of 1: the gradients here are ~1e-3), a few float products of the coefficients.
 */
class RegionLossTwinTest {
    private final SplittableRandom rnd = new SplittableRandom(5);

    private void check(String what, Terms t, Loss ref, int n, int c, int[] sp, boolean withMask) {
        int s = sp[0] * sp[1] * sp[2];
        DiceCe.Geometry geo = new DiceCe.Geometry(n, c, s);
        float[] logits = new float[n * c * s];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (3 * rnd.nextGaussian());
        float[] dist = null;
        if (t.boundary() != null) {
            dist = new float[logits.length];
            for (int i = 0; i < dist.length; i++) dist[i] = (float) (4 * rnd.nextGaussian());
        }
        int[] labels = new int[n * s];
        float[] mask = withMask ? new float[n * s] : null;
        for (int v = 0; v < n * s; v++) {
            labels[v] = rnd.nextInt(c);
            if (withMask && rnd.nextDouble() < 0.8) mask[v] = 1f;
            if (withMask && mask[v] == 0f) labels[v] = 0; // the composed losses need a valid label (the boundary reads none)
        }
        double[] stats = RegionLossTwin.statistics(geo, logits, labels, mask, t, dist);
        RegionLoss.Result r = RegionLoss.finish(what, geo, stats, t, 1.0);
        float[] dlogits = new float[logits.length];
        RegionLossTwin.backward(geo, logits, labels, mask, dist, t, r, dlogits);
        int[] dims = {n, c, sp[0], sp[1], sp[2]}, vdims = {n, sp[0], sp[1], sp[2]};
        try (TensorScope scope = new TensorScope()) {
            Variable z = Variable.param(Tensor.of(logits, dims).cast(DType.FLOAT64));
            LossTarget target = LossTarget.of(Tensor.ofInts(labels, vdims), dist == null ? null : Tensor.of(dist, dims).cast(DType.FLOAT64));
            Variable loss = ref.compute(z, target, withMask ? Tensor.of(mask, vdims) : null);
            loss.backward();
            String tag = what + " N=" + n + " C=" + c + " S=" + s + (withMask ? " masked" : "");
            double l = loss.value().item();
            assertEquals(l, r.loss(), 1e-5 * Math.max(1, Math.abs(l)), tag + ": loss");
            double[] want = z.grad().toDoubleArray();
            double scale = 0;
            for (double w : want) scale = Math.max(scale, Math.abs(w));
            assertTrue(scale > 0, tag + ": a zero gradient tests nothing");
            for (int i = 0; i < want.length; i++) assertEquals(want[i], dlogits[i], 2e-5 * scale, tag + ": dlogits[" + i + "]");
        }
    }

    @Test void tverskyMatchesTverskyLoss() {
        check("tversky", new Terms(Overlap.tversky(0.3, 0.7, false, true, 1e-5, 1), null, null), new TverskyLoss(0.3, 0.7), 2, 3, new int[] {4, 5, 6}, true);
        check("tversky batch, no background", new Terms(Overlap.tversky(0.6, 0.2, true, false, 1.0, 1), null, null),
                new TverskyLoss(0.6, 0.2, true, false, 1.0), 2, 4, new int[] {3, 5, 6}, false);
    }

    @Test void focalMatchesFocalLoss() {
        check("focal 2", new Terms(null, new Classification(2, null, 1), null), new FocalLoss(2), 2, 3, new int[] {4, 5, 6}, true);
        double[] alpha = {0.3, 1.2, 2.0, 0.7};
        check("focal 0.5, alpha", new Terms(null, new Classification(0.5, alpha, 1), null), new FocalLoss(0.5, alpha), 1, 4, new int[] {3, 5, 6}, false);
    }

    @Test void diceFocalAndBoundaryCompositeOverTwoTilesAndChunks() {
        // C = 10: two class tiles; S = 2500 > 2048: two chunks per sample
        double[] alpha = new double[10];
        for (int j = 0; j < 10; j++) alpha[j] = 0.5 + 0.2 * j;
        DiceFocalLoss df = new DiceFocalLoss(SoftDiceLoss.nnUNet(), new FocalLoss(2, alpha), 0.7, 1.3);
        check("dice_focal", df.fusedTerms(), df, 1, 10, new int[] {10, 10, 25}, true);
        CompositeLoss bl = new CompositeLoss("bl", new TverskyLoss(0.3, 0.7), new BoundaryLoss(), AlphaSchedule.constant(0.6));
        Terms t = new Terms(Overlap.tversky(0.3, 0.7, false, true, 1e-5, 0.6), null, new Boundary(0.4));
        assertEquals(t, bl.fusedTerms());
        check("tversky + boundary", t, bl, 2, 3, new int[] {4, 5, 6}, true);
    }

    @Test void termsOfDifferentKindsAddAndConflictingOnesDoNot() {
        Terms dice = new Terms(Overlap.dice(true, false, true, 1e-6, 1), Classification.crossEntropy(1), null);
        Terms sum = dice.scaled(0.5).plus(new Terms(null, null, new Boundary(1)).scaled(0.5));
        assertEquals(new Terms(Overlap.dice(true, false, true, 1e-6, 0.5), Classification.crossEntropy(0.5), new Boundary(0.5)), sum);
        assertEquals(Overlap.dice(true, false, true, 1e-6, 2), dice.plus(dice).overlap(), "the same overlap term adds its weights");
        assertNull(dice.plus(new Terms(null, new Classification(2, null, 1), null)), "CE and focal are two classification terms");
        assertNull(dice.plus(new Terms(Overlap.tversky(0.3, 0.7, false, true, 1e-6, 1), null, null)), "Dice and Tversky are two overlap terms");
    }
}
