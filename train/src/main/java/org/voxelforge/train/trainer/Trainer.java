package org.voxelforge.train.trainer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Device;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.io.SafeTensors;
import org.voxelforge.nn.io.Weights;
import org.voxelforge.data.distance.SignedDistanceMaps;
import org.voxelforge.nn.loss.CompositeLoss;
import org.voxelforge.nn.loss.DeepSupervisionLoss;
import org.voxelforge.nn.loss.Loss;
import org.voxelforge.nn.loss.LossTarget;
import org.voxelforge.nn.loss.Losses;
import org.voxelforge.nn.models.DynamicUNet;
import org.voxelforge.nn.optim.GradClipping;
import org.voxelforge.nn.optim.LrSchedule;
import org.voxelforge.nn.optim.NonFiniteGradients;
import org.voxelforge.nn.optim.Optimizer;
import org.voxelforge.nn.optim.SwaAverager;
import org.voxelforge.nn.optim.WeightEma;

/**
 * The training loop: epochs of steps from a {@link BatchSource}, validation on whole volumes,
 * the best model (highest validation Dice, MIST's way) and the final model (nnU-Net's way),
 * a checkpoint after every epoch from which {@link #resume()} continues bit for bit, a CSV log
 * and one progress line per epoch.
 *
 * <p>Output folder: {@code models/best.safetensors}, {@code models/final.safetensors}
 * ({@code models/ema.safetensors} with an EMA), {@code checkpoints/last.safetensors},
 * {@code logs/training.csv}.
 * <pre>{@code
 * try (Trainer t = new Trainer(model, options, batches, validationCases, out, System.out)) {
 *     if (Files.exists(t.checkpointFile())) t.resume();
 *     t.fit();
 * }
 * }</pre>
 * The trainer does not own the model, the source or the validation cases.
 *
 * <p>Bit-for-bit resume: the checkpoint holds all state (weights, optimizer buffers and step
 * counts, EMA, epochs done, best score; batches are a function of (epoch, step)). The
 * arithmetic must repeat too, which the CPU kernels guarantee in every JIT tier (the Vector API
 * kernels leave transcendental ops to Math and add lanes in a fixed order).
 */
public final class Trainer implements AutoCloseable {
    private final DynamicUNet model;
    private final TrainingOptions options;
    private final BatchSource source;
    private final Validator validation; // null = no validation
    private final Path outputDir;
    private final PrintStream progress;
    private final Loss loss;
    private DeepSupervisionLoss deepLoss; // made on the first step, when the head count is known
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final WeightEma ema;
    private final SwaAverager swa;
    private final TrainingLog log;
    private Listener listener = new Listener() {};
    private boolean bf16;
    private BatchAugmentation deviceAugmentation; // null: batches come augmented (or not) from the source

    private int epochsDone;
    private double bestDice = Double.NEGATIVE_INFINITY;
    private int bestEpoch = -1;

    /**
     * @param validation whole cases for validation; empty skips validation (then no best model)
     * @param progress   where the per-epoch line goes; null for silence
     */
    public Trainer(DynamicUNet model, TrainingOptions options, BatchSource source, List<LabeledVolume> validation,
                   Path outputDir, PrintStream progress) {
        this(model, options, source, validation.isEmpty() ? null : ValidationDice.softmax(validation, options.patchSize(),
                model.plan().numClasses()), outputDir, progress);
    }

    /**
     * @param validation scores the model on whole validation volumes (higher is better); null
     *                   skips validation (then no best model)
     */
    public Trainer(DynamicUNet model, TrainingOptions options, BatchSource source, Validator validation, Path outputDir,
                   PrintStream progress) {
        this(model, options, Losses.create(options.loss()), source, validation, outputDir, progress);
    }

    /** With a loss built by the caller (e.g. regions other than BraTS's); {@code options.loss()} names it in checkpoints. */
    public Trainer(DynamicUNet model, TrainingOptions options, Loss loss, BatchSource source, Validator validation, Path outputDir,
                   PrintStream progress) {
        this.model = model;
        this.options = options;
        this.source = source;
        this.validation = validation;
        this.outputDir = outputDir;
        this.progress = progress;
        this.loss = loss;
        this.optimizer = TrainingParts.optimizer(options, model.trainableParameters());
        this.schedule = TrainingParts.schedule(options);
        this.ema = options.emaDecay() > 0 ? new WeightEma(model, options.emaDecay()) : null;
        this.swa = options.swaStartEpoch() >= 0 ? new SwaAverager(model) : null;
        this.log = new TrainingLog(outputDir.resolve("logs").resolve("training.csv"));
    }

    public Path checkpointFile() { return outputDir.resolve("checkpoints").resolve("last.safetensors"); }

