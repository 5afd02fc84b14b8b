package org.voxelforge.train.inference;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Autocast;
import org.voxelforge.autograd.NoGrad;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.layers.Conv3d;

/**
 * {@code predict --precision bf16}: the ensemble's forward passes run under bf16 autocast, so its
 * probabilities equal softmax(conv) computed under Autocast by hand, bit for bit, and differ from
 * the float32 ones by bf16 rounding only.
 */
class Bf16EnsembleTest {
    @Test void bf16RunsTheModelsUnderAutocast() {
        try (TensorScope s = new TensorScope(); Conv3d conv = Conv3d.same(1, 3, 3, 1, true, new RandomGenerator(2))) {
            Tensor windows = new RandomGenerator(5).normal(0, 1, 2, 1, 6, 5, 4);
            Tensor fp32 = new ModelEnsemble(List.of(conv), Activation.SOFTMAX, TestTimeAugmentation.NONE).predict(windows);
            Tensor bf16 = new ModelEnsemble(List.of(conv), Activation.SOFTMAX, TestTimeAugmentation.NONE, true).predict(windows);
            Tensor want;
            try (NoGrad n = NoGrad.enter(); Autocast a = Autocast.bf16()) {
                want = conv.apply(Variable.constant(windows)).value().softmax(1);
            }
            assertArrayEquals(want.toFloatArray(), bf16.toFloatArray(), "bf16 ensemble = softmax(conv) under Autocast");
            float[] f = fp32.toFloatArray(), b = bf16.toFloatArray();
            double worst = 0;
            for (int i = 0; i < f.length; i++) worst = Math.max(worst, Math.abs(f[i] - b[i]));
            assertTrue(worst > 0, "bf16 rounding must show somewhere");
            assertTrue(worst < 3e-2, "bf16 probabilities within bf16 rounding of float32, worst " + worst);
        }
    }
}
