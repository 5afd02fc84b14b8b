package org.voxelforge.autograd;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/**
 * bf16 autocast: inside the scope conv3d and matmul compute on bf16-rounded inputs with float32
 * results (exactly the float32 op of the rounded operands), save their inputs in bfloat16 (half
 * the bytes), and their gradients stay within bf16's precision of the float32 ones.
 */
class AutocastTest {
    private static Tensor rounded(Tensor t) { return t.cast(DType.BFLOAT16).cast(DType.FLOAT32); }

    @Test void conv3dUsesBf16InputsAndSavesThemInBf16() {
        try (TensorScope s = new TensorScope()) {
            RandomGenerator r = new RandomGenerator(2);
            Tensor x = r.normal(0, 1, 2, 3, 5, 6, 4), w = r.normal(0, 0.3, 4, 3, 3, 3, 3);
            Conv3dParams p = Conv3dParams.of(1, 1);
            Variable xv = Variable.param(x), wv = Variable.param(w);
            Variable y;
            try (Autocast a = Autocast.bf16()) {
                assertTrue(Autocast.active());
                y = ConvOps.conv3d(xv, wv, null, p);
            }
            assertFalse(Autocast.active());
            assertEquals(DType.FLOAT32, y.dtype());
            assertArrayEquals(rounded(x).backend().conv3d(rounded(x), rounded(w), null, p).toFloatArray(), y.value().toFloatArray());
            assertEquals((x.numel() + w.numel()) * 2, y.node().savedBytes(), "inputs saved in bf16");

            y.sum().backward();
            Variable xf = Variable.param(x), wf = Variable.param(w);
            ConvOps.conv3d(xf, wf, null, p).sum().backward();
            close("dx", xf.grad(), xv.grad(), 2e-2);
            close("dw", wf.grad(), wv.grad(), 2e-2);
        }
    }

    @Test void matmulUnderAutocast() {
        try (TensorScope s = new TensorScope()) {
            RandomGenerator r = new RandomGenerator(3);
            Tensor a = r.normal(0, 1, 5, 7), b = r.normal(0, 1, 7, 3);
            Variable av = Variable.param(a), bv = Variable.param(b);
            Variable y;
            try (Autocast c = Autocast.bf16()) { y = av.matmul(bv); }
            assertArrayEquals(rounded(a).matmul(rounded(b)).toFloatArray(), y.value().toFloatArray());
            y.sum().backward();
            close("da", Tensor.ones(5, 3).matmul(b.transpose(0, 1)), av.grad(), 2e-2);
        }
    }

    /** Within {@code rel} of the largest |want|. */
    private static void close(String what, Tensor want, Tensor got, double rel) {
        float[] w = want.toFloatArray(), g = got.toFloatArray();
        double scale = 0;
        for (float v : w) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < w.length; i++) assertEquals(w[i], g[i], rel * scale, what + "[" + i + "]");
    }
}
