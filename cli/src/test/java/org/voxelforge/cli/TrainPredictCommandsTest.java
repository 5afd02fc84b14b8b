package org.voxelforge.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.core.Tensor;
import org.voxelforge.data.nifti.NiftiImage;
import org.voxelforge.data.nifti.NiftiReader;
import org.voxelforge.nn.io.SafeTensors;

/**
 * train / predict / run through the CLI on a tiny synthetic dataset: the files each writes,
 * resume after an interrupted run (bitwise the same final weights), region training, and
 * bad inputs with their messages. Sizes are tiny so that the class runs in well under a minute;
 * whether training learns is the demo's job (README), not this test's.
 */
class TrainPredictCommandsTest {
    @TempDir static Path tmp;
    static Path data, results, numpy;

    /** Tiny training: 2 folds of 4 cases, 2 epochs of 2 steps, 4..16 features. */
    static final List<String> TINY = List.of("--epochs", "2", "--steps-per-epoch", "2", "--features", "4,16", "--augmentation", "flips",
            "--num-workers", "2");

    @BeforeAll static void prepare() throws Exception {
        data = tmp.resolve("data");
        results = tmp.resolve("results");
        numpy = tmp.resolve("numpy");
        CliRun s = CliRun.run("synth", "--output", data.toString(), "--cases", "4", "--test-cases", "1", "--size", "24,24,20", "--seed", "5");
        assertEquals(0, s.code(), s.err());
        CliRun r = CliRun.run(args(List.of("run", "--data", data.resolve("dataset.json").toString(), "--results", results.toString(),
                "--numpy", numpy.toString(), "--nfolds", "2", "--folds", "0"), TINY));
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("[4/4] evaluate") && r.out().contains("WT_dice"), r.out());
    }

    static String[] args(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all.toArray(String[]::new);
    }

    @Test void runWritesModelsLogsPredictionsAndResults() throws Exception {
        Path fold = results.resolve("folds/fold_0");
        for (String f : List.of("models/best.safetensors", "models/final.safetensors", "checkpoints/last.safetensors", "logs/training.csv",
                "logs/progress.png")) {
            assertTrue(Files.isRegularFile(fold.resolve(f)), f);
        }
        assertTrue(Files.isRegularFile(results.resolve("models/model_config.json")));
        List<String> log = Files.readAllLines(fold.resolve("logs/training.csv"));
        assertEquals(3, log.size(), String.join("\n", log)); // header + 2 epochs
        List<String> csv = Files.readAllLines(results.resolve("results.csv"));
        assertTrue(csv.get(0).startsWith("id,WT_dice"), csv.get(0));
        assertTrue(csv.stream().anyMatch(l -> l.startsWith("Mean,")), String.join("\n", csv));
        // every out-of-fold prediction is on its case's original grid
        try (var files = Files.list(results.resolve("predictions/train/raw"))) {
            List<Path> preds = files.toList();
            assertFalse(preds.isEmpty());
            for (Path p : preds) {
                String id = p.getFileName().toString().replace(".nii.gz", "");
                NiftiImage pred = NiftiReader.read(p), seg = NiftiReader.read(data.resolve("train/" + id + "/" + id + "_seg.nii.gz"));
                assertArrayEquals(seg.data().dims(), pred.data().dims(), id);
                pred.data().close();
                seg.data().close();
            }
        }
    }

    @Test void predictWritesTestCasesWithTta() throws Exception {
        Path out = tmp.resolve("pred");
        CliRun p = CliRun.run("predict", "--results", results.toString(), "--data", data.resolve("dataset.json").toString(), "--output",
                out.toString(), "--tta", "flips", "--probabilities");
        assertEquals(0, p.code(), p.out() + p.err());
        assertTrue(p.out().contains("wrote 1 predictions"), p.out());
        try (var files = Files.list(out)) {
            assertEquals(1, files.filter(f -> f.toString().endsWith(".nii.gz")).count());
        }
        // probabilities on the original grid: [X, Y, Z, K], each voxel's softmax summing to 1
        Path label;
        try (var files = Files.list(out)) {
            label = files.filter(f -> f.toString().endsWith(".nii.gz")).findFirst().orElseThrow();
        }
        try (NiftiImage lab = NiftiReader.read(label);
             NiftiImage prob = NiftiReader.read(out.resolve("probabilities").resolve(label.getFileName()))) {
            int[] d = lab.data().dims(), pd = prob.data().dims();
            assertArrayEquals(new int[] {d[0], d[1], d[2], 4}, pd);
            float[] v = prob.data().contiguous().toFloatArray();
            for (int i = 0; i < v.length / 4; i++) {
                double sum = v[4 * i] + v[4 * i + 1] + v[4 * i + 2] + v[4 * i + 3];
                assertEquals(1.0, sum, 1e-3, "voxel " + i);
            }
        }
    }

    @Test void resumeAfterAnInterruptionGivesTheSameModel() throws Exception {
        Path a = copyAnalysis("resume-a"), b = copyAnalysis("resume-b");
        List<String> common = List.of("train", "--numpy", numpy.toString(), "--folds", "0", "--no-predict", "--epochs", "3",
                "--steps-per-epoch", "2", "--features", "4,16", "--augmentation", "flips", "--validate-every", "0");
        CliRun full = CliRun.run(args(common, List.of("--results", a.toString())));
        assertEquals(0, full.code(), full.out() + full.err());
        CliRun first = CliRun.run(args(common, List.of("--results", b.toString(), "--stop-after", "1")));
        assertEquals(0, first.code(), first.out() + first.err());
        assertTrue(first.out().contains("stopped after epoch 1 of 3"), first.out());
        assertFalse(Files.exists(b.resolve("folds/fold_0/models/final.safetensors")));

        CliRun again = CliRun.run(args(common, List.of("--results", b.toString())));
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already holds a training run") && again.err().contains("--resume"), again.err());

        CliRun resumed = CliRun.run(args(common, List.of("--results", b.toString(), "--resume")));
        assertEquals(0, resumed.code(), resumed.out() + resumed.err());
        assertTrue(resumed.out().contains("resumed after epoch 1 of 3"), resumed.out());
        assertSameTensors(a.resolve("folds/fold_0/models/final.safetensors"), b.resolve("folds/fold_0/models/final.safetensors"));
        assertEquals(Files.readAllLines(a.resolve("folds/fold_0/logs/training.csv")).stream().map(TrainPredictCommandsTest::withoutSeconds).toList(),
                Files.readAllLines(b.resolve("folds/fold_0/logs/training.csv")).stream().map(TrainPredictCommandsTest::withoutSeconds).toList());
    }

    @Test void regionTrainingPredictsWithThresholds() throws Exception {
        Path r = copyAnalysis("regions");
        CliRun t = CliRun.run(args(List.of("train", "--results", r.toString(), "--numpy", numpy.toString(), "--folds", "1", "--regions",
                "--loss", "region_dice_bce"), TINY));
        assertEquals(0, t.code(), t.out() + t.err());
        assertTrue(t.out().contains("sigmoid outputs 3"), t.out());
        String cfg = Files.readString(r.resolve("models/model_config.json"));
        assertTrue(cfg.contains("\"thresholds\"") && cfg.contains("0.45") && cfg.contains("\"WT\""), cfg);
        CliRun p = CliRun.run("predict", "--results", r.toString(), "--data", data.resolve("dataset.json").toString(), "--output",
                r.resolve("pred").toString(), "--thresholds", "0.5,0.5,0.5");
        assertEquals(0, p.code(), p.out() + p.err());
        CliRun bad = CliRun.run("predict", "--results", r.toString(), "--data", data.resolve("dataset.json").toString(), "--output",
                r.resolve("pred2").toString(), "--thresholds", "0.5");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("thresholds") && bad.err().contains("3 values"), bad.err());
    }

    @Test void transferLearningKeepsFrozenWeightsAndEmaIsPredictable() throws Exception {
        Path r = copyAnalysis("transfer");
        Path pretrained = results.resolve("folds/fold_0/models/final.safetensors");
        CliRun t = CliRun.run(args(List.of("train", "--results", r.toString(), "--numpy", numpy.toString(), "--folds", "1", "--no-predict",
                "--pretrained", pretrained.toString(), "--freeze", "encoder.**", "--ema", "0.9"), TINY));
        assertEquals(0, t.code(), t.out() + t.err());
        assertTrue(t.out().matches("(?s).*froze \\d+ parameters matching encoder\\.\\*\\*.*"), t.out());
        try (SafeTensors.Contents before = SafeTensors.load(pretrained);
             SafeTensors.Contents after = SafeTensors.load(r.resolve("folds/fold_1/models/final.safetensors"))) {
            boolean decoderMoved = false;
            for (String k : before.tensors().keySet()) {
                float[] a = before.tensors().get(k).toFloatArray(), b = after.tensors().get(k).toFloatArray();
                if (k.startsWith("encoder.")) assertArrayEquals(a, b, k + " is frozen");
                else decoderMoved |= !java.util.Arrays.equals(a, b);
            }
            assertTrue(decoderMoved, "the unfrozen decoder trains");
        }
        CliRun p = CliRun.run("predict", "--results", r.toString(), "--data", data.resolve("dataset.json").toString(), "--output",
                r.resolve("pred").toString(), "--checkpoint", "ema");
        assertEquals(0, p.code(), p.out() + p.err());

        CliRun glob = CliRun.run(args(List.of("train", "--results", copyAnalysis("badglob").toString(), "--numpy", numpy.toString(), "--folds",
                "1", "--freeze", "nothing.*"), TINY));
        assertEquals(2, glob.code());
        assertTrue(glob.err().contains("--freeze: no parameter name matches 'nothing.*'"), glob.err());
        CliRun swa = CliRun.run("predict", "--results", r.toString(), "--data", data.resolve("dataset.json").toString(), "--output",
                r.resolve("pred2").toString(), "--checkpoint", "swa");
        assertEquals(2, swa.code());
        assertTrue(swa.err().contains("no swa weights") && swa.err().contains("--swa"), swa.err());
    }

    /**
     * The CUDA backend through the CLI, on the emulator: a fold trained (one step, bf16 autocast) and a case
     * predicted with --device emulator; without a GPU --device cuda stops before any work, saying why.
     */
    @Test void trainAndPredictOnTheEmulatedDevice() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.voxelforge.core.cuda.EmulatedKernels.availability().available(),
                () -> "kernel emulator unavailable: " + org.voxelforge.core.cuda.EmulatedKernels.availability().reason());
        Path r = copyAnalysis("emulated");
        CliRun t = CliRun.run("train", "--results", r.toString(), "--numpy", numpy.toString(), "--folds", "0", "--no-predict", "--epochs", "1",
                "--steps-per-epoch", "1", "--features", "4,16", "--augmentation", "none", "--validate-every", "0", "--device", "emulator",
                "--precision", "bf16");
        assertEquals(0, t.code(), t.out() + t.err());
        assertTrue(Files.isRegularFile(r.resolve("folds/fold_0/models/final.safetensors")), t.out());
        Path out = tmp.resolve("emulated-predictions");
        CliRun p = CliRun.run("predict", "--results", r.toString(), "--data", data.resolve("dataset.json").toString(), "--output",
                out.toString(), "--checkpoint", "final", "--sw-overlap", "0", "--device", "emulator");
        assertEquals(0, p.code(), p.out() + p.err());
        try (var files = Files.list(out)) {
            assertEquals(1, files.filter(f -> f.toString().endsWith(".nii.gz")).count(), p.out());
        }
        if (!org.voxelforge.core.cuda.CudaRuntime.isAvailable()) {
            CliRun gpu = CliRun.run("train", "--results", copyAnalysis("gpu").toString(), "--numpy", numpy.toString(), "--folds", "0",
                    "--device", "cuda");
            assertEquals(2, gpu.code(), gpu.out() + gpu.err());
            assertTrue(gpu.err().contains("--device cuda") && gpu.err().contains("--device cpu"), gpu.err());
        }
    }

    @Test void badInputsNameTheProblem() throws Exception {
        CliRun noNumpy = CliRun.run("train", "--results", results.toString(), "--numpy", tmp.resolve("nowhere").toString());
        assertEquals(2, noNumpy.code());
        assertTrue(noNumpy.err().contains("nowhere") && noNumpy.err().contains("preprocess"), noNumpy.err());

        CliRun fold = CliRun.run("train", "--results", results.toString(), "--numpy", numpy.toString(), "--folds", "7");
        assertEquals(2, fold.code());
        assertTrue(fold.err().contains("fold 7") && fold.err().contains("0..1"), fold.err());

        CliRun loss = CliRun.run("train", "--results", results.toString(), "--numpy", numpy.toString(), "--regions", "--loss", "ce");
        assertEquals(2, loss.code());
        assertTrue(loss.err().contains("region_dice_bce"), loss.err());

        CliRun tta = CliRun.run("predict", "--results", results.toString(), "--data", data.resolve("dataset.json").toString(), "--output",
                tmp.resolve("x").toString(), "--tta", "sideways");
        assertEquals(2, tta.code());
        assertTrue(tta.err().contains("--tta") && tta.err().contains("brats16"), tta.err());

        CliRun noModels = CliRun.run("predict", "--results", tmp.resolve("empty").toString(), "--data", data.resolve("dataset.json").toString(),
                "--output", tmp.resolve("y").toString());
        assertEquals(2, noModels.code());
        assertTrue(noModels.err().contains("model_config.json"), noModels.err());

        Path csv = tmp.resolve("cases.csv");
        Files.writeString(csv, "id,t1\nx,missing.nii.gz\n");
        CliRun cols = CliRun.run("predict", "--results", results.toString(), "--data", csv.toString(), "--output", tmp.resolve("z").toString());
        assertEquals(2, cols.code());
        assertTrue(cols.err().contains("t1c") && cols.err().contains("columns"), cols.err());
        assertFalse(Files.exists(tmp.resolve("z")), "no output folder for a run that could not start");

        Path missing = tmp.resolve("missing.csv");
        Files.writeString(missing, "id,t1,t1c,t2,flair\nx,a.nii.gz,b.nii.gz,c.nii.gz,d.nii.gz\n");
        CliRun file = CliRun.run("predict", "--results", results.toString(), "--data", missing.toString(), "--output", tmp.resolve("w").toString());
        assertEquals(1, file.code());
        assertTrue(file.out().contains("case x failed") && file.out().contains("a.nii.gz"), file.out());
        try (var files = Files.list(tmp.resolve("w"))) {
            assertEquals(0, files.count(), "a failed case leaves no file");
        }
    }

    /** A new results folder with the shared analysis (config.json, train_paths.csv). */
    private static Path copyAnalysis(String name) throws Exception {
        Path r = Files.createDirectories(tmp.resolve(name));
        for (String f : List.of("config.json", "train_paths.csv")) Files.copy(results.resolve(f), r.resolve(f));
        return r;
    }

    private static String withoutSeconds(String csvLine) { return csvLine.substring(0, csvLine.lastIndexOf(',')); }

    private static void assertSameTensors(Path x, Path y) throws Exception {
        try (SafeTensors.Contents a = SafeTensors.load(x); SafeTensors.Contents b = SafeTensors.load(y)) {
            Map<String, Tensor> ta = a.tensors(), tb = b.tensors();
            assertEquals(ta.keySet(), tb.keySet());
            for (String k : ta.keySet()) {
                assertArrayEquals(ta.get(k).toFloatArray(), tb.get(k).toFloatArray(), k);
            }
        }
    }
}
