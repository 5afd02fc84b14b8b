package org.voxelforge.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.voxelforge.data.analysis.AnalysisOptions;
import org.voxelforge.data.analysis.DatasetAnalyzer;
import org.voxelforge.data.dataset.DatasetDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** MIST's analysis: config.json, fg_bboxes.csv and train_paths.csv (with folds) in the results folder. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Analyze a dataset (headers, crop, target spacing, patch size, normalization, folds) and write config.json, fg_bboxes.csv and train_paths.csv.")
final class AnalyzeCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "MIST dataset.json.")
    Path data;

    @Option(names = "--results", required = true, description = "Results folder (created if absent).")
    Path results;

    @Option(names = "--max-patch-size", defaultValue = "256", description = "Largest patch edge (default: ${DEFAULT-VALUE}).")
    int maxPatchSize;

    @Option(names = "--nfolds", defaultValue = "5", description = "Number of cross-validation folds (default: ${DEFAULT-VALUE}).")
    int folds;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the fold split (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override public Integer call() throws Exception {
        if (maxPatchSize < 8) throw new IllegalArgumentException("--max-patch-size must be >= 8, got " + maxPatchSize);
        if (folds < 1) throw new IllegalArgumentException("--nfolds must be >= 1, got " + folds);
        DatasetDescription ds = DatasetDescription.load(data);
        AnalysisOptions opt = AnalysisOptions.defaults().withMaxPatchSize(maxPatchSize).withFolds(folds, seed, null);
        DatasetAnalyzer.Result r = DatasetAnalyzer.analyze(ds, results, opt, w -> System.err.println("warning: " + w));
        System.out.println("analyzed " + r.folds().size() + " cases (" + r.warnings().size() + " warnings); wrote "
                + results.resolve("config.json"));
        return 0;
    }
}