    public Path bestModelFile() { return outputDir.resolve("models").resolve("best.safetensors"); }

    public Path finalModelFile() { return outputDir.resolve("models").resolve("final.safetensors"); }

    public Path emaModelFile() { return outputDir.resolve("models").resolve("ema.safetensors"); }

    public Path swaModelFile() { return outputDir.resolve("models").resolve("swa.safetensors"); }

    public Path logFile() { return outputDir.resolve("logs").resolve("training.csv"); }

    /** What the trainer reports as it goes: each step, each epoch. Called on the training thread. */
    public interface Listener {
        default void stepDone(int epoch, int step, int stepsPerEpoch, double loss, double lr) {}

        default void epochDone(TrainingLog.Row row, Trainer trainer) {}
    }

    /** A validation score of the model on whole volumes; higher is better (MIST: mean Dice). */
    @FunctionalInterface
    public interface Validator {
        double score(DynamicUNet model);
    }

    public void setListener(Listener l) { this.listener = l == null ? new Listener() {} : l; }

    /** The rows of the training log so far (for plots). */
    public List<TrainingLog.Row> logRows() { return log.rows(); }

    public int epochsDone() { return epochsDone; }

    public double bestDice() { return bestDice; }

    public int bestEpoch() { return bestEpoch; }

    public Optimizer optimizer() { return optimizer; }

    /** Loads {@link #checkpointFile()}: weights, optimizer, EMA, progress, and the log rows up to it. */
    public void resume() throws IOException {
        Checkpoint.Progress p = Checkpoint.read(checkpointFile(), model, optimizer, ema, swa, options);
        epochsDone = p.epochsDone();
        bestDice = p.bestDice();
        bestEpoch = p.bestEpoch();
        log.keepFromFile(epochsDone);
    }

    /** Trains to the end of the run ({@link TrainingOptions#epochs()}). */
    public void fit() throws IOException { fitUntil(options.epochs()); }

    /**
     * Trains until {@code epochsDone == untilEpoch} (at most the run's epochs); stopping early
     * is what a killed run looks like. The final model is written when the run's last epoch ends.
     */
    public void fitUntil(int untilEpoch) throws IOException {
        int end = Math.min(untilEpoch, options.epochs());
        long started = System.nanoTime();
        int firstEpoch = epochsDone;
        for (int epoch = epochsDone; epoch < end; epoch++) {
            long t0 = System.nanoTime();
            double lr0 = schedule.lr(globalStep(epoch, 0));
            double lossSum = 0;
            for (int step = 0; step < options.stepsPerEpoch(); step++) {
                double v = trainStep(epoch, step);
                lossSum += v;
                listener.stepDone(epoch, step, options.stepsPerEpoch(), v, schedule.lr(globalStep(epoch, step)));
            }
            double trainLoss = lossSum / options.stepsPerEpoch();

            double dice = Double.NaN;
            if (swa != null && epoch >= options.swaStartEpoch()) swa.update();
            if (validation != null && options.validatesAfter(epoch)) {
                dice = validation.score(model);
                model.train(true);
                if (dice > bestDice) {
                    bestDice = dice;
                    bestEpoch = epoch;
                    Weights.save(model, bestModelFile());
                }
            }
            epochsDone = epoch + 1;
            if (epochsDone == options.epochs()) writeFinalModels();
            Checkpoint.write(checkpointFile(), model, optimizer, ema, swa, new Checkpoint.Progress(epochsDone, bestDice, bestEpoch), options);
            double seconds = (System.nanoTime() - t0) * 1e-9;
            TrainingLog.Row row = new TrainingLog.Row(epoch, trainLoss, dice, lr0, seconds);
            log.append(row);
            listener.epochDone(row, this);
            if (progress != null) {
                double perEpoch = (System.nanoTime() - started) * 1e-9 / (epoch + 1 - firstEpoch);
                progress.println(progressLine(epoch, trainLoss, dice, lr0, seconds, perEpoch * (options.epochs() - epochsDone)));
            }
        }
    }

    private void writeFinalModels() throws IOException {
        Weights.save(model, finalModelFile());
        if (ema != null) SafeTensors.save(emaModelFile(), ema.averages());
        if (swa != null) SafeTensors.save(swaModelFile(), swa.averages());
    }

    private String progressLine(int epoch, double trainLoss, double dice, double lr, double seconds, double etaSeconds) {
        String val = Double.isNaN(dice) ? "" : String.format(Locale.ROOT, "  val dice %.4f (best %.4f at epoch %d)", dice, bestDice, bestEpoch + 1);
        return String.format(Locale.ROOT, "epoch %d/%d  loss %.4f%s  lr %.3e  %.1f s  ETA %s", epoch + 1, options.epochs(), trainLoss,
                val, lr, seconds, duration(etaSeconds));
    }

