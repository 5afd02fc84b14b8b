package org.voxelforge.train.trainer;

import java.util.Arrays;
import java.util.List;
import org.voxelforge.nn.loss.Losses;

/**
 * Everything that decides a training run. Epochs and steps are counted from 0; the learning
 * rate schedule runs per iteration over {@code epochs * stepsPerEpoch} iterations.
 *
 * @param epochs          epochs of the whole run (a resumed run continues to this count)
 * @param stepsPerEpoch   optimizer steps per epoch (nnU-Net: 250)
 * @param batchSize       patches per step (the batch source must deliver this many)
 * @param loss            a name known to {@link Losses#create}
 * @param deepSupervision train every decoder head (nnU-Net's weights and target downsampling)
 * @param optimizer       "sgd", "adam" or "adamw"
 * @param lr              initial learning rate
 * @param weightDecay     the optimizer's own weight_decay (coupled for sgd/adam, decoupled for adamw)
 * @param momentum        SGD momentum (ignored by the Adam family)
 * @param nesterov        SGD Nesterov momentum
 * @param schedule        "poly" (exponent 0.9), "cosine" (to 0) or "constant"
 * @param clipNorm        global gradient 2-norm limit; 0 = no clipping
 * @param l2              L2 penalty added to the gradient ({@code l2·p}), any optimizer
 * @param emaDecay        decay of an exponential moving average of the weights; 0 = none
 * @param seed            the run's seed, recorded in checkpoints (a resume with another seed is refused);
 *                        batch sources and model plans take their seeds from here
 * @param validateEvery   validate every k epochs (and after the last); 0 = only after the last
 * @param patchSize       sliding-window size for validation (the training patch size)
 * @param swaStartEpoch   stochastic weight averaging: the weights at the end of every epoch from
 *                        this one (0-based) on are averaged into {@code models/swa.safetensors}
 *                        (the open BraTS 2020 solution); -1 = none
 */
