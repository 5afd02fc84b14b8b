package org.voxelforge.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.voxelforge.data.analysis.AnalysisConfig;
import org.voxelforge.train.pipeline.TrainRequest;
import org.voxelforge.train.trainer.TrainingOptions;
import picocli.CommandLine.Option;

/** The training flags shared by {@code train} and {@code run} (MIST's names where MIST has the flag). */
final class TrainingFlags {
    @Option(names = "--model", defaultValue = "nnunet", description = "Network: nnunet (nnU-Net's dynamic U-Net planned from the patch size; default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--folds", split = ",", description = "Folds to train, e.g. 0,1 (default: all folds of the analysis).")
    List<Integer> folds;

    @Option(names = "--epochs", defaultValue = "100", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--steps-per-epoch", defaultValue = "250", description = "Optimizer steps per epoch (default: ${DEFAULT-VALUE}, nnU-Net's).")
    int steps;

    @Option(names = "--batch-size", defaultValue = "2", description = "Patches per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--patch-size", split = ",", description = "Patch size X,Y,Z (default: the analysis's config.json).")
    int[] patchSize;

    @Option(names = "--loss", defaultValue = "dice_ce", description = "Loss: dice_ce, dice, gdl, ce, focal, tversky, topk, dice_ce_nnunet, region_dice_bce (with --regions) ... (default: ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--deep-supervision", description = "Train every decoder head (nnU-Net's weights).")
    boolean deepSupervision;

    @Option(names = "--optimizer", defaultValue = "adam", description = "sgd, adam or adamw (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", defaultValue = "3e-4", description = "Initial learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--momentum", defaultValue = "0.99", description = "SGD momentum, Nesterov (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--weight-decay", defaultValue = "0", description = "The optimizer's weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--lr-scheduler", defaultValue = "cosine", description = "poly, cosine or constant (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--l2-penalty", defaultValue = "0", description = "L2 penalty on the weights, added to the gradient (default: ${DEFAULT-VALUE}).")
    double l2;

    @Option(names = "--clip-norm-max", defaultValue = "0", description = "Clip the global gradient 2-norm to this; 0 = off (default: ${DEFAULT-VALUE}).")
    double clipNorm;

    @Option(names = "--ema", defaultValue = "0", description = "Keep an exponential moving average of the weights with this decay, e.g. 0.999; 0 = off.")
    double ema;

    @Option(names = "--swa-start", defaultValue = "-1", description = "Average the weights of each epoch from this one (1-based) on (SWA); -1 = off.")
    int swaStart;

    @Option(names = "--validate-every", defaultValue = "1", description = "Validate on whole volumes every k epochs (and after the last) (default: ${DEFAULT-VALUE}).")
    int validateEvery;

    @Option(names = "--val-percent", defaultValue = "0", description = "Share of training cases held out for validation; 0 = validate on the held-out fold (MIST) (default: ${DEFAULT-VALUE}).")
    double valPercent;

    @Option(names = "--oversampling", defaultValue = "0.6", description = "Probability that a patch is centred on foreground (default: ${DEFAULT-VALUE}, MIST's).")
    double oversampling;

    @Option(names = "--class-probabilities", split = ",", description = "Per-label patch-centre probabilities, background first (sparse-annotation study); replaces --oversampling.")
    double[] classProbabilities;

    @Option(names = "--augmentation", defaultValue = "nnunet", description = "Augmentation pipeline: nnunet, brats2020, flips or none (default: ${DEFAULT-VALUE}).")
    String augmentation;

    @Option(names = "--regions", description = "Train the final classes as overlapping regions with sigmoid outputs (BraTS WT/TC/ET); needs --loss region_dice_bce.")
    boolean regions;

    @Option(names = "--features", split = ",", defaultValue = "32,320", description = "Base and maximum feature counts of the U-Net (default: ${DEFAULT-VALUE}).")
    int[] features;

    @Option(names = "--pretrained", description = "Start from these weights (safetensors; transfer learning).")
    Path pretrained;

    @Option(names = "--freeze", split = ",", description = "Keep parameters matching these globs frozen ('*' within one name part, '**' across parts), e.g. 'encoder.**'.")
    List<String> freeze;

    @Option(names = "--num-workers", defaultValue = "2", description = "Data loader threads (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--prefetch", defaultValue = "4", description = "Batches prepared ahead (default: ${DEFAULT-VALUE}).")
    int prefetch;

    @Option(names = "--seed-val", defaultValue = "42", description = "Seed of the run (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--resume", description = "Continue each fold from its last checkpoint (bit for bit).")
    boolean resume;

    @Option(names = "--overwrite", description = "Start over in folds that already hold a run.")
    boolean overwrite;

    @Option(names = "--device", defaultValue = "cpu", description = DeviceFlag.DESCRIPTION)
    String device;

    @Option(names = "--precision", defaultValue = "fp32", description = "fp32, or bf16: conv and matmul on bf16 inputs with float32 accumulation and master weights (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--channels-last", description = DeviceFlag.CHANNELS_LAST)
    boolean channelsLast;

    @Option(names = "--stop-after", defaultValue = "0", description = "End each fold after this many epochs (resumable with --resume); 0 = train to the end.")
    int stopAfter;

    static boolean bf16(String precision) {
        return switch (precision.toLowerCase(java.util.Locale.ROOT)) {
            case "fp32", "float32" -> false;
            case "bf16", "bfloat16" -> true;
            default -> throw new IllegalArgumentException("--precision: expected fp32 or bf16, got '" + precision + "'");
        };
    }

    TrainRequest request(Path results, Path numpy, AnalysisConfig cfg, boolean predictHeldOut) {
        if (!model.equals("nnunet") && !model.equals("dynamic_unet")) {
            throw new IllegalArgumentException("--model: unknown '" + model + "'; accepted: nnunet (dynamic_unet)");
        }
        if (features.length != 2) throw new IllegalArgumentException("--features needs two values base,max, got " + features.length);
        int[] patch = patchSize != null ? patchSize : cfg.patchSize();
        if (patch.length != 3) throw new IllegalArgumentException("--patch-size needs three values X,Y,Z, got " + patch.length);
        if (swaStart == 0 || swaStart > epochs) throw new IllegalArgumentException("--swa-start must be -1 (off) or in 1.." + epochs + ", got " + swaStart);
        TrainingOptions t;
        try {
            t = new TrainingOptions(epochs, steps, batchSize, regions && loss.equals("dice_ce") ? "region_dice_bce" : loss, deepSupervision,
                    optimizer, lr, weightDecay, optimizer.equals("sgd") ? momentum : 0, optimizer.equals("sgd"), schedule, clipNorm, l2, ema,
                    seed, validateEvery, patch, swaStart < 0 ? -1 : swaStart - 1);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("TrainingOptions: ", "training options: "), e);
        }
        List<Integer> fs = folds;
        if (fs == null || fs.isEmpty()) {
            fs = new ArrayList<>();
            for (int f = 0; f < cfg.folds(); f++) fs.add(f);
        }
        return new TrainRequest(results, numpy, t, fs, features[0], features[1], regions, oversampling, classProbabilities, augmentation,
                valPercent, workers, prefetch, pretrained, freeze == null ? List.of() : freeze, resume, overwrite, predictHeldOut, stopAfter,
                DeviceFlag.parse(device), bf16(precision)).withMemoryFormat(DeviceFlag.memoryFormat(channelsLast));
    }
}
