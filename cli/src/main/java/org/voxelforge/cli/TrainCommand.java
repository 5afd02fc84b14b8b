package org.voxelforge.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.voxelforge.data.analysis.AnalysisConfig;
import org.voxelforge.train.pipeline.CrossValidation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** MIST's training stage: k-fold cross-validation on the preprocessed arrays. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a model per fold on the preprocessed data (patches with foreground oversampling, augmentation,"
                + " background loading), validating on whole held-out volumes; keeps the best and the final model, checkpoints"
                + " every epoch (--resume continues bit for bit), writes logs/training.csv and logs/progress.png per fold,"
                + " then predicts each fold's held-out cases into <results>/predictions/train/raw."})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--results", required = true, description = "Results folder of 'analyze' (models and logs are written there).")
    Path results;

    @Option(names = "--numpy", required = true, description = "Folder of 'preprocess'.")
    Path numpy;

    @Option(names = "--no-predict", description = "Do not predict the held-out cases after training.")
    boolean noPredict;

    @Option(names = "--augment-on", defaultValue = "loader", description = "Where patches are augmented: loader (CPU loader threads)"
            + " or device (the model's device, after the copy; needs --device cuda or emulator) (default: ${DEFAULT-VALUE}).")
    String augmentOn;

    @Mixin TrainingFlags flags;

    @Override public Integer call() throws Exception {
        Path cfg = results.resolve("config.json");
        if (!Files.isRegularFile(cfg)) throw new IllegalArgumentException(cfg + " does not exist; run 'voxelforge analyze --results " + results + "' first");
        Map<Integer, Double> scores = train(flags, results, numpy, AnalysisConfig.read(cfg), !noPredict, augmentOn);
        return scores.isEmpty() ? 1 : 0;
    }

    static Map<Integer, Double> train(TrainingFlags flags, Path results, Path numpy, AnalysisConfig cfg, boolean predict) throws Exception {
        return train(flags, results, numpy, cfg, predict, "loader");
    }

    static Map<Integer, Double> train(TrainingFlags flags, Path results, Path numpy, AnalysisConfig cfg, boolean predict, String augmentOn)
            throws Exception {
        long t0 = System.nanoTime();
        CrossValidation cv = new CrossValidation(flags.request(results, numpy, cfg, predict).withAugmentOn(augmentOn), System.out);
        System.out.printf(Locale.ROOT, "model: %d stages, patch %s, features %d..%d, %s outputs %d%n", cv.modelConfig().strides().length,
                java.util.Arrays.toString(cv.modelConfig().patchSize()), cv.modelConfig().baseFeatures(), cv.modelConfig().maxFeatures(),
                cv.modelConfig().activation().name().toLowerCase(Locale.ROOT), cv.modelConfig().outChannels());
        Map<Integer, Double> scores = cv.run();
        System.out.printf(Locale.ROOT, "trained folds %s in %.1f s%n", scores.keySet(), (System.nanoTime() - t0) * 1e-9);
        return scores;
    }
}
