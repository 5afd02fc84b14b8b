package org.voxelforge.train.trainer;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.core.Tensor;
import org.voxelforge.nn.io.Weights;
import org.voxelforge.nn.models.DynamicUNet;
import org.voxelforge.nn.optim.PolyLr;

/** A whole short run: the loss falls, best/final weights are written and load, the CSV and progress lines say what happened. */
class TrainerRunTest {
    static List<LabeledVolume> cases;

    @BeforeAll static void makeCases() { cases = Synthetic.twoSpheres(); }

    @AfterAll static void freeCases() { Synthetic.close(cases); }

    @Test void shortRunLearnsAndWritesModelsLogAndProgress(@TempDir Path out) throws Exception {
        TrainingOptions o = Synthetic.options(4, 5).withSchedule("poly");
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        try (DynamicUNet m = Synthetic.tinyUNet();
             Trainer t = new Trainer(m, o, new InMemoryBatchSource(cases, Synthetic.PATCH, 2, 5), cases, out,
                     new PrintStream(lines, true, StandardCharsets.UTF_8))) {
            t.fit();
            assertEquals(4, t.epochsDone());

            // CSV: header and one row per epoch, lr of each epoch's first iteration, Dice in [0, 1]
            List<String> csv = Files.readAllLines(t.logFile());
            assertEquals(TrainingLog.HEADER, csv.getFirst());
            assertEquals(5, csv.size(), csv.toString());
            PolyLr poly = new PolyLr(o.lr(), 20);
            double[] loss = new double[4], dice = new double[4];
            for (int e = 0; e < 4; e++) {
                String[] f = csv.get(e + 1).split(",", -1);
                assertEquals(e, Integer.parseInt(f[0]));
                loss[e] = Double.parseDouble(f[1]);
                dice[e] = Double.parseDouble(f[2]);
                assertTrue(dice[e] >= 0 && dice[e] <= 1, csv.get(e + 1));
                assertEquals(poly.lr(e * 5), Double.parseDouble(f[3]), 1e-6 * o.lr());
                assertTrue(Double.parseDouble(f[4]) > 0);
            }
            assertTrue(loss[3] < 0.8 * loss[0], "the training loss should fall: " + java.util.Arrays.toString(loss));

            // best = highest validation Dice, as the trainer reports it; final = the weights after the last epoch
            int best = 0;
            for (int e = 1; e < 4; e++) if (dice[e] > dice[best]) best = e;
            assertEquals(best, t.bestEpoch());
            assertEquals(dice[best], t.bestDice(), 1e-6);
            assertTrue(t.bestDice() > 0.5, "a sphere in mild noise should be found: " + java.util.Arrays.toString(dice));
            assertTrue(Files.isRegularFile(t.bestModelFile()));
            assertTrue(Files.isRegularFile(t.finalModelFile()));
            assertTrue(Files.isRegularFile(t.checkpointFile()));
            try (DynamicUNet fin = Synthetic.tinyUNet(); DynamicUNet bst = Synthetic.tinyUNet()) {
                assertTrue(Weights.load(fin, t.finalModelFile(), true).isClean());
                assertTrue(Weights.load(bst, t.bestModelFile(), true).isClean());
                assertBitwiseEqual(m.stateDict(), fin.stateDict());
                double bestAgain = ValidationDice.evaluate(bst, cases, Synthetic.PATCH, 2);
                // not 1e-12: the JIT may change the last bit of a probability between the two evaluations (see TrainerResumeTest)
                assertEquals(t.bestDice(), bestAgain, 0.01, "the best file holds the weights that scored the best Dice");
            }
        }
        String text = lines.toString(StandardCharsets.UTF_8);
        List<String> progress = text.lines().toList();
        assertEquals(4, progress.size(), text);
        assertTrue(progress.getFirst().startsWith("epoch 1/4  loss "), text);
        assertTrue(progress.getFirst().contains("lr ") && progress.getFirst().contains("ETA "), text);
        assertTrue(progress.getLast().contains("val dice"), text);
    }

    @Test void validationOnlyEveryKEpochsLeavesOtherDiceFieldsEmpty(@TempDir Path out) throws Exception {
        TrainingOptions o = Synthetic.options(3, 1).withValidateEvery(2);
        try (DynamicUNet m = Synthetic.tinyUNet();
             Trainer t = new Trainer(m, o, new InMemoryBatchSource(cases, Synthetic.PATCH, 2, 5), cases, out, null)) {
            t.fit();
            List<String> csv = Files.readAllLines(t.logFile());
            assertEquals("", csv.get(1).split(",", -1)[2]); // epoch 0: not validated
            assertFalse(csv.get(2).split(",", -1)[2].isEmpty()); // epoch 1: (1 + 1) % 2 == 0
            assertFalse(csv.get(3).split(",", -1)[2].isEmpty()); // the last epoch always
        }
    }

    static void assertBitwiseEqual(Map<String, Tensor> a, Map<String, Tensor> b) {
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            double[] x = a.get(k).toDoubleArray(), y = b.get(k).toDoubleArray();
            assertEquals(x.length, y.length, k);
            for (int i = 0; i < x.length; i++) {
                if (Double.doubleToRawLongBits(x[i]) != Double.doubleToRawLongBits(y[i])) {
                    fail(k + "[" + i + "] differs: " + x[i] + " vs " + y[i]);
                }
            }
        }
    }
}
