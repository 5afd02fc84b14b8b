package org.voxelforge.train.pipeline;

import java.nio.file.Path;

/** Where a run's files live under its results folder (MIST's layout, with one folder per fold). */
public record ResultsLayout(Path results) {
    public Path modelsDir() { return results.resolve("models"); }

    public Path modelConfig() { return modelsDir().resolve(ModelConfig.FILE); }

    public Path foldDir(int fold) { return results.resolve("folds").resolve("fold_" + fold); }

    /** A fold's weights: {@code which} is best, final, ema or swa. */
    public Path weights(int fold, String which) { return foldDir(fold).resolve("models").resolve(which + ".safetensors"); }

    public Path outOfFoldPredictions() { return results.resolve("predictions").resolve("train").resolve("raw"); }

    public Path resultsCsv() { return results.resolve("results.csv"); }
}
