package org.voxelforge.train.pipeline;

import java.nio.file.Path;
import java.util.List;
import org.voxelforge.core.Device;
import org.voxelforge.core.MemoryFormat;
import org.voxelforge.train.trainer.TrainingOptions;

/**
 * A cross-validated training run as {@code voxelforge train} asks for it.
 *
 * @param results          results folder of the analysis ({@code config.json}, {@code train_paths.csv});
 *                         models, logs and predictions go there too
 * @param numpy            the preprocessed arrays ({@code images/}, {@code labels/}, {@code geometry/})
 * @param training         the optimization (epochs, steps, batch, loss, optimizer...); its patch size
 *                         is the one the model is planned for
 * @param folds            which folds to train (each a fold index of {@code train_paths.csv})
 * @param baseFeatures     features of the first U-Net stage (doubling per stage up to maxFeatures)
 * @param maxFeatures      feature cap
 * @param regions          train overlapping regions (the config's final classes) with sigmoid outputs
 * @param foregroundProbability  MIST's foreground oversampling probability
 * @param classProbabilities     per-label sampling probabilities (sparse-annotation study) or null
 * @param augmentation     one of {@link Augmentations#NAMES}
 * @param validationPercent 0: validate on the held-out fold (MIST); else this share of the training
 *                         cases (at least one) is held out for validation
 * @param workers          loader threads
 * @param prefetch         batches made ahead
 * @param pretrained       weights to start from (transfer learning) or null
 * @param freeze           parameter-name globs kept frozen (with pretrained weights)
 * @param resume           continue folds from their checkpoints
 * @param overwrite        start over in folds that already hold a run
 * @param predictHeldOut   predict each fold's held-out cases (out-of-fold) after training it
 * @param stopAfterEpochs  end each fold once this many epochs are done (a checkpoint to
 *                         {@code resume} from, e.g. within a batch system's time limit); 0 = run to the end
 * @param device           where the model trains and predicts (batches are made on the host and copied there)
 * @param bf16             bf16 mixed precision for conv and matmul in training (Autocast)
 * @param augmentOn        where patches are augmented: {@code loader} (the loader threads, on the CPU;
 *                         the default) or {@code device} (the trainer, on the model's device after the
 *                         copy; needs a CUDA-backend device)
 * @param memoryFormat     the layout the network computes in: CONTIGUOUS (NCDHW), or CHANNELS_LAST
 *                         ({@code --channels-last}; needs a CUDA-backend device)
 */
public record TrainRequest(Path results, Path numpy, TrainingOptions training, List<Integer> folds, int baseFeatures, int maxFeatures,
                           boolean regions, double foregroundProbability, double[] classProbabilities, String augmentation,
                           double validationPercent, int workers, int prefetch, Path pretrained, List<String> freeze, boolean resume,
                           boolean overwrite, boolean predictHeldOut, int stopAfterEpochs, Device device, boolean bf16,
                           String augmentOn, MemoryFormat memoryFormat) {
    public static final String AUGMENT_ON_LOADER = "loader", AUGMENT_ON_DEVICE = "device";

    public TrainRequest {
        if (folds.isEmpty()) throw new IllegalArgumentException("train: no folds to train");
        if (baseFeatures < 1 || maxFeatures < baseFeatures) {
            throw new IllegalArgumentException("train: features must satisfy 1 <= base (" + baseFeatures + ") <= max (" + maxFeatures + ")");
        }
        if (!(validationPercent >= 0 && validationPercent < 100)) {
            throw new IllegalArgumentException("--val-percent must be in [0, 100), got " + validationPercent);
        }
        if (!Augmentations.NAMES.contains(augmentation)) {
            throw new IllegalArgumentException("--augmentation: unknown '" + augmentation + "'; expected one of " + Augmentations.NAMES);
        }
        if (stopAfterEpochs < 0) throw new IllegalArgumentException("--stop-after must be >= 0, got " + stopAfterEpochs);
        if (resume && overwrite) throw new IllegalArgumentException("train: --resume and --overwrite exclude each other; choose one");
        if (!AUGMENT_ON_LOADER.equals(augmentOn) && !AUGMENT_ON_DEVICE.equals(augmentOn)) {
            throw new IllegalArgumentException("--augment-on: expected loader or device, got '" + augmentOn + "'");
        }
        if (AUGMENT_ON_DEVICE.equals(augmentOn) && (device == null || device.isCpu())) {
            throw new IllegalArgumentException("--augment-on device augments on the model's device, but --device is "
                    + (device == null ? "not given" : device) + "; use --device cuda (or emulator), or --augment-on loader");
        }
        MemoryFormats.check(memoryFormat, device);
        folds = List.copyOf(folds);
        freeze = List.copyOf(freeze);
    }

    /** With augmentation in the loader (the default). */
    public TrainRequest(Path results, Path numpy, TrainingOptions training, List<Integer> folds, int baseFeatures, int maxFeatures,
                        boolean regions, double foregroundProbability, double[] classProbabilities, String augmentation,
                        double validationPercent, int workers, int prefetch, Path pretrained, List<String> freeze, boolean resume,
                        boolean overwrite, boolean predictHeldOut, int stopAfterEpochs, Device device, boolean bf16) {
        this(results, numpy, training, folds, baseFeatures, maxFeatures, regions, foregroundProbability, classProbabilities, augmentation,
                validationPercent, workers, prefetch, pretrained, freeze, resume, overwrite, predictHeldOut, stopAfterEpochs, device, bf16,
                AUGMENT_ON_LOADER, MemoryFormat.CONTIGUOUS);
    }

    /** This request with augmentation on {@code where} ("loader" or "device"). */
    public TrainRequest withAugmentOn(String where) {
        return new TrainRequest(results, numpy, training, folds, baseFeatures, maxFeatures, regions, foregroundProbability,
                classProbabilities, augmentation, validationPercent, workers, prefetch, pretrained, freeze, resume, overwrite,
                predictHeldOut, stopAfterEpochs, device, bf16, where, memoryFormat);
    }

    /** This request with the network computing in {@code format}. */
    public TrainRequest withMemoryFormat(MemoryFormat format) {
        return new TrainRequest(results, numpy, training, folds, baseFeatures, maxFeatures, regions, foregroundProbability,
                classProbabilities, augmentation, validationPercent, workers, prefetch, pretrained, freeze, resume, overwrite,
                predictHeldOut, stopAfterEpochs, device, bf16, augmentOn, format);
    }
}
