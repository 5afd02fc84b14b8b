package org.voxelforge.nn.device;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.Device;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.cuda.EmulatedKernels;
import org.voxelforge.nn.loss.AlphaSchedule;
import org.voxelforge.nn.loss.CompositeLoss;
import org.voxelforge.nn.loss.CrossEntropyLoss;
import org.voxelforge.nn.loss.DiceCeLoss;
import org.voxelforge.nn.loss.DiceFocalLoss;
import org.voxelforge.nn.loss.BoundaryLoss;
import org.voxelforge.nn.loss.FocalLoss;
import org.voxelforge.nn.loss.Loss;
import org.voxelforge.nn.loss.LossTarget;
import org.voxelforge.nn.loss.Losses;
import org.voxelforge.nn.loss.SoftDiceLoss;
import org.voxelforge.nn.loss.TverskyLoss;

/**
 * SoftDiceLoss and CrossEntropyLoss alone, TverskyLoss, FocalLoss, DiceFocalLoss and the region + boundary composite ("bl") on the CUDA
 * backend (emulated) run as the fused region-loss kernels; loss and logit gradient must match the
 * composed loss on the CPU: 1e-5 relative on the loss (float32 sums in another order), 1e-4 of the
 * largest gradient (the composed gradient is itself float32 through some thirty ops). With and
 * without a voxel mask, background included and excluded, batch Dice on and off.
 */
class EmulatedFusedRegionLossTest {
    private static final int N = 2, C = 3, D = 5, H = 6, W = 4, V = N * D * H * W;

    @BeforeEach void emulator() {
        EmulatedKernels.Availability a = EmulatedKernels.availability();
        Assumptions.assumeTrue(a.available(), "kernel emulator unavailable: " + a.reason());
    }

    /** fused (emulator) against {@code ref} composed on the CPU; the fused op must be {@code op}. */
    static void matches(String what, Loss fused, Loss ref, String op, Tensor logits, LossTarget target, Tensor mask) {
        try (TensorScope s = new TensorScope()) {
            Variable xc = Variable.param(logits.copy());
            Variable lc = ref.compute(xc, target, mask);
            lc.backward();
            Variable xd = Variable.param(logits.to(Device.EMULATOR));
            LossTarget td = LossTarget.of(target.labels().to(Device.EMULATOR),
                    target.distanceMaps() == null ? null : target.distanceMaps().to(Device.EMULATOR));
            Variable ld = fused.compute(xd, td, mask == null ? null : mask.to(Device.EMULATOR));
            assertEquals(op, ld.node().op(), what + ": the fused op ran");
            ld.backward();
            double want = lc.value().item(), got = ld.value().item();
            assertEquals(want, got, 1e-5 * (1 + Math.abs(want)), what + ": loss");
            float[] gw = xc.grad().toFloatArray(), gg = xd.grad().toFloatArray();
            double scale = 0;
            for (float v : gw) scale = Math.max(scale, Math.abs(v));
            assertTrue(scale > 0, what + ": a zero gradient tests nothing");
            for (int i = 0; i < gw.length; i++) assertEquals(gw[i], gg[i], 1e-4 * scale, what + ": dlogits[" + i + "]");
        }
    }

    private static void matches(String what, Loss loss, Tensor logits, LossTarget target, Tensor mask) {
        matches(what, loss, loss, "region_loss_fused", logits, target, mask);
    }

    private static long[] labels(int n, int classes, long seed) {
        RandomGenerator r = new RandomGenerator(seed);
        long[] l = new long[n];
        for (int i = 0; i < n; i++) l[i] = (long) Math.min(classes - 1, Math.floor(r.nextDouble() * classes));
        return l;
    }

    private static Tensor logits() { return new RandomGenerator(4).normal(0, 2, N, C, D, H, W); }

    private static Tensor labels() { return Tensor.ofLongs(labels(V, C, 8), N, D, H, W); }

    private static Tensor mask() {
        double[] m = new double[V];
        for (int i = 0; i < m.length; i++) m[i] = i % 3 == 0 ? 0 : 1;
        return Tensor.of(DType.FLOAT32, m, N, D, H, W);
    }

