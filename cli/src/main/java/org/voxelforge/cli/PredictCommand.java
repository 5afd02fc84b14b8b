package org.voxelforge.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.voxelforge.train.inference.TestTimeAugmentation;
import org.voxelforge.train.pipeline.BatchPrediction;
import org.voxelforge.train.pipeline.PredictionCases;
import org.voxelforge.train.pipeline.ResultsPredictor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** MIST's inference: a trained results folder applied to new cases, predictions in their original space. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predict cases with the models of a results folder: preprocessing as in training, sliding windows"
                + " (Gaussian weighting), optional test-time augmentation, mean over folds, labels by argmax or region"
                + " thresholds, mapped back to each case's original grid and header as <output>/<id>.nii.gz."})
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--results", required = true, description = "Results folder written by 'train'.")
    Path results;

    @Option(names = "--data", required = true, description = "A dataset.json (its test-data cases) or a CSV with columns id and one per modality.")
    Path data;

    @Option(names = "--output", required = true, description = "Folder for the <id>.nii.gz predictions.")
    Path output;

    @Option(names = "--folds", split = ",", description = "Folds whose models to average (default: every trained fold).")
    List<Integer> folds;

    @Option(names = "--checkpoint", defaultValue = "best", description = "Weights per fold: best, final, ema or swa (default: ${DEFAULT-VALUE}).")
    String checkpoint;

    @Option(names = "--tta", defaultValue = "none", description = "Test-time augmentation: none, flips (8) or brats16 (16) (default: ${DEFAULT-VALUE}).")
    String tta;

    @Option(names = "--sw-overlap", defaultValue = "0.5", description = "Sliding-window overlap (default: ${DEFAULT-VALUE}).")
    double overlap;

    @Option(names = "--sw-batch-size", defaultValue = "1", description = "Windows per forward pass (default: ${DEFAULT-VALUE}).")
    int swBatch;

    @Option(names = "--thresholds", split = ",", description = "Region thresholds for region (sigmoid) models, e.g. 0.45,0.4,0.45 for WT,TC,ET.")
    double[] thresholds;

    @Option(names = "--probabilities", description = "Also write <output>/probabilities/<id>.nii.gz (float32 [X, Y, Z, K] on the original grid, one volume per output channel).")
    boolean probabilities;

    @Option(names = "--device", defaultValue = "cpu", description = DeviceFlag.DESCRIPTION)
    String device;

    @Option(names = "--precision", defaultValue = "fp32", description = "fp32, or bf16: the models' convolutions on bf16-rounded inputs with float32 accumulation, as bf16 training (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--channels-last", description = DeviceFlag.CHANNELS_LAST)
    boolean channelsLast;

    @Option(names = "--train-cases", description = "With a dataset.json: predict its training cases instead of its test cases.")
    boolean trainCases;

    @Override public Integer call() throws Exception {
        ResultsPredictor.Options o = ResultsPredictor.Options.defaults().withFolds(folds == null ? List.of() : folds)
                .withCheckpoint(checkpoint).withTta(parseTta(tta)).withOverlap(overlap).withBatchSize(swBatch).withThresholds(thresholds)
                .withDevice(DeviceFlag.parse(device)).withMemoryFormat(DeviceFlag.memoryFormat(channelsLast))
                .withBf16(TrainingFlags.bf16(precision));
        try (ResultsPredictor p = ResultsPredictor.open(results, o)) {
            List<PredictionCases.Case> cases = PredictionCases.read(data, p.modelConfig().modalities(), trainCases);
            System.out.printf(Locale.ROOT, "predicting %d cases with %d model(s), TTA %s%n", cases.size(), p.weightFiles().size(),
                    o.tta().name().toLowerCase(Locale.ROOT));
            BatchPrediction.Report r = BatchPrediction.run(p, cases, output, probabilities, System.out);
            System.out.printf(Locale.ROOT, "wrote %d predictions to %s in %.1f s%s%n", r.written().size(), output, r.seconds(),
                    r.failures().isEmpty() ? "" : "; " + r.failures().size() + " failed: " + r.failures().keySet());
            return r.exitCode();
        }
    }

    static TestTimeAugmentation parseTta(String s) {
        try {
            return TestTimeAugmentation.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--tta: " + e.getMessage());
        }
    }
}
