package org.voxelforge.train.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.voxelforge.autograd.NoGrad;
import org.voxelforge.core.DType;
import org.voxelforge.core.Device;
import org.voxelforge.core.NativeMemory;
import org.voxelforge.core.PadMode;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/**
 * Whole-volume prediction from patch-sized windows, as nnU-Net does it:
 * <ol>
 *   <li>pad the volume [C, X, Y, Z] with zeros (half before, the rest after) on every axis
 *       shorter than the patch;
 *   <li>place windows at {@link WindowSteps} (overlap 0.5 by default) so they cover it;
 *   <li>predict {@code batchSize} windows per call of the {@link PatchPredictor};
 *   <li>add each window's probabilities times the {@link GaussianImportance} map (or times 1
 *       without Gaussian weighting) into an accumulator, and the map into a weight sum;
 *   <li>divide by the weight sum and cut the padding away.
 * </ol>
 * Each batch runs in its own {@link TensorScope} under {@link NoGrad}, so memory stays at the two
 * accumulators plus one batch's activations whatever the volume size. The volume, the weight map
 * and the accumulators live on the predictor's {@link PatchPredictor#device()}: on a GPU the
 * windows never leave it, and only the final probabilities come back to the host.
 */
public final class SlidingWindow {

    /**
     * @param patchSize   the window, [X, Y, Z] (the model's training patch)
     * @param overlap     fraction of the patch neighbouring windows share, in [0, 1); 0.5 by default
     * @param batchSize   windows per predictor call
     * @param gaussian    weight windows by the Gaussian importance map (else uniformly)
     * @param sigmaScale  Gaussian sigma as a fraction of the patch size (1/8 by default)
     */
    public record Options(int[] patchSize, double overlap, int batchSize, boolean gaussian, double sigmaScale) {
        public Options {
            if (patchSize == null || patchSize.length != 3 || Arrays.stream(patchSize).anyMatch(p -> p < 1)) {
                throw new IllegalArgumentException("sliding window: patch size must be 3 sizes >= 1, got " + Arrays.toString(patchSize));
            }
            if (!(overlap >= 0 && overlap < 1)) throw new IllegalArgumentException("sliding window: overlap must be in [0, 1), got " + overlap);
            if (batchSize < 1) throw new IllegalArgumentException("sliding window: batch size must be >= 1, got " + batchSize);
            if (!(sigmaScale > 0)) throw new IllegalArgumentException("sliding window: sigma scale must be > 0, got " + sigmaScale);
            patchSize = patchSize.clone();
        }

        public static Options of(int... patchSize) {
            return new Options(patchSize, 0.5, 1, true, GaussianImportance.DEFAULT_SIGMA_SCALE);
        }

        @Override public int[] patchSize() { return patchSize.clone(); }

        public Options withOverlap(double v) { return new Options(patchSize, v, batchSize, gaussian, sigmaScale); }
        public Options withBatchSize(int v) { return new Options(patchSize, overlap, v, gaussian, sigmaScale); }
        public Options withGaussian(boolean v) { return new Options(patchSize, overlap, batchSize, v, sigmaScale); }
        public Options withSigmaScale(double v) { return new Options(patchSize, overlap, batchSize, gaussian, v); }
    }

    /** What one run did: windows placed, predictor calls, and the peak of live tensor memory during it. */
    public record Stats(int windows, int calls, long peakBytes) {}

    /** Probabilities [K, X, Y, Z] on the input's grid, and the run's {@link Stats}. */
    public record Result(Tensor probabilities, Stats stats) implements AutoCloseable {
        @Override public void close() { probabilities.close(); }
    }

    private SlidingWindow() {}