    @Test void tverskyPerSampleAndBatchWithAndWithoutBackgroundAndMask() {
        try (TensorScope s = new TensorScope()) {
            Tensor x = logits(), y = labels(), m = mask();
            matches("tversky 0.3/0.7 (Losses)", Losses.create("tversky"), x, LossTarget.of(y), null);
            matches("tversky, masked", new TverskyLoss(0.3, 0.7), x, LossTarget.of(y.cast(DType.UINT8).unsqueeze(1)), m);
            matches("tversky batch, no background", new TverskyLoss(0.7, 0.3, true, false, 1e-5), x, LossTarget.of(y), null);
            matches("tversky batch, no background, masked", new TverskyLoss(0.5, 0.5, true, false, 1.0), x, LossTarget.of(y.cast(DType.INT32)),
                    m.cast(DType.UINT8));
        }
    }

    @Test void diceAloneAndCrossEntropyAlone() {
        try (TensorScope s = new TensorScope()) {
            Tensor x = logits(), y = labels(), m = mask();
            matches("dice (Losses)", Losses.create("dice"), x, LossTarget.of(y), null);
            matches("nnU-Net dice (batch, no background), masked", SoftDiceLoss.nnUNet(), x, LossTarget.of(y), m);
            matches("ce (Losses)", Losses.create("ce"), x, LossTarget.of(y), null);
            matches("ce, masked", new CrossEntropyLoss(), x, LossTarget.of(y.cast(DType.INT32)), m);
            // class-weighted CE is not in the kernels: composed, on the device
            try (TensorScope inner = new TensorScope()) {
                Variable weighted = new CrossEntropyLoss(new double[] {1, 2, 3}).compute(Variable.param(x.to(Device.EMULATOR)),
                        LossTarget.of(y.to(Device.EMULATOR)), null);
                assertNotEquals("region_loss_fused", weighted.node().op(), "weighted CE stays composed");
            }
        }
    }

    @Test void focalWithAndWithoutAlphaAndMask() {
        try (TensorScope s = new TensorScope()) {
            Tensor x = logits(), y = labels(), m = mask();
            matches("focal gamma 2 (Losses)", Losses.create("focal"), x, LossTarget.of(y), null);
            matches("focal gamma 2, masked", new FocalLoss(2.0), x, LossTarget.of(y), m);
            FocalLoss weighted = new FocalLoss(0.5, new double[] {0.25, 1.0, 2.0});
            matches("focal gamma 0.5, alpha", weighted, x, LossTarget.of(y), null);
            matches("focal gamma 3, alpha, masked", new FocalLoss(3.0, new double[] {1.0, 0.5, 2.0}), x, LossTarget.of(y), m);
            // gamma 0 without alpha is cross-entropy: the fused focal pass against the composed CE
            matches("focal gamma 0 = CE", new FocalLoss(0.0), new CrossEntropyLoss(), "region_loss_fused", x, LossTarget.of(y), m);
        }
    }

    @Test void diceFocalMistAndNnUNetDice() {
        try (TensorScope s = new TensorScope()) {
            Tensor x = logits(), y = labels(), m = mask();
            matches("dice_focal (Losses)", Losses.create("dice_focal"), x, LossTarget.of(y), null);
            matches("dice_focal, masked", DiceFocalLoss.mist(), x, LossTarget.of(y), m);
            DiceFocalLoss nn = new DiceFocalLoss(SoftDiceLoss.nnUNet(), new FocalLoss(2.0, new double[] {0.5, 1, 1}), 1.0, 1.0);
            matches("nnU-Net Dice (batch, no background) + focal with alpha", nn, x, LossTarget.of(y), null);
            matches("nnU-Net Dice + focal with alpha, masked", nn, x, LossTarget.of(y), m);
        }
    }

