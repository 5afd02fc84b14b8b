package org.voxelforge.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.voxelforge.data.synth.SynthDataset;
import org.voxelforge.data.synth.SynthOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes VoxelForge's built-in BraTS-like dataset: MIST's layout plus its dataset.json. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Generate a synthetic BraTS-like brain tumour dataset (t1, t1c, t2, flair and a seg with labels"
                + " 1 NCR, 2 ED, 3 ET) in MIST's layout, with its dataset.json.")
final class SynthCommand implements Callable<Integer> {
    @Option(names = "--output", required = true, description = "Folder to create the dataset in; must be empty or new unless --overwrite.")
    Path output;

    @Option(names = "--cases", defaultValue = "8", description = "Training cases (default: ${DEFAULT-VALUE}).")
    int cases;

    @Option(names = "--test-cases", defaultValue = "0", description = "Test cases, written to a separate test folder (default: ${DEFAULT-VALUE}).")
    int testCases;

    @Option(names = "--size", defaultValue = "64,64,48",
            description = "Approximate image shape in voxels as X,Y,Z; each case varies it by about 10%% (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed; the same seed writes identical files (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--overwrite", description = "Write into a non-empty folder, replacing its dataset.json and synth_NNNN case folders.")
    boolean overwrite;

    @Override public Integer call() throws IOException {
        if (cases < 1 || cases > SynthOptions.MAX_CASES) {
            throw new IllegalArgumentException("--cases must be in 1.." + SynthOptions.MAX_CASES + ", got " + cases);
        }
        if (testCases < 0 || testCases > SynthOptions.MAX_CASES) {
            throw new IllegalArgumentException("--test-cases must be in 0.." + SynthOptions.MAX_CASES + ", got " + testCases);
        }
        int[] shape = parseSize(size);
        if (!overwrite && !SynthDataset.isEmptyOrMissing(output)) {
            throw new IllegalArgumentException("output folder " + output + " is not empty; choose an empty or new folder,"
                    + " or pass --overwrite to replace its dataset");
        }
        long t0 = System.nanoTime();
        Path json = SynthDataset.write(output, new SynthOptions(cases, testCases, shape, seed), overwrite);
        System.out.printf("wrote %d training%s cases to %s in %.1f s%n", cases,
                testCases > 0 ? " and " + testCases + " test" : "", output, (System.nanoTime() - t0) / 1e9);
        System.out.println("dataset description: " + json);
        return 0;
    }

    static int[] parseSize(String text) {
        String[] parts = text.trim().split("\\s*[,x]\\s*");
        int[] s = new int[3];
        boolean ok = parts.length == 3;
        for (int i = 0; ok && i < 3; i++) {
            try {
                s[i] = Integer.parseInt(parts[i]);
                ok = s[i] >= SynthOptions.MIN_SIZE && s[i] <= SynthOptions.MAX_SIZE;
            } catch (NumberFormatException e) {
                ok = false;
            }
        }
        if (!ok) {
            throw new IllegalArgumentException("--size must be three sizes X,Y,Z, each in " + SynthOptions.MIN_SIZE + ".."
                    + SynthOptions.MAX_SIZE + " (like 64,64,48), got '" + text + "'");
        }
        return s;
    }
}
