package org.voxelforge.train.trainer;

import static org.junit.jupiter.api.Assertions.*;

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
import org.voxelforge.nn.io.SafeTensors;
import org.voxelforge.nn.models.DynamicUNet;

/** A run killed after epoch k and resumed from its checkpoint ends with the same bits as a run that was never stopped. */
class TrainerResumeTest {
    static List<LabeledVolume> cases;

    @BeforeAll static void makeCases() { cases = Synthetic.twoSpheres(); }

    @AfterAll static void freeCases() { Synthetic.close(cases); }

    /**
     * Three processes, as in real life: one trains the whole run, one is "killed" after epoch 2
     * (it exits), one resumes that run from its checkpoint in a fresh JVM. The final weights,
     * the EMA and the last checkpoint (optimizer momentum included) must be bitwise equal.
     *
     * <p>The processes use the default (Vector API) CPU kernels: their transcendental ops run on
     * Math's scalar functions and lane sums add in a fixed order, because the vector EXP/LOG/TANH
     * and reduceLanes round differently before and after the JIT compiles them.
     */
    @Test void resumedRunInANewProcessIsBitwiseIdenticalToAnUninterruptedOne(@TempDir Path whole, @TempDir Path killed)
            throws Exception {
        child("full", whole);
        child("killed", killed);
        assertTrue(Files.exists(killed.resolve("checkpoints/last.safetensors")));
        assertFalse(Files.exists(killed.resolve("models/final.safetensors")), "the final model belongs to the end of the run");
        try (SafeTensors.Contents a = SafeTensors.load(whole.resolve("models/final.safetensors"));
             SafeTensors.Contents b = SafeTensors.load(killed.resolve("checkpoints/last.safetensors"))) {
            assertFalse(bitwiseEqual(a.tensors(), strip(b.tensors(), "model.")), "sanity: the killed run stopped early");
        }
        child("resume", killed);
        for (String f : List.of("models/final.safetensors", "models/ema.safetensors", "models/best.safetensors",
                "checkpoints/last.safetensors")) {
            try (SafeTensors.Contents a = SafeTensors.load(whole.resolve(f)); SafeTensors.Contents b = SafeTensors.load(killed.resolve(f))) {
                TrainerRunTest.assertBitwiseEqual(a.tensors(), b.tensors());
                assertEquals(a.metadata(), b.metadata(), f); // epochs done, best Dice and its epoch
            }
        }
        List<String> logWhole = Files.readAllLines(whole.resolve("logs/training.csv")), logKilled = Files.readAllLines(killed.resolve("logs/training.csv"));
        assertEquals(4, logKilled.size(), "header and 3 epochs, none repeated: " + logKilled);
        for (int i = 1; i < 4; i++) { // the same losses, Dice and lr; only the seconds differ
            String[] a = logWhole.get(i).split(","), b = logKilled.get(i).split(",", -1);
            assertArrayEquals(java.util.Arrays.copyOf(a, 4), java.util.Arrays.copyOf(b, 4), logWhole.get(i) + " vs " + logKilled.get(i));
        }
    }

    private static void child(String mode, Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                ResumeChild.class.getName(), mode, dir.toString()).redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "child '" + mode + "' failed:\n" + out);
    }

    private static Map<String, Tensor> strip(Map<String, Tensor> m, String prefix) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> { if (k.startsWith(prefix)) out.put(k.substring(prefix.length()), v); });
        return out;
    }

    static boolean bitwiseEqual(Map<String, Tensor> a, Map<String, Tensor> b) {
        try {
            TrainerRunTest.assertBitwiseEqual(a, b);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    @Test void resumeWithDifferentOptionsIsRefusedNamingBoth(@TempDir Path out) throws Exception {
        BatchSource src = new InMemoryBatchSource(cases, Synthetic.PATCH, 2, 21);
        TrainingOptions o = Synthetic.options(2, 1);
        try (DynamicUNet m = Synthetic.tinyUNet(); Trainer t = new Trainer(m, o, src, List.of(), out, null)) {
            t.fitUntil(1);
        }
        try (DynamicUNet m = Synthetic.tinyUNet(); Trainer t = new Trainer(m, o.withSeed(12), src, List.of(), out, null)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, t::resume);
            assertTrue(e.getMessage().contains("seed=11") && e.getMessage().contains("seed=12"), e.getMessage());
        }
    }
}