    @Test void regionPlusBoundaryCompositeIsOnePass() {
        try (TensorScope s = new TensorScope()) {
            Tensor x = logits(), y = labels(), m = mask();
            Tensor phi = new RandomGenerator(9).normal(0, 3, N, C, D, H, W);
            LossTarget t = LossTarget.of(y, phi);
            matches("bl (Losses)", Losses.create("bl"), x, t, null);
            matches("bl, masked", Losses.create("bl"), x, t, m);
            CompositeLoss nn = new CompositeLoss("bl_nnunet", DiceCeLoss.nnUNet(), new BoundaryLoss(), AlphaSchedule.constant(0.3));
            matches("nnU-Net dice_ce + boundary, alpha 0.3, masked", nn, x, t, m);
            CompositeLoss tb = new CompositeLoss("tversky_bl", new TverskyLoss(0.3, 0.7), new BoundaryLoss(), AlphaSchedule.constant(0.8));
            matches("tversky + boundary", tb, x, t, null);
            // the plain dice_ce op keeps its name and path
            matches("dice_ce", DiceCeLoss.mist(), DiceCeLoss.mist(), "dice_ce_fused", x, LossTarget.of(y), m);
        }
    }

    private static Tensor onDevice(Tensor t) { return t.to(Device.EMULATOR); }

    private static String error(Loss loss, Tensor logits, LossTarget target, Tensor mask) {
        return assertThrows(IllegalArgumentException.class, () -> loss.compute(Variable.param(logits), target, mask)).getMessage();
    }

    @Test void badInputsNameTheLossAndTheFix() {
        try (TensorScope s = new TensorScope()) {
            Tensor x = onDevice(logits());
            long[] l = labels(V, C, 2);
            l[5] = 7;
            Tensor bad = onDevice(Tensor.ofLongs(l, N, D, H, W));
            Tensor phi = onDevice(new RandomGenerator(9).normal(0, 3, N, C, D, H, W));
            for (Loss loss : new Loss[] {new TverskyLoss(0.3, 0.7), new FocalLoss(2.0), DiceFocalLoss.mist()}) {
                String e = error(loss, x, LossTarget.of(bad), null);
                String name = loss.getClass().getSimpleName();
                assertTrue(e.startsWith(name + ": 1 annotated voxels have a label outside [0, 3)") && e.contains("mask"), e);
            }
            String e = error(Losses.create("bl"), x, LossTarget.of(bad, phi), null);
            assertTrue(e.startsWith("bl (DiceCeLoss + BoundaryLoss): 1 annotated voxels have a label outside [0, 3)"), e);
            // the bad label under a zero mask is ignored
            double[] m = new double[V];
            java.util.Arrays.fill(m, 1);
            m[5] = 0;
            Variable ok = new FocalLoss(2.0).compute(Variable.param(x), bad, onDevice(Tensor.of(DType.FLOAT32, m, N, D, H, W)));
            assertTrue(Double.isFinite(ok.value().item()));

            Tensor wrong = onDevice(Tensor.ofLongs(labels(N * D * H, C, 3), N, D, H));
            e = error(new TverskyLoss(0.3, 0.7), x, LossTarget.of(wrong), null);
            assertTrue(e.startsWith("TverskyLoss: labels") && e.contains("expected integer labels [2, 5, 6, 4]"), e);
            e = error(new FocalLoss(2.0, new double[] {1, 2}), x, LossTarget.of(onDevice(labels())), null);
            assertTrue(e.startsWith("FocalLoss: 2 focal class weights (alpha)") && e.contains("one weight per channel"), e);
            e = error(Losses.create("bl"), x, LossTarget.of(onDevice(labels()), onDevice(new RandomGenerator(1).normal(0, 1, N, C, D, H, 3))), null);
            assertTrue(e.startsWith("bl (DiceCeLoss + BoundaryLoss): distance maps") && e.contains("must have the logits' shape"), e);
            e = error(Losses.create("bl"), x, LossTarget.of(onDevice(labels())), null);
            assertTrue(e.startsWith("bl (DiceCeLoss + BoundaryLoss): needs distance maps") && e.contains("LossTarget.of(labels, distanceMaps)"), e);
            e = error(new TverskyLoss(0.3, 0.7, false, false, 1e-5), onDevice(new RandomGenerator(1).normal(0, 1, 1, 1, 3, 3, 3)),
                    LossTarget.of(onDevice(Tensor.ofLongs(new long[27], 1, 3, 3, 3))), null);
            assertTrue(e.startsWith("TverskyLoss: excluding the background needs at least 2 channels"), e);
        }
    }
}
