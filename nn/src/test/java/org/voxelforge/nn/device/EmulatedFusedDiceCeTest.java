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
import org.voxelforge.nn.loss.DiceCeLoss;

/**
 * DiceCeLoss on the CUDA backend (emulated) runs as the fused softmax + Dice + CE kernels; its
 * loss and logit gradient must match the composed loss on the CPU (float32 sums in another order:
 * 1e-5 relative on the loss, 1e-4 of the largest gradient), for MIST's and nnU-Net's settings,
 * with and without a voxel mask, labels [N, spatial] or [N, 1, spatial] of any integer type.
 */
class EmulatedFusedDiceCeTest {
    @BeforeEach void emulator() {
        EmulatedKernels.Availability a = EmulatedKernels.availability();
        Assumptions.assumeTrue(a.available(), "kernel emulator unavailable: " + a.reason());
    }

    private static void matches(String what, DiceCeLoss loss, Tensor logits, Tensor labels, Tensor mask) {
        EmulatedFusedRegionLossTest.matches(what, loss, loss, "dice_ce_fused", logits, org.voxelforge.nn.loss.LossTarget.of(labels, null), mask);
    }

    private static long[] labels(int n, int classes, long seed) {
        RandomGenerator r = new RandomGenerator(seed);
        long[] l = new long[n];
        for (int i = 0; i < n; i++) l[i] = (long) Math.min(classes - 1, Math.floor(r.nextDouble() * classes));
        return l;
    }

    @Test void mistAndNnUNetSettingsWithAndWithoutAMask() {
        try (TensorScope s = new TensorScope()) {
            RandomGenerator r = new RandomGenerator(4);
            Tensor logits = r.normal(0, 2, 2, 3, 5, 6, 4);
            Tensor labels = Tensor.ofLongs(labels(2 * 5 * 6 * 4, 3, 8), 2, 5, 6, 4);
            double[] m = new double[2 * 5 * 6 * 4];
            for (int i = 0; i < m.length; i++) m[i] = i % 3 == 0 ? 0 : 1;
            Tensor mask = Tensor.of(DType.FLOAT32, m, 2, 5, 6, 4);
            matches("mist", DiceCeLoss.mist(), logits, labels, null);
            matches("nnU-Net", DiceCeLoss.nnUNet(), logits, labels, null);
            matches("mist, masked, uint8 labels [N, 1, ...]", DiceCeLoss.mist(), logits, labels.cast(DType.UINT8).unsqueeze(1), mask);
            matches("nnU-Net, masked", DiceCeLoss.nnUNet(), logits, labels.cast(DType.INT32), mask.cast(DType.UINT8));
        }
    }

    @Test void aLabelOutsideTheClassesIsAnError() {
        try (TensorScope s = new TensorScope()) {
            Tensor logits = new RandomGenerator(1).normal(0, 1, 1, 2, 3, 3, 3).to(Device.EMULATOR);
            long[] l = labels(27, 2, 2);
            l[5] = 7;
            Tensor labels = Tensor.ofLongs(l, 1, 3, 3, 3).to(Device.EMULATOR);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DiceCeLoss.mist().compute(Variable.param(logits), labels, null));
            assertTrue(e.getMessage().contains("outside [0, 2)"), e.getMessage());
        }
    }
}
