package org.voxelforge.train.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.io.Json;
import org.voxelforge.data.analysis.AnalysisConfig;
import org.voxelforge.data.augment.Transform;
import org.voxelforge.data.loader.CaseProvider;
import org.voxelforge.data.loader.PatchBatchSource;
import org.voxelforge.data.npy.Npy;
import org.voxelforge.data.preprocess.Preprocessor;
import org.voxelforge.data.sampling.CaseVolume;
import org.voxelforge.data.sampling.PatchSampler;
import org.voxelforge.nn.io.Weights;
import org.voxelforge.nn.loss.Loss;
import org.voxelforge.nn.loss.Losses;
import org.voxelforge.nn.loss.RegionDiceBceLoss;
import org.voxelforge.nn.loss.RegionSpec;
import org.voxelforge.nn.models.DynamicUNet;
import org.voxelforge.train.inference.Activation;
import org.voxelforge.train.trainer.DeviceAugmentation;
import org.voxelforge.train.trainer.LabeledVolume;
import org.voxelforge.train.trainer.Trainer;
import org.voxelforge.train.trainer.TrainingOptions;
import org.voxelforge.train.trainer.ValidationDice;

/**
 * MIST's training stage: for each requested fold, train on the cases of the other folds and
 * validate on the held-out fold (or on a share of the training cases), keeping the best and the
 * final model, then optionally predict the held-out cases in their original space (the
 * out-of-fold predictions that {@code evaluate} scores).
 *
 * <p>Layout under the results folder: {@code models/model_config.json}, and per fold
 * {@code folds/fold_<k>/} with {@code models/}, {@code checkpoints/}, {@code logs/training.csv},
 * {@code logs/progress.png}; predictions in {@code predictions/train/raw/<id>.nii.gz}.
 */
public final class CrossValidation {
    private final TrainRequest request;
    private final AnalysisConfig config;
    private final List<Preprocessor.Job> trainPaths; // train_paths.csv: id, fold, mask, images
    private final ModelConfig model;
    private final PrintStream out;

    public CrossValidation(TrainRequest request, PrintStream out) throws IOException {
        this.request = request;
        this.out = out;
        Path cfgFile = request.results().resolve("config.json");
        if (!Files.isRegularFile(cfgFile)) {
            throw new IllegalArgumentException("train: " + cfgFile + " does not exist; run 'voxelforge analyze --results "
                    + request.results() + "' first");
        }
        this.config = AnalysisConfig.read(cfgFile);
        this.trainPaths = Preprocessor.readTrainPaths(request.results().resolve("train_paths.csv"), config);
        for (String d : List.of("images", "labels")) {
            if (!Files.isDirectory(request.numpy().resolve(d))) {
                throw new IllegalArgumentException("train: " + request.numpy().resolve(d) + " does not exist; run 'voxelforge preprocess"
                        + " --results " + request.results() + " --numpy " + request.numpy() + "' first");
            }
        }
        for (int f : request.folds()) {
            if (f < 0 || f >= config.folds()) {
                throw new IllegalArgumentException("--folds: fold " + f + " does not exist; the analysis made folds 0.." + (config.folds() - 1));
            }
        }
        this.model = planModel();
    }

    public ModelConfig modelConfig() { return model; }

    private ModelConfig planModel() throws IOException {
        int[] labels = config.labels().stream().mapToInt(Integer::intValue).toArray();
        String intensity = Preprocessor.intensityOf(request.numpy()).name().toLowerCase(java.util.Locale.ROOT);
        TrainingOptions t = request.training();
        if (!request.regions()) {
            return ModelConfig.plan(config.modalities(), t.patchSize(), request.baseFeatures(), request.maxFeatures(), t.deepSupervision(),
                    Activation.SOFTMAX, labels, null, null, null, t.seed(), intensity);
        }
        if (!t.loss().equals("region_dice_bce")) {
            throw new IllegalArgumentException("--regions trains sigmoid outputs with the region loss; use --loss region_dice_bce, not "
                    + t.loss());
        }
        RegionSpec regions = Regions.fromFinalClasses(config.finalClasses());
        return ModelConfig.plan(config.modalities(), t.patchSize(), request.baseFeatures(), request.maxFeatures(), t.deepSupervision(),
                Activation.SIGMOID, labels, regions, Regions.reconstructionLabels(regions), Regions.defaultThresholds(regions), t.seed(),
                intensity);
    }

