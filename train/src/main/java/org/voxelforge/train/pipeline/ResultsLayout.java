package org.voxelforge.train.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.voxelforge.data.dataset.CsvConverter;

/** Where a run's files live under its results folder (MIST's layout, with one folder per fold). */
public record ResultsLayout(Path results) {
    public Path modelsDir() { return results.resolve("models"); }

    public Path modelConfig() { return modelsDir().resolve(ModelConfig.FILE); }

    public Path foldDir(int fold) { return results.resolve("folds").resolve("fold_" + fold); }

    /** A fold's weights: {@code which} is best, final, ema or swa. */
    public Path weights(int fold, String which) { return foldDir(fold).resolve("models").resolve(which + ".safetensors"); }

    public Path outOfFoldPredictions() { return results.resolve("predictions").resolve("train").resolve("raw"); }

    public Path resultsCsv() { return results.resolve("results.csv"); }

    /** Case id -> fold from {@code train_paths.csv} (columns id, fold, ...). */
    public static Map<String, Integer> readFolds(Path csv) throws IOException {
        if (!Files.isRegularFile(csv)) {
            throw new IllegalArgumentException(csv + " does not exist; run 'voxelforge analyze' first");
        }
        List<String> lines = Files.readAllLines(csv).stream().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty() || !CsvConverter.split(lines.get(0)).subList(0, 2).equals(List.of("id", "fold"))) {
            throw new IllegalArgumentException(csv + ": expected a header starting with id,fold; run 'voxelforge analyze' again");
        }
        Map<String, Integer> folds = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> row = CsvConverter.split(line);
            try {
                folds.put(row.get(0), Integer.parseInt(row.get(1).trim()));
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                throw new IllegalArgumentException(csv + ": line '" + line + "' has no integer fold in its second column");
            }
        }
        return folds;
    }
}
