package org.voxelforge.nn.loss;

import java.util.Arrays;
import java.util.List;
import org.voxelforge.autograd.ConvOps;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.UpsampleMode;

/**
 * A loss over the heads of a deeply supervised network, ordered from full resolution down.
 * Two ways to match a head to the full-resolution target:
 * <ul>
 * <li>{@link Matching#DOWNSAMPLE_TARGETS}, nnU-Net: the target (labels or one-hot, distance
 *     maps) and the mask are resized by nearest neighbour to each head's size; head i has weight
 *     1/2^i, the lowest-resolution head 0, normalized to sum 1 ({@link #nnUNet}). Distance maps
 *     are sampled, not recomputed, so their values stay in full-resolution voxel units.
 * <li>{@link Matching#UPSAMPLE_PREDICTIONS}, MIST: each 3D head's logits are upsampled
 *     trilinearly (align_corners false) to the target's size; weights 0.5^k normalized
 *     ({@link #mist}).
 * </ul>
 */
public final class DeepSupervisionLoss {
    public enum Matching { DOWNSAMPLE_TARGETS, UPSAMPLE_PREDICTIONS }

    private final Loss loss;
    private final double[] weights;
    private final Matching matching;

    /** Explicit weights, one per head (zeros skip a head). */
    public DeepSupervisionLoss(Loss loss, double[] weights, Matching matching) {
        if (weights.length == 0) throw new IllegalArgumentException("DeepSupervisionLoss: needs at least one head weight");
        this.loss = loss;
        this.weights = weights.clone();
        this.matching = matching;
    }

    /** nnU-Net's weights and target downsampling for {@code heads} heads. */
    public static DeepSupervisionLoss nnUNet(Loss loss, int heads) {
        return new DeepSupervisionLoss(loss, nnUNetWeights(heads), Matching.DOWNSAMPLE_TARGETS);
    }

    /** MIST's weights 0.5^k / sum and trilinear upsampling of the heads. */
    public static DeepSupervisionLoss mist(Loss loss, int heads) {
        if (heads < 1) throw new IllegalArgumentException("DeepSupervisionLoss: heads must be >= 1, got " + heads);
        double[] w = new double[heads];
        double sum = 0;
        for (int k = 0; k < heads; k++) sum += w[k] = Math.pow(0.5, k);
        for (int k = 0; k < heads; k++) w[k] /= sum;
        return new DeepSupervisionLoss(loss, w, Matching.UPSAMPLE_PREDICTIONS);
    }

    /** 1/2^i, the last (lowest resolution) head 0 when there are several, normalized to sum 1. */
    public static double[] nnUNetWeights(int heads) {
        if (heads < 1) throw new IllegalArgumentException("DeepSupervisionLoss: heads must be >= 1, got " + heads);
        double[] w = new double[heads];
        double sum = 0;
        for (int i = 0; i < heads; i++) {
            w[i] = (heads > 1 && i == heads - 1) ? 0 : Math.pow(0.5, i);
            sum += w[i];
        }
        for (int i = 0; i < heads; i++) w[i] /= sum;
        return w;
    }

    public double[] weights() { return weights.clone(); }

    public Loss loss() { return loss; }

    public Matching matching() { return matching; }

    public Variable compute(List<Variable> heads, Tensor target, Tensor maskOrNull) {
        return compute(heads, LossTarget.of(target), maskOrNull);
    }

    public Variable compute(List<Variable> heads, LossTarget target, Tensor maskOrNull) {
        if (heads.size() != weights.length) {
            throw new IllegalArgumentException("DeepSupervisionLoss: got " + heads.size() + " heads for " + weights.length
                    + " weights " + Arrays.toString(weights));
        }
        Variable total = null;
        for (int i = 0; i < heads.size(); i++) {
            if (weights[i] == 0) continue;
            Variable head = heads.get(i);
            Variable l;
            if (matching == Matching.UPSAMPLE_PREDICTIONS) {
                l = loss.compute(upsampled(head, heads.get(0)), target, maskOrNull);
            } else {
                int[] size = Arrays.copyOfRange(head.dims(), 2, head.rank());
                l = loss.compute(head, resized(target, head, size), resizedMask(maskOrNull, head, size));
            }
            l = l.mul(weights[i]);
            total = total == null ? l : total.add(l);
        }
        return total;
    }

    private static Variable upsampled(Variable head, Variable full) {
        int[] size = Arrays.copyOfRange(full.dims(), 2, full.rank());
        if (Arrays.equals(size, Arrays.copyOfRange(head.dims(), 2, head.rank()))) return head;
        if (head.rank() != 5) {
            throw new IllegalArgumentException("DeepSupervisionLoss: upsampling predictions needs 3D heads [N, C, D, H, W], got "
                    + head.value().describe() + "; use Matching.DOWNSAMPLE_TARGETS for other ranks");
        }
        return ConvOps.upsample3d(head, size, UpsampleMode.TRILINEAR, false);
    }

    private static LossTarget resized(LossTarget t, Variable head, int[] size) {
        Tensor labels = t.labels();
        // labels [N, spatial...] or [N, C or 1, spatial...]
        int first = labels.rank() == head.rank() ? 2 : 1;
        Tensor l = NearestResize.resize(labels, first, size);
        Tensor d = t.distanceMaps() == null ? null : NearestResize.resize(t.distanceMaps(), 2, size);
        return new LossTarget(l, d);
    }

    private static Tensor resizedMask(Tensor mask, Variable head, int[] size) {
        if (mask == null) return null;
        return NearestResize.resize(mask, mask.rank() == head.rank() ? 2 : 1, size);
    }
}