public record TrainingOptions(int epochs, int stepsPerEpoch, int batchSize, String loss, boolean deepSupervision,
                              String optimizer, double lr, double weightDecay, double momentum, boolean nesterov,
                              String schedule, double clipNorm, double l2, double emaDecay, long seed, int validateEvery,
                              int[] patchSize, int swaStartEpoch) {
    public static final List<String> OPTIMIZERS = List.of("sgd", "adam", "adamw");
    public static final List<String> SCHEDULES = List.of("poly", "cosine", "constant");

    public TrainingOptions {
        if (epochs < 1 || stepsPerEpoch < 1 || batchSize < 1) {
            throw new IllegalArgumentException("TrainingOptions: epochs (" + epochs + "), steps per epoch (" + stepsPerEpoch
                    + ") and batch size (" + batchSize + ") must be >= 1");
        }
        if (!Losses.NAMES.contains(loss)) throw new IllegalArgumentException("TrainingOptions: unknown loss '" + loss + "'; expected one of " + Losses.NAMES);
        if (!OPTIMIZERS.contains(optimizer)) throw new IllegalArgumentException("TrainingOptions: unknown optimizer '" + optimizer + "'; expected one of " + OPTIMIZERS);
        if (!SCHEDULES.contains(schedule)) throw new IllegalArgumentException("TrainingOptions: unknown schedule '" + schedule + "'; expected one of " + SCHEDULES);
        if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("TrainingOptions: lr must be finite and > 0, got " + lr);
        if (!(weightDecay >= 0) || !(momentum >= 0) || !(clipNorm >= 0) || !(l2 >= 0)) {
            throw new IllegalArgumentException("TrainingOptions: weight decay (" + weightDecay + "), momentum (" + momentum
                    + "), clip norm (" + clipNorm + ") and l2 (" + l2 + ") must be >= 0");
        }
        if (!(emaDecay >= 0 && emaDecay < 1)) throw new IllegalArgumentException("TrainingOptions: EMA decay must be in [0, 1), got " + emaDecay);
        if (validateEvery < 0) throw new IllegalArgumentException("TrainingOptions: validateEvery must be >= 0, got " + validateEvery);
        if (patchSize == null || patchSize.length != 3 || Arrays.stream(patchSize).anyMatch(v -> v < 1)) {
            throw new IllegalArgumentException("TrainingOptions: patch size must be 3 positive values, got " + Arrays.toString(patchSize));
        }
        if (swaStartEpoch < -1 || swaStartEpoch >= epochs) {
            throw new IllegalArgumentException("TrainingOptions: SWA start epoch must be -1 (none) or in 0.." + (epochs - 1) + ", got " + swaStartEpoch);
        }
        patchSize = patchSize.clone();
    }

    /** The same options without SWA; the classic constructor shape. */
    public TrainingOptions(int epochs, int stepsPerEpoch, int batchSize, String loss, boolean deepSupervision, String optimizer, double lr,
                           double weightDecay, double momentum, boolean nesterov, String schedule, double clipNorm, double l2,
                           double emaDecay, long seed, int validateEvery, int[] patchSize) {
        this(epochs, stepsPerEpoch, batchSize, loss, deepSupervision, optimizer, lr, weightDecay, momentum, nesterov, schedule, clipNorm,
                l2, emaDecay, seed, validateEvery, patchSize, -1);
    }

    /**
     * nnU-Net's recipe: dice_ce_nnunet with deep supervision, SGD lr 0.01 momentum 0.99 Nesterov,
     * weight decay 3e-5, poly schedule, clipping at 12, no EMA, validation every epoch.
     */
    public static TrainingOptions nnUNet(int epochs, int stepsPerEpoch, int batchSize, int... patchSize) {
        return new TrainingOptions(epochs, stepsPerEpoch, batchSize, "dice_ce_nnunet", true, "sgd", 1e-2, 3e-5, 0.99, true,
                "poly", 12, 0, 0, 0, 1, patchSize);
    }

    @Override public int[] patchSize() { return patchSize.clone(); }

    public long totalSteps() { return (long) epochs * stepsPerEpoch; }

    public TrainingOptions withEpochs(int v) { return new TrainingOptions(v, stepsPerEpoch, batchSize, loss, deepSupervision, optimizer, lr, weightDecay, momentum, nesterov, schedule, clipNorm, l2, emaDecay, seed, validateEvery, patchSize, swaStartEpoch); }
    public TrainingOptions withLoss(String v, boolean deep) { return new TrainingOptions(epochs, stepsPerEpoch, batchSize, v, deep, optimizer, lr, weightDecay, momentum, nesterov, schedule, clipNorm, l2, emaDecay, seed, validateEvery, patchSize, swaStartEpoch); }
    public TrainingOptions withOptimizer(String v, double learningRate, double wd, double mom, boolean nest) { return new TrainingOptions(epochs, stepsPerEpoch, batchSize, loss, deepSupervision, v, learningRate, wd, mom, nest, schedule, clipNorm, l2, emaDecay, seed, validateEvery, patchSize, swaStartEpoch); }
    public TrainingOptions withSchedule(String v) { return new TrainingOptions(epochs, stepsPerEpoch, batchSize, loss, deepSupervision, optimizer, lr, weightDecay, momentum, nesterov, v, clipNorm, l2, emaDecay, seed, validateEvery, patchSize, swaStartEpoch); }
    public TrainingOptions withClipNorm(double v) { return new TrainingOptions(epochs, stepsPerEpoch, batchSize, loss, deepSupervision, optimizer, lr, weightDecay, momentum, nesterov, schedule, v, l2, emaDecay, seed, validateEvery, patchSize, swaStartEpoch); }
    public TrainingOptions withL2(double v) { return new TrainingOptions(epochs, stepsPerEpoch, batchSize, loss, deepSupervision, optimizer, lr, weightDecay, momentum, nesterov, schedule, clipNorm, v, emaDecay, seed, validateEvery, patchSize, swaStartEpoch); }
    public TrainingOptions withEma(double v) { return new TrainingOptions(epochs, stepsPerEpoch, batchSize, loss, deepSupervision, optimizer, lr, weightDecay, momentum, nesterov, schedule, clipNorm, l2, v, seed, validateEvery, patchSize, swaStartEpoch); }
    public TrainingOptions withSeed(long v) { return new TrainingOptions(epochs, stepsPerEpoch, batchSize, loss, deepSupervision, optimizer, lr, weightDecay, momentum, nesterov, schedule, clipNorm, l2, emaDecay, v, validateEvery, patchSize, swaStartEpoch); }
    public TrainingOptions withValidateEvery(int v) { return new TrainingOptions(epochs, stepsPerEpoch, batchSize, loss, deepSupervision, optimizer, lr, weightDecay, momentum, nesterov, schedule, clipNorm, l2, emaDecay, seed, v, patchSize, swaStartEpoch); }

    public TrainingOptions withSwaStart(int v) { return new TrainingOptions(epochs, stepsPerEpoch, batchSize, loss, deepSupervision, optimizer, lr, weightDecay, momentum, nesterov, schedule, clipNorm, l2, emaDecay, seed, validateEvery, patchSize, v); }
    public TrainingOptions withBatchSize(int v) { return new TrainingOptions(epochs, stepsPerEpoch, v, loss, deepSupervision, optimizer, lr, weightDecay, momentum, nesterov, schedule, clipNorm, l2, emaDecay, seed, validateEvery, patchSize, swaStartEpoch); }
    public TrainingOptions withStepsPerEpoch(int v) { return new TrainingOptions(epochs, v, batchSize, loss, deepSupervision, optimizer, lr, weightDecay, momentum, nesterov, schedule, clipNorm, l2, emaDecay, seed, validateEvery, patchSize, swaStartEpoch); }
    public TrainingOptions withPatchSize(int... v) { return new TrainingOptions(epochs, stepsPerEpoch, batchSize, loss, deepSupervision, optimizer, lr, weightDecay, momentum, nesterov, schedule, clipNorm, l2, emaDecay, seed, validateEvery, v, swaStartEpoch); }

    /** True when epoch {@code e} (0-based) ends with a validation. */
    public boolean validatesAfter(int e) {
        return e == epochs - 1 || (validateEvery > 0 && (e + 1) % validateEvery == 0);
    }
}
