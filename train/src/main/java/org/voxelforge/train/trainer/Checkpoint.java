package org.voxelforge.train.trainer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.voxelforge.core.Tensor;
import org.voxelforge.nn.Module;
import org.voxelforge.nn.io.SafeTensors;
import org.voxelforge.nn.optim.Optimizer;
import org.voxelforge.nn.optim.SwaAverager;
import org.voxelforge.nn.optim.WeightEma;

/**
 * A training checkpoint as one safetensors file, written atomically: the model's state dict
 * under {@code model.}, the optimizer's under {@code optimizer.}, the weight average's under
 * {@code ema.}, and in the metadata the epochs done, the best validation Dice and its epoch,
 * and the options it was trained with. The data position needs nothing more: batches are a
 * pure function of (epoch, step), see {@link BatchSource}.
 */
final class Checkpoint {
    static final String MODEL = "model.", OPTIMIZER = "optimizer.", EMA = "ema.", SWA = "swa.";

    /** What a checkpoint says about the run besides its tensors. */
    record Progress(int epochsDone, double bestDice, int bestEpoch) {}

    private Checkpoint() {}

    static void write(Path file, Module model, Optimizer optimizer, WeightEma emaOrNull, SwaAverager swaOrNull, Progress progress,
                      TrainingOptions options) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        model.stateDict().forEach((n, t) -> tensors.put(MODEL + n, t));
        Map<String, Tensor> opt = optimizer.stateDict(); // copies we own
        Map<String, Tensor> swa = swaOrNull == null ? Map.of() : swaOrNull.stateDict(); // copies too
        try {
            opt.forEach((n, t) -> tensors.put(OPTIMIZER + n, t));
            if (emaOrNull != null) emaOrNull.averages().forEach((n, t) -> tensors.put(EMA + n, t));
            swa.forEach((n, t) -> tensors.put(SWA + n, t));
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", "voxelforge-checkpoint-1");
            meta.put("epochs_done", Integer.toString(progress.epochsDone()));
            meta.put("best_dice", Double.toString(progress.bestDice()));
            meta.put("best_epoch", Integer.toString(progress.bestEpoch()));
            meta.put("options", fingerprint(options));
            SafeTensors.save(file, tensors, meta);
        } finally {
            opt.values().forEach(Tensor::close);
            swa.values().forEach(Tensor::close);
        }
    }

    /**
     * Restores model, optimizer and average from {@code file} and returns the progress. Refuses
     * a checkpoint of other options or another model, naming what differs.
     */
    static Progress read(Path file, Module model, Optimizer optimizer, WeightEma emaOrNull, SwaAverager swaOrNull, TrainingOptions options)
            throws IOException {
        try (SafeTensors.Contents c = SafeTensors.load(file)) {
            Map<String, String> meta = c.metadata();
            if (!"voxelforge-checkpoint-1".equals(meta.get("format"))) {
                throw new IOException(file + ": not a VoxelForge training checkpoint (metadata format is " + meta.get("format") + ")");
            }
            String want = fingerprint(options), got = meta.get("options");
            if (!want.equals(got)) {
                throw new IllegalArgumentException("resume from " + file + ": the checkpoint was trained with options " + got
                        + " but this run has " + want + "; resume with the same options or start a new output folder");
            }
            Map<String, Tensor> m = new LinkedHashMap<>(), o = new LinkedHashMap<>(), e = new LinkedHashMap<>(), w = new LinkedHashMap<>();
            c.tensors().forEach((n, t) -> {
                if (n.startsWith(MODEL)) m.put(n.substring(MODEL.length()), t);
                else if (n.startsWith(OPTIMIZER)) o.put(n.substring(OPTIMIZER.length()), t);
                else if (n.startsWith(EMA)) e.put(n.substring(EMA.length()), t);
                else if (n.startsWith(SWA)) w.put(n.substring(SWA.length()), t);
                else throw new IllegalArgumentException(file + ": unexpected tensor '" + n + "' in a checkpoint");
            });
            copyInto(m, model.stateDict(), file, "model");
            optimizer.loadStateDict(o);
            if (emaOrNull != null) copyInto(e, emaOrNull.averages(), file, "ema");
            else if (!e.isEmpty()) throw new IllegalArgumentException(file + ": holds an EMA but this run has none");
            if (swaOrNull != null) swaOrNull.loadStateDict(w);
            else if (!w.isEmpty()) throw new IllegalArgumentException(file + ": holds an SWA average but this run has none");
            return new Progress(Integer.parseInt(meta.get("epochs_done")), Double.parseDouble(meta.get("best_dice")),
                    Integer.parseInt(meta.get("best_epoch")));
        }
    }

    private static void copyInto(Map<String, Tensor> src, Map<String, Tensor> dst, Path file, String what) {
        if (!src.keySet().equals(dst.keySet())) {
            throw new IllegalArgumentException(file + ": the checkpoint's " + what + " tensors " + src.keySet()
                    + " do not match this run's " + dst.keySet());
        }
        for (Map.Entry<String, Tensor> en : dst.entrySet()) {
            Tensor s = src.get(en.getKey()), d = en.getValue();
            if (!s.shape().equals(d.shape()) || s.dtype() != d.dtype()) {
                throw new IllegalArgumentException(file + ": " + what + " tensor '" + en.getKey() + "' is " + s.describe()
                        + " in the checkpoint but " + d.describe() + " in this run");
            }
        }
        for (Map.Entry<String, Tensor> en : dst.entrySet()) en.getValue().copy_(src.get(en.getKey()));
    }

    /** The options that must match for a resume to continue the same run. */
    static String fingerprint(TrainingOptions o) {
        return "epochs=" + o.epochs() + " steps=" + o.stepsPerEpoch() + " batch=" + o.batchSize() + " loss=" + o.loss()
                + " deep=" + o.deepSupervision() + " optimizer=" + o.optimizer() + " lr=" + o.lr() + " wd=" + o.weightDecay()
                + " momentum=" + o.momentum() + " nesterov=" + o.nesterov() + " schedule=" + o.schedule() + " clip=" + o.clipNorm()
                + " l2=" + o.l2() + " ema=" + o.emaDecay() + " seed=" + o.seed() + (o.swaStartEpoch() >= 0 ? " swa=" + o.swaStartEpoch() : "");
    }
}
