package org.voxelforge.train.trainer;

import java.util.List;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.loss.RegionSpec;
import org.voxelforge.train.inference.Activation;
import org.voxelforge.train.inference.SlidingWindow;
import org.voxelforge.nn.Module;
import org.voxelforge.train.inference.Prediction;
import org.voxelforge.train.inference.Predictor;

/**
 * Validation on whole volumes: sliding-window prediction (Gaussian weighting, overlap 0.5),
 * argmax labels, then the Dice of each foreground class averaged over classes and cases.
 * A class absent from both prediction and ground truth scores 1 (nothing to find, nothing
 * found), as MIST's evaluation does.
 */
public final class ValidationDice {
    private ValidationDice() {}

    /** A validator of the mean foreground Dice over {@code cases} (softmax model, argmax labels). */
    public static Trainer.Validator softmax(List<LabeledVolume> cases, int[] patchSize, int numClasses) {
        List<LabeledVolume> copy = List.copyOf(cases);
        int[] patch = patchSize.clone();
        return model -> evaluate(model, copy, patch, numClasses);
    }

    /**
     * A validator of the mean Dice over overlapping regions (sigmoid model, probability above
     * 0.5 per channel) against the regions built from each case's label values.
     */
    public static Trainer.Validator regions(List<LabeledVolume> cases, int[] patchSize, RegionSpec regions) {
        List<LabeledVolume> copy = List.copyOf(cases);
        int[] patch = patchSize.clone();
        return model -> {
            double sum = 0;
            try (Predictor p = Predictor.of(model, Predictor.Options.of(patch).withActivation(Activation.SIGMOID))) {
                for (LabeledVolume c : copy) {
                    try (SlidingWindow.Result pr = p.probabilities(c.image()); TensorScope scope = new TensorScope()) {
                        Tensor probs = pr.probabilities();
                        Tensor truth = regions.build(c.labels().unsqueeze(0), DType.FLOAT32);
                        for (int r = 0; r < regions.size(); r++) {
                            sum += binaryDice(probs.select(0, r).gt(0.5), truth.select(0, 0).select(0, r));
                        }
                    }
                }
            }
            return sum / (copy.size() * regions.size());
        };
    }

    /** 2|P∩G| / (|P| + |G|) of two 0/1 masks of the same shape; 1 when both are empty. */
    static double binaryDice(Tensor p, Tensor g) {
        double inter = 0, sp = 0, sg = 0;
        long n = p.numel();
        for (long i = 0; i < n; i++) {
            boolean a = p.getFlat(i) != 0, b = g.getFlat(i) != 0;
            if (a) sp++;
            if (b) sg++;
            if (a && b) inter++;
        }
        return sp + sg == 0 ? 1.0 : 2 * inter / (sp + sg);
    }

    /** Mean foreground Dice of {@code model} over {@code cases}; leaves the model in eval mode. */
    public static double evaluate(Module model, List<LabeledVolume> cases, int[] patchSize, int numClasses) {
        if (cases.isEmpty()) throw new IllegalArgumentException("validation: no cases given");
        double sum = 0;
        try (Predictor p = Predictor.of(model, Predictor.Options.of(patchSize))) {
            for (LabeledVolume c : cases) {
                try (Prediction pr = p.predict(c.image())) {
                    sum += meanForegroundDice(pr.labels(), c.labels(), numClasses);
                }
            }
        }
        return sum / cases.size();
    }

    /** Mean over classes 1..numClasses-1 of 2|P∩G| / (|P| + |G|), both label maps [X, Y, Z]. */
    public static double meanForegroundDice(Tensor predicted, Tensor truth, int numClasses) {
        if (!predicted.shape().equals(truth.shape())) {
            throw new IllegalArgumentException("Dice: prediction " + predicted.describe() + " and ground truth " + truth.describe() + " differ in shape");
        }
        if (numClasses < 2) throw new IllegalArgumentException("Dice: needs at least one foreground class, got " + numClasses + " classes");
        long[] inter = new long[numClasses], p = new long[numClasses], g = new long[numClasses];
        long n = predicted.numel();
        for (long i = 0; i < n; i++) {
            int a = (int) predicted.getFlat(i), b = (int) truth.getFlat(i);
            if (a > 0 && a < numClasses) p[a]++;
            if (b > 0 && b < numClasses) g[b]++;
            if (a == b && a > 0 && a < numClasses) inter[a]++;
        }
        double sum = 0;
        for (int k = 1; k < numClasses; k++) sum += p[k] + g[k] == 0 ? 1.0 : 2.0 * inter[k] / (p[k] + g[k]);
        return sum / (numClasses - 1);
    }
}
