package org.voxelforge.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The README's main command: the whole pipeline at a small scale on a synthetic BraTS-like
 * dataset made on the spot, as a user would type it: synth, run (analyze, preprocess, train one
 * fold, out-of-fold predict, evaluate), predict the test cases, evaluate them. It ends with the
 * results table and the mean whole-tumour Dice of the test cases; the exit code says whether
 * that reached {@code --min-dice}. {@code --engine} runs the older engine-only demo (a voxel
 * classifier trained with the autograd engine, seconds).
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the whole pipeline at a small scale on a synthetic BraTS-like dataset: synth, analyze, preprocess,"
                + " train (one fold), predict held-out and test cases as NIfTI, evaluate. About 5-10 minutes on 2 CPU cores."})
final class DemoCommand implements Callable<Integer> {
    static final String MARKER = ".voxelforge-demo";

    @Option(names = "--output", defaultValue = "voxelforge-demo", description = "Working folder; an earlier demo's folder is replaced (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--cases", defaultValue = "16", description = "Training cases (default: ${DEFAULT-VALUE}).")
    int cases;

    @Option(names = "--test-cases", defaultValue = "4", description = "Test cases (default: ${DEFAULT-VALUE}).")
    int testCases;

    @Option(names = "--size", defaultValue = "64,64,48", description = "Approximate image size X,Y,Z (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--epochs", defaultValue = "12", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--steps-per-epoch", defaultValue = "40", description = "Steps per epoch (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--features", defaultValue = "8,64", description = "U-Net base,max features (default: ${DEFAULT-VALUE}).")
    String features;

    @Option(names = "--lr", defaultValue = "3e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the data and the run (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--min-dice", defaultValue = "0.8", description = "Exit 1 when the test cases' mean whole-tumour Dice is below this (default: ${DEFAULT-VALUE}).")
    double minDice;

    @Option(names = "--engine", description = "Run the engine-only demo instead (voxel classifier on a phantom; seconds).")
    boolean engine;

    @Option(names = "--graph", description = "With --engine: print the autograd graph of the first training step.")
    boolean graph;

    @Override public Integer call() throws Exception {
        if (engine) {
            System.out.println("VoxelForge engine demo (CPU, " + org.voxelforge.core.Parallel.threads() + " threads)");
            double dice = new EngineDemo(32, 150, 16, 0.03, seed, System.out).run(graph);
            return dice >= minDice ? 0 : 1;
        }
        if (cases < 4) throw new IllegalArgumentException("--cases must be >= 4 (the demo makes 4 folds), got " + cases);
        if (testCases < 1) throw new IllegalArgumentException("--test-cases must be >= 1, got " + testCases);
        long t0 = System.nanoTime();
        prepareFolder();
        Path data = output.resolve("data"), results = output.resolve("results"), numpy = output.resolve("numpy");
        Path testPredictions = output.resolve("predictions-test");
        System.out.printf(Locale.ROOT, "VoxelForge demo: the whole pipeline on %d synthetic training and %d test cases (CPU, %d threads), in %s%n",
                cases, testCases, org.voxelforge.core.Parallel.threads(), output.toAbsolutePath());
        step("synth", "--output", data.toString(), "--cases", Integer.toString(cases), "--test-cases", Integer.toString(testCases),
                "--size", size, "--seed", Long.toString(seed));
        step("run", "--data", data.resolve("dataset.json").toString(), "--results", results.toString(), "--numpy", numpy.toString(),
                "--nfolds", "4", "--folds", "0", "--epochs", Integer.toString(epochs), "--steps-per-epoch", Integer.toString(steps),
                "--features", features, "--lr", Double.toString(lr), "--augmentation", "flips", "--validate-every", "3",
                "--seed-val", Long.toString(seed));
        step("predict", "--results", results.toString(), "--data", data.resolve("dataset.json").toString(), "--output",
                testPredictions.toString(), "--tta", "flips");
        Path testCsv = output.resolve("results-test.csv");
        step("evaluate", "--predictions", testPredictions.toString(), "--ground-truth", testMasks(data).toString(), "--final-classes",
                data.resolve("dataset.json").toString(), "--metrics", "dice,haus95,lesion_dice", "--output", testCsv.toString());
        double wt = meanOf(testCsv, "WT_dice");
        System.out.printf(Locale.ROOT, "%ndemo: test cases' mean whole-tumour (WT) Dice %.4f (target >= %.2f); predictions in %s;"
                + " total %.1f min%n", wt, minDice, testPredictions, (System.nanoTime() - t0) / 60e9);
        return wt >= minDice ? 0 : 1;
    }

    private static void step(String... args) {
        System.out.println("\n$ voxelforge " + String.join(" ", args));
        int code = Main.run(args);
        if (code != 0) throw new IllegalStateException("demo: 'voxelforge " + args[0] + "' failed with exit code " + code + " (see above)");
    }

    /** Replaces a folder an earlier demo made (it holds the marker); refuses any other non-empty folder. */
    private void prepareFolder() throws IOException {
        if (Files.isDirectory(output)) {
            boolean empty;
            try (Stream<Path> s = Files.list(output)) {
                empty = s.findAny().isEmpty();
            }
            if (!empty && !Files.exists(output.resolve(MARKER))) {
                throw new IllegalArgumentException("--output " + output + " is not empty and was not made by the demo; choose another folder");
            }
            try (Stream<Path> s = Files.walk(output)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) if (!p.equals(output)) Files.delete(p);
            }
        }
        Files.createDirectories(output);
        Files.writeString(output.resolve(MARKER), "made by 'voxelforge demo'; the next demo replaces this folder\n");
    }

    /** The test cases' masks as an id,mask CSV (the synthetic test set has labels). */
    private static Path testMasks(Path data) throws IOException {
        Path test = data.resolve("test");
        List<String> rows = new ArrayList<>(List.of("id,mask"));
        try (Stream<Path> s = Files.list(test)) {
            for (Path c : s.sorted().toList()) {
                String id = c.getFileName().toString();
                Path seg = c.resolve(id + "_seg.nii.gz");
                if (Files.isRegularFile(seg)) rows.add(id + "," + seg.toAbsolutePath());
            }
        }
        if (rows.size() == 1) throw new IllegalStateException("demo: the synthetic test cases in " + test + " have no masks");
        Path csv = data.resolve("test_masks.csv");
        Files.write(csv, rows);
        return csv;
    }

    /** The Mean row's value in a results.csv column. */
    static double meanOf(Path csv, String column) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        int c = List.of(lines.get(0).split(",")).indexOf(column);
        if (c < 0) throw new IllegalStateException(csv + " has no column " + column);
        for (String l : lines) if (l.startsWith("Mean,")) return Double.parseDouble(l.split(",", -1)[c]);
        throw new IllegalStateException(csv + " has no Mean row");
    }
}
