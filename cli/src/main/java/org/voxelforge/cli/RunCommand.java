package org.voxelforge.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.voxelforge.data.analysis.AnalysisConfig;
import org.voxelforge.data.analysis.AnalysisOptions;
import org.voxelforge.data.analysis.DatasetAnalyzer;
import org.voxelforge.data.dataset.DatasetDescription;
import org.voxelforge.data.preprocess.PreprocessOptions;
import org.voxelforge.data.preprocess.PreprocessReport;
import org.voxelforge.data.preprocess.Preprocessor;
import org.voxelforge.train.metrics.Evaluator;
import org.voxelforge.train.metrics.FinalClass;
import org.voxelforge.train.metrics.ResultsTable;
import org.voxelforge.train.pipeline.ResultsLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** MIST's whole pipeline in one command: analyze, preprocess, train, out-of-fold predict, evaluate. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Analyze, preprocess, train with cross-validation, predict each fold's held-out cases and evaluate them into <results>/results.csv.")
final class RunCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "MIST dataset.json.")
    Path data;

    @Option(names = "--results", required = true, description = "Results folder (created if absent).")
    Path results;

    @Option(names = "--numpy", required = true, description = "Folder for the preprocessed arrays.")
    Path numpy;

    @Option(names = "--nfolds", defaultValue = "5", description = "Cross-validation folds (default: ${DEFAULT-VALUE}).")
    int nfolds;

    @Option(names = "--max-patch-size", defaultValue = "256", description = "Largest patch edge the analysis may plan (default: ${DEFAULT-VALUE}).")
    int maxPatchSize;

    @Option(names = "--metrics", defaultValue = "dice,haus95", split = ",", description = "Evaluation metrics (see 'evaluate --help') (default: ${DEFAULT-VALUE}).")
    List<String> metrics;

    @Mixin TrainingFlags flags;

    @Override public Integer call() throws Exception {
        return run(data, results, numpy, nfolds, maxPatchSize, metrics, flags);
    }

    static int run(Path data, Path results, Path numpy, int nfolds, int maxPatchSize, List<String> metrics, TrainingFlags flags) throws Exception {
        long t0 = System.nanoTime();
        if (nfolds < 2) throw new IllegalArgumentException("--nfolds must be >= 2 for cross-validation, got " + nfolds);
        List<org.voxelforge.train.metrics.Metric> ms = EvaluateCommand.parseMetrics(metrics);
        DatasetDescription ds = DatasetDescription.load(data);
        System.out.println("[1/4] analyze " + data);
        DatasetAnalyzer.Result a = DatasetAnalyzer.analyze(ds, results,
                AnalysisOptions.defaults().withMaxPatchSize(maxPatchSize).withFolds(nfolds, flags.seed, null),
                w -> System.err.println("warning: " + w));
        AnalysisConfig cfg = a.config();
        System.out.printf(Locale.ROOT, "      %d cases, target spacing %s, patch %s%n", a.folds().size(),
                java.util.Arrays.toString(cfg.targetSpacing()), java.util.Arrays.toString(cfg.patchSize()));
        System.out.println("[2/4] preprocess into " + numpy);
        PreprocessReport pr = Preprocessor.run(results, numpy, PreprocessOptions.defaults());
        System.out.println("      " + pr.summary());
        if (pr.exitCode() != 0) throw new IllegalStateException("preprocessing failed for " + pr.failures().keySet() + "; fix those cases first");
        System.out.println("[3/4] train");
        TrainCommand.train(flags, results, numpy, cfg, true);
        System.out.println("[4/4] evaluate out-of-fold predictions");
        ResultsLayout layout = new ResultsLayout(results);
        Map<String, Path> gts = new LinkedHashMap<>();
        for (Preprocessor.Job j : Preprocessor.readTrainPaths(results.resolve("train_paths.csv"), cfg)) {
            if (Files.isRegularFile(layout.outOfFoldPredictions().resolve(j.id() + ".nii.gz"))) gts.put(j.id(), j.mask());
        }
        if (gts.isEmpty()) throw new IllegalStateException("no out-of-fold predictions in " + layout.outOfFoldPredictions());
        List<FinalClass> classes = FinalClass.fromJson(new LinkedHashMap<>(cfg.finalClasses()));
        ResultsTable t = Evaluator.evaluate(layout.outOfFoldPredictions(), gts, new Evaluator.Options(classes, ms, 1.0));
        t.write(layout.resultsCsv());
        System.out.println(t.render());
        System.out.printf(Locale.ROOT, "wrote %s and %d predictions under %s (total %.1f s)%n", layout.resultsCsv(), gts.size(),
                layout.outOfFoldPredictions(), (System.nanoTime() - t0) * 1e-9);
        return 0;
    }
}
