package org.voxelforge.train.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.voxelforge.core.Device;
import org.voxelforge.core.MemoryFormat;
import org.voxelforge.core.Tensor;
import org.voxelforge.data.analysis.AnalysisConfig;
import org.voxelforge.data.preprocess.IntensityMode;
import org.voxelforge.data.preprocess.PreprocessOptions;
import org.voxelforge.train.inference.CasePrediction;
import org.voxelforge.train.inference.Prediction;
import org.voxelforge.train.inference.Predictor;
import org.voxelforge.train.inference.SlidingWindow;
import org.voxelforge.train.inference.TestTimeAugmentation;

/**
 * Inference from a trained results folder: the model config, the analysis config and one
 * weights file per fold, averaged. What embedding programs use:
 * <pre>{@code
 * try (ResultsPredictor p = ResultsPredictor.open(results, ResultsPredictor.Options.defaults())) {
 *     try (CasePrediction c = p.predictCase("case1", List.of(t1, t1c, t2, flair), false)) {
 *         c.writeNifti(out.resolve("case1.nii.gz"));
 *     }
 * }
 * }</pre>
 */
public final class ResultsPredictor implements AutoCloseable {
    public static final List<String> CHECKPOINTS = List.of("best", "final", "ema", "swa");

    /**
     * @param folds      folds to average; empty = every fold that has the weights
     * @param checkpoint which weights of a fold: best (falls back to final when a fold has no
     *                   best model), final, ema or swa
     * @param thresholds region thresholds for sigmoid models, or null for the trained defaults
     * @param memoryFormat the layout the models compute in ({@code --channels-last}: CHANNELS_LAST, on a CUDA device)
     * @param bf16       the forward passes under bf16 autocast ({@code --precision bf16})
     */
    public record Options(List<Integer> folds, String checkpoint, TestTimeAugmentation tta, double overlap, int batchSize,
                          double[] thresholds, Device device, MemoryFormat memoryFormat, boolean bf16) {
        public Options {
            if (!CHECKPOINTS.contains(checkpoint)) {
                throw new IllegalArgumentException("--checkpoint: unknown '" + checkpoint + "'; expected one of " + CHECKPOINTS);
            }
            if (!(overlap >= 0 && overlap < 1)) throw new IllegalArgumentException("--overlap must be in [0, 1), got " + overlap);
            if (batchSize < 1) throw new IllegalArgumentException("--sw-batch-size must be >= 1, got " + batchSize);
            folds = List.copyOf(folds);
            MemoryFormats.check(memoryFormat, device);
        }

        /** All folds, best models, no TTA, overlap 0.5, one window per call. */
        public static Options defaults() { return new Options(List.of(), "best", TestTimeAugmentation.NONE, 0.5, 1, null, Device.CPU, MemoryFormat.CONTIGUOUS, false); }

        public Options withFolds(List<Integer> f) { return new Options(f, checkpoint, tta, overlap, batchSize, thresholds, device, memoryFormat, bf16); }
        public Options withCheckpoint(String c) { return new Options(folds, c, tta, overlap, batchSize, thresholds, device, memoryFormat, bf16); }
        public Options withTta(TestTimeAugmentation t) { return new Options(folds, checkpoint, t, overlap, batchSize, thresholds, device, memoryFormat, bf16); }
        public Options withOverlap(double v) { return new Options(folds, checkpoint, tta, v, batchSize, thresholds, device, memoryFormat, bf16); }
        public Options withBatchSize(int v) { return new Options(folds, checkpoint, tta, overlap, v, thresholds, device, memoryFormat, bf16); }
        public Options withThresholds(double[] t) { return new Options(folds, checkpoint, tta, overlap, batchSize, t, device, memoryFormat, bf16); }
        /** Where the models run (windows go there and probabilities come back). */
        public Options withDevice(Device d) { return new Options(folds, checkpoint, tta, overlap, batchSize, thresholds, d, memoryFormat, bf16); }
        /** The layout the models compute in (CHANNELS_LAST needs a CUDA-backend device). */
        public Options withMemoryFormat(MemoryFormat f) { return new Options(folds, checkpoint, tta, overlap, batchSize, thresholds, device, f, bf16); }
        /** bf16 autocast for the models' forward passes. */
        public Options withBf16(boolean on) { return new Options(folds, checkpoint, tta, overlap, batchSize, thresholds, device, memoryFormat, on); }
    }

    private final ModelConfig model;
    private final AnalysisConfig analysis;
    private final PreprocessOptions preprocess;
    private final Predictor predictor;
    private final List<Path> weights;