    /** Trains every requested fold; returns the held-out (validation) score of each. */
    public Map<Integer, Double> run() throws IOException {
        ResultsLayout layout = new ResultsLayout(request.results());
        Files.createDirectories(layout.modelsDir());
        Path cfg = layout.modelConfig();
        if (Files.isRegularFile(cfg) && !request.overwrite()) {
            ModelConfig existing = ModelConfig.read(cfg);
            if (!Json.write(existing.toJson()).equals(Json.write(model.toJson()))) {
                throw new IllegalArgumentException("train: " + cfg + " describes another model than this run asks for; use a new"
                        + " --results folder or pass --overwrite");
            }
        }
        model.write(cfg);
        Map<Integer, Double> scores = new TreeMap<>();
        for (int fold : request.folds()) scores.put(fold, trainFold(fold, layout));
        return scores;
    }

    private double trainFold(int fold, ResultsLayout layout) throws IOException {
        List<String> heldOut = new ArrayList<>(), train = new ArrayList<>();
        for (Preprocessor.Job j : trainPaths) (j.fold() == fold ? heldOut : train).add(j.id());
        if (train.isEmpty()) throw new IllegalArgumentException("train: fold " + fold + " leaves no training cases; use more cases or folds");
        List<String> validation = heldOut;
        if (request.validationPercent() > 0) {
            validation = new ArrayList<>();
            List<String> shuffled = new ArrayList<>(train);
            shuffle(shuffled, request.training().seed() + fold);
            int n = Math.max(1, (int) Math.round(shuffled.size() * request.validationPercent() / 100));
            if (n >= shuffled.size()) throw new IllegalArgumentException("--val-percent " + request.validationPercent() + " leaves no training cases");
            validation.addAll(shuffled.subList(0, n));
            train = new ArrayList<>(shuffled.subList(n, shuffled.size()));
            train.sort(null);
        }
        Path dir = layout.foldDir(fold);
        Path checkpoint = dir.resolve("checkpoints").resolve("last.safetensors");
        boolean resuming = request.resume() && Files.isRegularFile(checkpoint);
        if (!resuming && Files.exists(dir.resolve("logs")) && !request.overwrite() && !request.resume()) {
            throw new IllegalArgumentException("train: " + dir + " already holds a training run; pass --resume to continue it,"
                    + " --overwrite to start over, or use another --results folder");
        }
        out.printf("fold %d: %d training cases, %d validation cases%s%n", fold, train.size(), validation.size(),
                resuming ? " (resuming)" : "");

        List<LabeledVolume> valCases = new ArrayList<>();
        CaseProvider trainCases = cases(train);
        PatchBatchSource source = batchSource(trainCases);
        try (DynamicUNet net = model.newModel();
             PrefetchedBatches batches = new PrefetchedBatches(source, request.training().stepsPerEpoch(), request.workers(),
                     request.prefetch(), request.regions() ? null : model.labels())) {
            startFrom(net);
            net.to(request.device());
            net.inputFormat(request.memoryFormat());
            for (String id : validation) valCases.add(validationCase(id));
            Trainer.Validator validator = valCases.isEmpty() ? null : request.regions()
                    ? ValidationDice.regions(valCases, model.patchSize(), model.regions())
                    : ValidationDice.softmax(valCases, model.patchSize(), model.outChannels());
            Loss loss = request.regions() ? new RegionDiceBceLoss(model.regions()) : Losses.create(request.training().loss());
            try (Trainer trainer = new Trainer(net, request.training(), loss, batches, validator, dir, out)) {
                trainer.setBf16(request.bf16());
                if (augmentsOnDevice()) trainer.setDeviceAugmentation(deviceAugmentation(trainCases, source));
                trainer.setListener(new FoldProgress(fold, request.training(), dir.resolve("logs").resolve("progress.png")));
                if (resuming) {
                    trainer.resume();
                    out.printf("fold %d: resumed after epoch %d of %d%n", fold, trainer.epochsDone(), request.training().epochs());
                }
                int until = request.stopAfterEpochs() > 0 ? request.stopAfterEpochs() : request.training().epochs();
                trainer.fitUntil(until);
                if (trainer.epochsDone() < request.training().epochs()) {
                    out.printf("fold %d: stopped after epoch %d of %d as asked; continue with --resume%n", fold, trainer.epochsDone(),
                            request.training().epochs());
                    return trainer.bestDice();
                }
                double best = trainer.bestDice();
                out.printf(java.util.Locale.ROOT, "fold %d: done; best validation Dice %.4f at epoch %d%n", fold, best, trainer.bestEpoch() + 1);
                if (request.predictHeldOut() && !heldOut.isEmpty()) predictHeldOut(fold, heldOut, layout);
                return best;
            }
        } finally {
            for (LabeledVolume v : valCases) {
                v.image().close();
                v.labels().close();
            }
        }
    }