    static String duration(double s) {
        long t = Math.round(s);
        return t >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", t / 3600, t / 60 % 60)
                : t >= 60 ? String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60) : t + "s";
    }

    private int globalStep(int epoch, int step) { return Math.toIntExact((long) epoch * options.stepsPerEpoch() + step); }

    /**
     * One optimizer step on batch {@code (epoch, step)}: forward (all heads with deep
     * supervision), loss, backward, NaN/Inf check, optional clipping, learning rate of this
     * iteration, update, EMA, zeroed gradients. Every tensor it makes dies with its scope, so
     * memory is flat across steps. Returns the loss.
     */
    public double trainStep(int epoch, int step) {
        model.train(true);
        double value;
        try (TensorScope scope = new TensorScope(); Batch batch = source.next(epoch, step)) {
            Device device = model.device(); // batches are made on the host and follow the model
            Tensor images = batch.images().to(device);
            Tensor labels = batch.labels().to(device), mask = batch.maskOrNull() == null ? null : batch.maskOrNull().to(device);
            if (deviceAugmentation != null) {
                Tensor[] a = deviceAugmentation.augment(epoch, step, images, labels, mask);
                images = a[0];
                labels = a[1];
                mask = a[2];
            }
            Variable x = Variable.constant(images);
            LossTarget target = LossTarget.of(labels, distanceMaps(labels)); // of the augmented labels
            if (loss instanceof CompositeLoss composite) composite.setEpoch(epoch);
            Variable l;
            // the backward follows the precision each op recorded in the forward, so only the forward is in the scope
            try (org.voxelforge.autograd.Autocast autocast = bf16 ? org.voxelforge.autograd.Autocast.bf16() : null) {
                if (options.deepSupervision()) {
                    List<Variable> heads = model.forwardDeep(x);
                    if (deepLoss == null) deepLoss = DeepSupervisionLoss.nnUNet(loss, heads.size());
                    l = deepLoss.compute(heads, target, mask);
                } else {
                    l = loss.compute(model.apply(x), target, mask);
                }
            }
            value = l.value().item();
            if (!Double.isFinite(value)) {
                throw new TrainingDivergedException(epoch, step, "loss " + value + "; " + NonFiniteOrigin.find(l)
                        + "; check the input batch for NaN/Inf and lower the learning rate");
            }
            l.backward();
            var named = model.namedParameters();
            double norm = options.clipNorm() > 0 ? GradClipping.clipGradNorm(named, options.clipNorm(), 2, false)
                    : GradClipping.globalNorm(named.values(), 2);
            if (!Double.isFinite(value) || !Double.isFinite(norm)) {
                List<NonFiniteGradients.Report> bad = NonFiniteGradients.find(named);
                String where = bad.isEmpty() ? "no parameter gradient holds NaN/Inf"
                        : "parameters with NaN/Inf gradients (" + bad.size() + "): " + bad.subList(0, Math.min(3, bad.size()))
                        + (bad.size() > 3 ? " ..." : "");
                optimizer.zeroGrad();
                throw new TrainingDivergedException(epoch, step, "loss " + value + ", gradient norm " + norm + "; " + where
                        + "; check the input batch for NaN/Inf and lower the learning rate");
            }
            schedule.applyTo(optimizer, globalStep(epoch, step));
            optimizer.step();
            if (ema != null) ema.update();
            optimizer.zeroGrad();
        }
        return value;
    }

    /**
     * The signed distance maps a boundary loss ("bl", "hdl", "gsl") reads, of the batch's labels
     * after augmentation, in voxel units and normalised to [-1, 1] per side as MIST's; made on the
     * model's device (exact EDT kernels on a GPU), or null when the loss reads only labels.
     */
    private Tensor distanceMaps(Tensor labels) {
        return loss.needsDistanceMaps() ? SignedDistanceMaps.forBatch(labels, model.plan().numClasses(), null, true) : null;
    }

    /**
     * bf16 mixed precision for the training steps ({@link org.voxelforge.autograd.Autocast}): conv
     * and matmul on bf16 inputs with float32 accumulation, float32 master weights and optimizer.
     */
    public void setBf16(boolean on) { bf16 = on; }

    /**
     * Augments each batch on the model's device after the copy there, before the forward pass
     * ({@code --augment-on device}); null (the default) leaves batches as the source makes them.
     */
    public void setDeviceAugmentation(BatchAugmentation a) { deviceAugmentation = a; }

    /** Frees the optimizer state and the EMA (not the model). */
    @Override public void close() {
        optimizer.close();
        if (ema != null) ema.close();
        if (swa != null) swa.close();
    }
}