    private ResultsPredictor(ModelConfig model, AnalysisConfig analysis, List<Path> weights, Options o) throws IOException {
        this.model = o.thresholds() == null ? model : model.withThresholds(o.thresholds());
        this.analysis = analysis;
        this.weights = List.copyOf(weights);
        IntensityMode mode = IntensityMode.valueOf(this.model.intensity().toUpperCase(Locale.ROOT));
        if (mode == IntensityMode.HISTOGRAM_MATCH) {
            throw new IllegalArgumentException("predict: the model was trained on histogram-matched data; predicting needs the same"
                    + " reference images (use the Java API: Predictor.predictCase with PreprocessOptions.withIntensity)");
        }
        this.preprocess = PreprocessOptions.defaults().withIntensity(mode, java.util.Map.of());
        Predictor.Options po = Predictor.Options.of(this.model.patchSize()).withActivation(this.model.activation()).withTta(o.tta())
                .withWindow(SlidingWindow.Options.of(this.model.patchSize()).withOverlap(o.overlap()).withBatchSize(o.batchSize()))
                .withReconstruction(this.model.reconstruction()).withBf16(o.bf16());
        this.predictor = Predictor.fromWeights(weights, () -> this.model.newModel().to(o.device()).inputFormat(o.memoryFormat()), po);
    }

    /** Opens {@code results} ({@code config.json}, {@code models/model_config.json}, the folds' weights). */
    public static ResultsPredictor open(Path results, Options o) throws IOException {
        ResultsLayout layout = new ResultsLayout(results);
        ModelConfig mc = ModelConfig.read(layout.modelConfig());
        Path cfg = results.resolve("config.json");
        if (!Files.isRegularFile(cfg)) {
            throw new IllegalArgumentException("predict: " + cfg + " does not exist; --results must be the folder 'voxelforge train' wrote");
        }
        AnalysisConfig analysis = AnalysisConfig.read(cfg);
        List<Integer> folds = o.folds();
        if (folds.isEmpty()) {
            folds = new ArrayList<>();
            for (int f = 0; f < analysis.folds(); f++) {
                if (Files.isRegularFile(layout.weights(f, "final")) || Files.isRegularFile(layout.weights(f, o.checkpoint()))) folds.add(f);
            }
            if (folds.isEmpty()) {
                throw new IllegalArgumentException("predict: no fold in " + results.resolve("folds") + " has finished training; run"
                        + " 'voxelforge train' first (or --resume it)");
            }
        }
        List<Path> files = new ArrayList<>();
        for (int f : folds) files.add(weightsOf(layout, f, o.checkpoint()));
        return new ResultsPredictor(mc, analysis, files, o);
    }

    /**
     * Without a results folder: a {@code model_config.json}, the analysis's {@code config.json}
     * and one or more weights files of that model (averaged). {@code o.folds()} and
     * {@code o.checkpoint()} are not used.
     */
    public static ResultsPredictor of(Path modelConfig, Path analysisConfig, List<Path> weights, Options o) throws IOException {
        if (!Files.isRegularFile(analysisConfig)) throw new IllegalArgumentException("predict: " + analysisConfig + " does not exist");
        return new ResultsPredictor(ModelConfig.read(modelConfig), AnalysisConfig.read(analysisConfig), weights, o);
    }

    private static Path weightsOf(ResultsLayout layout, int fold, String which) {
        Path p = layout.weights(fold, which);
        if (Files.isRegularFile(p)) return p;
        Path fin = layout.weights(fold, "final");
        if (which.equals("best") && Files.isRegularFile(fin)) return fin; // trained without validation
        throw new IllegalArgumentException("predict: fold " + fold + " has no " + which + " weights (" + p + "); "
                + (which.equals("ema") || which.equals("swa") ? "train with --" + which + " or choose --checkpoint best"
                : "finish its training first (voxelforge train --resume)"));
    }

    public ModelConfig modelConfig() { return model; }

    public AnalysisConfig analysisConfig() { return analysis; }

    /** The weights files averaged, one per fold. */
    public List<Path> weightFiles() { return weights; }

    /**
     * A case from one NIfTI file per modality, in {@link ModelConfig#modalities()} order:
     * preprocessed as in training, predicted, labels mapped back onto the first file's grid.
     */
    public CasePrediction predictCase(String id, List<Path> modalityFiles, boolean keepProbabilities) throws IOException {
        if (modalityFiles.size() != model.inChannels()) {
            throw new IllegalArgumentException("predict case " + id + ": " + modalityFiles.size() + " image files given, but the model"
                    + " takes " + model.inChannels() + " modalities " + model.modalities());
        }
        for (Path f : modalityFiles) {
            if (!Files.isRegularFile(f)) throw new IllegalArgumentException("predict case " + id + ": image " + f + " does not exist");
        }
        return predictor.predictCase(id, modalityFiles, analysis, preprocess, keepProbabilities);
    }

    /** A volume already preprocessed ([C, X, Y, Z] on the training grid): probabilities and labels on that grid. */
    public Prediction predict(Tensor image) { return predictor.predict(image); }

    @Override public void close() { predictor.close(); }
}