    /** The fold's model predicts its held-out cases from their original files (out-of-fold predictions). */
    private void predictHeldOut(int fold, List<String> ids, ResultsLayout layout) throws IOException {
        List<PredictionCases.Case> toPredict = new ArrayList<>();
        for (Preprocessor.Job j : trainPaths) {
            if (ids.contains(j.id())) toPredict.add(new PredictionCases.Case(j.id(), j.images(), j.mask()));
        }
        ResultsPredictor.Options o = ResultsPredictor.Options.defaults().withFolds(List.of(fold)).withDevice(request.device())
                .withMemoryFormat(request.memoryFormat()).withBf16(request.bf16());
        try (ResultsPredictor p = ResultsPredictor.open(request.results(), o)) {
            BatchPrediction.Report r = BatchPrediction.run(p, toPredict, layout.outOfFoldPredictions(), false, out);
            if (!r.failures().isEmpty()) {
                throw new IllegalStateException("fold " + fold + ": out-of-fold prediction failed for " + r.failures());
            }
        }
    }

    /** Pretrained weights (transfer learning) and frozen parameters. */
    private void startFrom(DynamicUNet net) throws IOException {
        if (request.pretrained() != null) {
            if (!Files.isRegularFile(request.pretrained())) {
                throw new IllegalArgumentException("--pretrained: " + request.pretrained() + " does not exist");
            }
            Weights.LoadReport r = Weights.load(net, request.pretrained(), false);
            out.println("pretrained weights from " + request.pretrained() + ": " + r);
        }
        for (String glob : request.freeze()) {
            try {
                out.printf("froze %d parameters matching %s%n", net.freeze(glob), glob);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--freeze: " + e.getMessage(), e);
            }
        }
    }

    private PatchBatchSource batchSource(CaseProvider cases) {
        PatchSampler sampler = new PatchSampler(model.patchSize(), request.foregroundProbability(), request.classProbabilities());
        Transform inLoader = augmentsOnDevice() ? null : Augmentations.named(request.augmentation());
        return new PatchBatchSource(cases, sampler, inLoader, request.training().batchSize(), request.training().seed());
    }

    private boolean augmentsOnDevice() {
        return TrainRequest.AUGMENT_ON_DEVICE.equals(request.augmentOn()) && Augmentations.named(request.augmentation()) != null;
    }

    /**
     * --augment-on device: the trainer draws each sample's augmentation as the loader would and runs
     * it on the device. Labels reach it as class indices already; spatial steps only move them and
     * fill 0 outside the patch, the index of label value 0 (the background, first of the labels).
     */
    private DeviceAugmentation deviceAugmentation(CaseProvider cases, PatchBatchSource source) {
        return new DeviceAugmentation(Augmentations.named(request.augmentation()), request.training().seed(), request.training().batchSize(),
                (epoch, s) -> cases.annotation(source.caseOf(epoch, s)) != null);
    }

    /** In memory when the arrays take under a quarter of the heap, else read on each draw. */
    private CaseProvider cases(List<String> ids) throws IOException {
        long bytes = 0;
        for (String id : ids) {
            Path img = request.numpy().resolve("images/" + id + ".npy");
            if (!Files.isRegularFile(img)) {
                throw new IllegalArgumentException("train: case " + id + " of train_paths.csv has no " + img
                        + "; run 'voxelforge preprocess' again");
            }
            bytes += Files.size(img);
        }
        if (bytes > Runtime.getRuntime().maxMemory() / 4) return CaseProvider.npy(request.numpy(), ids);
        List<CaseVolume> vols = new ArrayList<>();
        for (String id : ids) vols.add(CaseVolume.read(request.numpy(), id));
        return CaseProvider.inMemory(vols, null);
    }

    /** A held-out case on its preprocessed grid; softmax labels become class indices. */
    private LabeledVolume validationCase(String id) throws IOException {
        Tensor labels = Npy.read(request.numpy().resolve("labels/" + id + ".npy"));
        try {
            if (!request.regions()) new LabelIndices(model.labels()).remapInPlace(labels, i -> id);
            return new LabeledVolume(id, Npy.read(request.numpy().resolve("images/" + id + ".npy")), labels);
        } catch (IOException | RuntimeException e) {
            labels.close();
            throw e;
        }
    }

    private static void shuffle(List<String> l, long seed) {
        RandomGenerator g = new RandomGenerator(seed);
        for (int i = l.size() - 1; i > 0; i--) {
            int j = g.nextInt(i + 1);
            String t = l.get(i);
            l.set(i, l.get(j));
            l.set(j, t);
        }
    }
}
