package org.voxelforge.train.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.data.analysis.AnalysisConfig;
import org.voxelforge.data.nifti.NiftiHeader;
import org.voxelforge.data.nifti.NiftiReader;
import org.voxelforge.data.preprocess.CasePreprocessor;
import org.voxelforge.data.preprocess.InverseTransform;
import org.voxelforge.data.preprocess.PreprocessOptions;
import org.voxelforge.nn.Module;
import org.voxelforge.nn.io.Weights;

/**
 * The embedding API for inference: one model or an ensemble of folds, sliding windows,
 * test-time augmentation and label reconstruction behind two calls.
 * <pre>{@code
 * try (Predictor p = Predictor.fromWeights(List.of(fold0, fold1), () -> new DynamicUNet(plan),
 *         Predictor.Options.of(128, 128, 128).withTta(TestTimeAugmentation.FLIPS))) {
 *     try (CasePrediction c = p.predictCase("case1", List.of(t1, t2), config, PreprocessOptions.defaults(), false)) {
 *         c.writeNifti(Path.of("case1.nii.gz"));
 *     }
 * }
 * }</pre>
 * Depends on engine-core, autograd, nn and data only.
 */
public final class Predictor implements AutoCloseable {

    /**
     * @param window         patch size, overlap, batch size, Gaussian weighting
     * @param activation     softmax (classes) or sigmoid (overlapping regions)
     * @param tta            test-time augmentation
     * @param reconstruction probabilities to labels; null picks argmax for softmax (with the
     *                       config's labels in {@link #predictCase}) and the BraTS regions for a
     *                       3-channel sigmoid model
     * @param bf16           the forward passes under bf16 autocast ({@code --precision bf16})
     */
    public record Options(SlidingWindow.Options window, Activation activation, TestTimeAugmentation tta,
                          LabelReconstruction reconstruction, boolean bf16) {
        public Options {
            if (window == null || activation == null || tta == null) {
                throw new IllegalArgumentException("Predictor.Options: window, activation and tta must be given");
            }
        }

        /** Softmax, no TTA, overlap 0.5, batch 1, Gaussian weighting. */
        public static Options of(int... patchSize) {
            return new Options(SlidingWindow.Options.of(patchSize), Activation.SOFTMAX, TestTimeAugmentation.NONE, null, false);
        }

        public Options withWindow(SlidingWindow.Options w) { return new Options(w, activation, tta, reconstruction, bf16); }
        public Options withActivation(Activation a) { return new Options(window, a, tta, reconstruction, bf16); }
        public Options withTta(TestTimeAugmentation t) { return new Options(window, activation, t, reconstruction, bf16); }
        public Options withReconstruction(LabelReconstruction r) { return new Options(window, activation, tta, r, bf16); }
        public Options withBf16(boolean on) { return new Options(window, activation, tta, reconstruction, on); }
        public Options withOverlap(double v) { return withWindow(window.withOverlap(v)); }
        public Options withBatchSize(int v) { return withWindow(window.withBatchSize(v)); }
    }

    private final List<Module> models;
    private final boolean ownsModels;
    private final Options options;
    private final ModelEnsemble ensemble;

    private Predictor(List<? extends Module> models, boolean ownsModels, Options options) {
        this.models = List.copyOf(models);
        this.ownsModels = ownsModels;
        this.options = options;
        this.ensemble = new ModelEnsemble(models, options.activation(), options.tta(), options.bf16());
    }

    /** One model; the caller keeps ownership of it. */
    public static Predictor of(Module model, Options options) { return new Predictor(List.of(model), false, options); }

    /** An ensemble (e.g. one model per fold), averaged; the caller keeps ownership of the models. */
    public static Predictor ofEnsemble(List<? extends Module> models, Options options) { return new Predictor(models, false, options); }

