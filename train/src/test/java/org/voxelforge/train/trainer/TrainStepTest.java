package org.voxelforge.train.trainer;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.core.NativeMemory;
import org.voxelforge.autograd.Variable;
import org.voxelforge.nn.models.DynamicUNet;

/** One training step: memory stays flat, and a NaN stops the run with a message naming where. */
class TrainStepTest {
    static List<LabeledVolume> cases;

    @BeforeAll static void makeCases() { cases = Synthetic.twoSpheres(); }

    @AfterAll static void freeCases() { Synthetic.close(cases); }

    @Test void memoryIsFlatAcrossSteps(@TempDir Path out) {
        // deep supervision, clipping, momentum and EMA: every path that could leak
        TrainingOptions o = Synthetic.options(1, 30).withLoss("dice_ce", true).withClipNorm(1).withEma(0.99)
                .withOptimizer("sgd", 1e-2, 3e-5, 0.99, true);
        try (DynamicUNet m = Synthetic.tinyUNet(); Trainer t = new Trainer(m, o, new InMemoryBatchSource(cases, Synthetic.PATCH, 2, 3), cases, out, null)) {
            long before = NativeMemory.liveBytes();
            long afterStep2 = 0;
            for (int s = 0; s <= 20; s++) {
                t.trainStep(0, s);
                if (s == 2) afterStep2 = NativeMemory.liveBytes();
            }
            long afterStep20 = NativeMemory.liveBytes();
            assertTrue(afterStep2 > before, "the optimizer state (momentum) lives after the first steps");
            assertTrue(Math.abs(afterStep20 - afterStep2) <= 1024,
                    "live bytes after step 2: " + afterStep2 + ", after step 20: " + afterStep20);
        }
    }

    @Test void theOriginOfANanIsTheFirstOpWithFiniteInputs() {
        try (org.voxelforge.core.TensorScope scope = new org.voxelforge.core.TensorScope()) {
            Variable x = Variable.param(org.voxelforge.core.Tensor.of(new float[] {0, 1, 2}, 3));
            Variable l = x.log().mul(0.0).sum(); // log(0) = -inf, then -inf * 0 = NaN
            String where = NonFiniteOrigin.find(l);
            assertTrue(where.contains("op 'log'") && where.contains("from finite inputs"), where);
            assertNull(NonFiniteOrigin.find(x.mul(2.0).sum()));
            Variable bad = Variable.constant(org.voxelforge.core.Tensor.of(new float[] {1, Float.NaN}, 2));
            assertTrue(NonFiniteOrigin.find(bad.mul(2.0).sum()).contains("(input data)"));
        }
    }

    @Test void nanInTheInputStopsTheRunNamingEpochStepAndTheInput(@TempDir Path out) {
        InMemoryBatchSource clean = new InMemoryBatchSource(cases, Synthetic.PATCH, 2, 3);
        BatchSource poisoned = (epoch, step) -> {
            Batch b = clean.next(epoch, step);
            if (epoch == 1 && step == 2) b.images().set(Double.NaN, 1, 0, 5, 6, 7);
            return b;
        };
        try (DynamicUNet m = Synthetic.tinyUNet(); Trainer t = new Trainer(m, Synthetic.options(3, 4), poisoned, List.of(), out, null)) {
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class, t::fit);
            assertEquals(1, e.epoch());
            assertEquals(2, e.step());
            assertTrue(e.getMessage().contains("epoch 1, step 2"), e.getMessage());
            assertTrue(e.getMessage().contains("loss NaN"), e.getMessage());
            assertTrue(e.getMessage().contains("leaf tensor") && e.getMessage().contains("(input data) holds NaN/Inf"), e.getMessage());
            assertEquals(1, t.epochsDone(), "epoch 0 finished, epoch 1 did not");
        }
    }
}