    /**
     * Predicts {@code image} [C, X, Y, Z] (float32). Resets {@link NativeMemory#resetPeak()} at
     * the start so {@link Stats#peakBytes()} is this run's peak (all threads' tensors count).
     */
    public static Result predict(PatchPredictor predictor, Tensor image, Options opt) {
        if (image.rank() != 4) {
            throw new IllegalArgumentException("sliding window: image must be [C, X, Y, Z], got " + image.describe());
        }
        NativeMemory.resetPeak();
        int[] patch = opt.patchSize();
        int[] size = {image.dim(1), image.dim(2), image.dim(3)};
        int[] before = new int[4], after = new int[4], padded = new int[3];
        for (int a = 0; a < 3; a++) {
            int missing = Math.max(0, patch[a] - size[a]);
            before[a + 1] = missing / 2;
            after[a + 1] = missing - missing / 2;
            padded[a] = size[a] + missing;
        }
        int[][] steps = WindowSteps.of(padded, patch, opt.overlap());
        List<int[]> starts = new ArrayList<>();
        for (int x : steps[0]) for (int y : steps[1]) for (int z : steps[2]) starts.add(new int[] {x, y, z});

        int calls = 0;
        try (NoGrad ignored = NoGrad.enter(); TensorScope scope = new TensorScope()) {
            Device device = predictor.device();
            Tensor input = image.to(device);
            if (input.dtype() != DType.FLOAT32) input = input.cast(DType.FLOAT32);
            input = Arrays.stream(before).anyMatch(b -> b > 0) || Arrays.stream(after).anyMatch(b -> b > 0)
                    ? input.pad(before, after, PadMode.CONSTANT, 0) : input;
            Tensor weight = (opt.gaussian() ? GaussianImportance.map(patch, opt.sigmaScale()) : Tensor.ones(patch)).transferTo(device);
            Tensor weightSum = Tensor.zeros(device, DType.FLOAT32, padded);
            Tensor acc = null;
            for (int first = 0; first < starts.size(); first += opt.batchSize()) {
                List<int[]> batch = starts.subList(first, Math.min(starts.size(), first + opt.batchSize()));
                try (TensorScope step = new TensorScope()) {
                    List<Tensor> windows = new ArrayList<>();
                    for (int[] s : batch) windows.add(window(input, s, patch));
                    Tensor probs = predictor.predict(Tensor.stack(windows, 0));
                    calls++;
                    if (probs.rank() != 5 || probs.dim(0) != batch.size() || probs.dim(2) != patch[0]
                            || probs.dim(3) != patch[1] || probs.dim(4) != patch[2]) {
                        throw new IllegalArgumentException("sliding window: the predictor turned " + batch.size() + " windows of "
                                + Arrays.toString(patch) + " into " + probs.describe() + "; expected [" + batch.size() + ", K, "
                                + patch[0] + ", " + patch[1] + ", " + patch[2] + "]");
                    }
                    if (acc == null) {
                        acc = step.retain(Tensor.zeros(device, DType.FLOAT32, probs.dim(1), padded[0], padded[1], padded[2]));
                    } else if (probs.dim(1) != acc.dim(0)) {
                        throw new IllegalArgumentException("sliding window: the predictor changed its channel count from "
                                + acc.dim(0) + " to " + probs.dim(1));
                    }
                    Tensor weighted = probs.mul(weight.unsqueeze(0).unsqueeze(0));
                    for (int b = 0; b < batch.size(); b++) {
                        int[] s = batch.get(b);
                        Tensor target = window(acc, s, patch);
                        target.copy_(target.add(weighted.select(0, b)));
                        Tensor w = weightSum.slice(0, s[0], s[0] + patch[0]).slice(1, s[1], s[1] + patch[1]).slice(2, s[2], s[2] + patch[2]);
                        w.copy_(w.add(weight));
                    }
                }
            }
            Tensor out = acc.div(weightSum.unsqueeze(0));
            Tensor cropped = out.slice(1, before[1], before[1] + size[0]).slice(2, before[2], before[2] + size[1])
                    .slice(3, before[3], before[3] + size[2]).contiguous().transferTo(image.device());
            return new Result(scope.retain(cropped), new Stats(starts.size(), calls, NativeMemory.peakBytes()));
        }
    }

    /** The [C, px, py, pz] view of {@code t} [C, X, Y, Z] starting at {@code s}. */
    private static Tensor window(Tensor t, int[] s, int[] patch) {
        return t.slice(1, s[0], s[0] + patch[0]).slice(2, s[1], s[1] + patch[1]).slice(3, s[2], s[2] + patch[2]);
    }
}