    /**
     * One model per safetensors file, each built by {@code factory} and loaded strictly; the
     * predictor owns and closes them.
     */
    public static Predictor fromWeights(List<Path> weightFiles, Supplier<? extends Module> factory, Options options) throws IOException {
        if (weightFiles.isEmpty()) throw new IllegalArgumentException("Predictor.fromWeights: give at least one weights file");
        List<Module> ms = new ArrayList<>();
        try {
            for (Path f : weightFiles) {
                if (!Files.isRegularFile(f)) {
                    throw new IllegalArgumentException("Predictor.fromWeights: weights file " + f + " does not exist");
                }
                Module m = factory.get();
                ms.add(m);
                Weights.load(m, f, true);
            }
        } catch (IOException | RuntimeException e) {
            for (Module m : ms) m.close();
            throw e;
        }
        return new Predictor(ms, true, options);
    }

    public Options options() { return options; }

    public int modelCount() { return models.size(); }

    /** Probabilities [K, X, Y, Z] for an image [C, X, Y, Z] on its own grid, without labels; the caller owns them. */
    public SlidingWindow.Result probabilities(Tensor image) { return SlidingWindow.predict(ensemble, image, options.window()); }

    /** Probabilities and labels for an image [C, X, Y, Z] on its own grid. */
    public Prediction predict(Tensor image) {
        try (TensorScope scope = new TensorScope()) {
            SlidingWindow.Result r = probabilities(image);
            Tensor probs = r.probabilities();
            LabelReconstruction rc = options.reconstruction() != null ? options.reconstruction()
                    : defaultReconstruction(probs.dim(0), null);
            Tensor labels = rc.apply(probs);
            return new Prediction(scope.retain(probs), scope.retain(labels), r.stats());
        }
    }

    /**
     * Reads one NIfTI per modality (in {@code config}'s order), preprocesses them as training did
     * (without a mask), predicts, and maps the labels back to the first file's grid.
     *
     * @param keepProbabilities also return the probabilities (on the preprocessed grid)
     */
    public CasePrediction predictCase(String id, List<Path> modalityFiles, AnalysisConfig config, PreprocessOptions preprocess,
                                      boolean keepProbabilities) throws IOException {
        if (modalityFiles.isEmpty()) throw new IllegalArgumentException("predict case " + id + ": no image files given");
        NiftiHeader header = NiftiReader.readHeader(modalityFiles.get(0));
        CasePreprocessor.Result pre = CasePreprocessor.forward(id, modalityFiles, null, config, preprocess, Map.of());
        int[] d = pre.dims();
        try (TensorScope scope = new TensorScope()) {
            Tensor image = Tensor.of(pre.image(), pre.channels(), d[0], d[1], d[2]);
            SlidingWindow.Result r = probabilities(image);
            Tensor probs = r.probabilities();
            LabelReconstruction recon = options.reconstruction() != null ? options.reconstruction()
                    : defaultReconstruction(probs.dim(0), config);
            int[] labels = recon.apply(probs).toIntArray();
            Tensor original = InverseTransform.toOriginal(labels, pre.geometry(), InverseTransform.Resample.ONE_HOT);
            return new CasePrediction(id, scope.retain(original), header, pre.geometry(),
                    keepProbabilities ? scope.retain(probs) : null, r.stats());
        }
    }

    /** Argmax (to the config's labels when they match the channel count) or the BraTS regions for 3 sigmoid channels. */
    private LabelReconstruction defaultReconstruction(int channels, AnalysisConfig config) {
        if (options.activation() == Activation.SOFTMAX) {
            if (config != null && config.labels() != null && config.labels().size() == channels) {
                return new LabelReconstruction.Argmax(config.labels().stream().mapToInt(Integer::intValue).toArray());
            }
            return LabelReconstruction.argmax(channels);
        }
        if (channels == 3) return LabelReconstruction.bratsRegions();
        throw new IllegalArgumentException("Predictor: a sigmoid model with " + channels + " channels needs explicit region labels"
                + " and thresholds (LabelReconstruction.Regions); only 3 channels default to BraTS WT/TC/ET");
    }

    /** Closes the models when this predictor loaded them. */
    @Override public void close() {
        if (ownsModels) for (Module m : models) m.close();
    }
}
