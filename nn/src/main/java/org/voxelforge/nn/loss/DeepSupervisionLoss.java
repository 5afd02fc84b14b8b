package org.voxelforge.nn.loss;

import java.util.Arrays;
import java.util.List;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;

/**
 * Deep supervision as nnU-Net does it: heads ordered from full resolution down; head i gets
 * weight 1/2^i, the lowest-resolution head gets 0, and the weights are normalized to sum to 1.
 * The target (labels or one-hot, distance maps) and the mask are resized by nearest neighbour to
 * each head's spatial size, so the loss runs at every head's own resolution.
 *
 * <p>MIST's variant (upsample every head to full size, weights 0.5^k normalized) needs a
 * trilinear upsampling op, which the engine does not have yet.
 */
public final class DeepSupervisionLoss {
    private final Loss loss;
    private final double[] weights;

    /** Explicit weights, one per head (zeros skip a head). */
    public DeepSupervisionLoss(Loss loss, double[] weights) {
        if (weights.length == 0) throw new IllegalArgumentException("DeepSupervisionLoss: needs at least one head weight");
        this.loss = loss;
        this.weights = weights.clone();
    }

    /** nnU-Net's weights for {@code heads} heads. */
    public static DeepSupervisionLoss nnUNet(Loss loss, int heads) { return new DeepSupervisionLoss(loss, nnUNetWeights(heads)); }

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
            int[] size = Arrays.copyOfRange(head.dims(), 2, head.rank());
            Variable l = loss.compute(head, resized(target, head, size), resizedMask(maskOrNull, head, size)).mul(weights[i]);
            total = total == null ? l : total.add(l);
        }
        return total;
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
