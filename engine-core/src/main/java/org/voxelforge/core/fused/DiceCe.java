package org.voxelforge.core.fused;

/**
 * CPU twin of the Dice + CE kernels of kernels/src/main/cuda/dice_ce.cuh: softmax + cross-entropy
 * + soft-Dice statistics in one pass, the loss and its gradient coefficients from those statistics
 * (host code that the GPU path uses as well), and the backward pass that recomputes the softmax.
 * The passes and the finish are {@link RegionLossTwin} and {@link RegionLoss} with a Dice and a
 * cross-entropy term (the same operations in the same order as before they were generalised).
 *
 * <p>Inputs: logits [N, C, S] float32, labels [N, S] int32, mask [N, S] or null (0 = unannotated,
 * anything else = annotated with weight 1). Loss = diceWeight * (1 - mean Dice) + ceWeight * CE,
 * with CE the mean of -log p_label over annotated voxels and Dice = (2 sum p t + s) / (P + T + s),
 * P = sum p (or sum p^2 when squared), T = sum t; per sample and class, or per class over the batch
 * (batch Dice); the background channel 0 included or not. This covers
 * org.voxelforge.nn.loss.DiceCeLoss with an unweighted CrossEntropyLoss and any SoftDiceLoss
 * (MIST: squared, per sample, background, s = 1e-6, 0.5/0.5; nnU-Net: plain, batch, no
 * background, s = 1e-5, 1/1). Class-weighted CE and soft (float) targets are not covered.
 */
public final class DiceCe {
    /** Partial slots per block, as VF_DICE_SLOTS: 8 classes x (p t, p, p^2, t), CE, voxels, bad labels. */
    public static final int TILE = 8;
    public static final int SLOTS = 4 * TILE + 3;

    private DiceCe() {}

    public record Options(boolean squared, boolean batchDice, boolean includeBackground, double smooth,
                          double diceWeight, double ceWeight) {
        public Options {
            if (!(smooth >= 0)) throw new IllegalArgumentException("DiceCe: smooth must be >= 0, got " + smooth);
        }

        /** MIST's dice_ce: 0.5 * (squared Dice per sample with background, s = 1e-6) + 0.5 * CE. */
        public static Options mist() { return new Options(true, false, true, 1e-6, 0.5, 0.5); }

        /** nnU-Net's DC_and_CE: plain batch Dice without background, s = 1e-5, plus CE, 1 : 1. */
        public static Options nnUNet() { return new Options(false, true, false, 1e-5, 1.0, 1.0); }
    }

    /** [N, C, S] logits with [N, S] labels. */
    public record Geometry(int n, int c, int spatial) {
        public Geometry {
            if (n < 1 || c < 1 || spatial < 1) {
                throw new IllegalArgumentException("DiceCe: need N, C, S >= 1, got N=" + n + ", C=" + c + ", S=" + spatial);
            }
        }

        public int tiles() { return Math.ceilDiv(c, TILE); }
        /** Length of the statistics array: [N][C][4] then [N][3]. */
        public int statsLength() { return n * c * 4 + n * 3; }
    }

    /** The loss, its parts, and what the backward pass needs (coefficients scaled by the upstream gradient). */
    public record Result(double loss, double meanDice, double crossEntropy, float[] coefI, float[] coefP, float ceScale) {}

    /**
     * The statistics: [N][C][4] = (sum p t, sum p, sum p^2, sum t) over annotated voxels, then
     * [N][3] = (sum -log p_label, annotated voxels, annotated voxels with a label outside [0, C)),
     * as the partial and finalize kernels compute them.
     */
    public static double[] statistics(Geometry geo, float[] logits, int[] labels, float[] mask) {
        checkInputs(geo, logits, labels, mask);
        return RegionLossTwin.statistics(geo, logits, labels, mask, RegionLossTwin.PerVoxel.DICE_CE);
    }

    /**
     * The loss from the statistics and the backward coefficients times {@code upstream} (dL/dloss):
     * coefI[n,c] = dL/d(sum p t), coefP[n,c] = dL/dP (P = sum p or sum p^2), both 0 for an excluded
     * background; ceScale = ceWeight * upstream / annotated voxels.
     */
    public static Result finish(Geometry geo, double[] stats, Options o, double upstream) {
        RegionLoss.Result r = RegionLoss.finish("DiceCe", geo, stats, RegionLoss.Terms.of(o), upstream);
        return new Result(r.loss(), r.overlap(), r.classification(), r.coefI(), r.coefP(), r.clsScale());
    }

    /** dlogits from the coefficients of {@link #finish}; softmax recomputed per voxel as the kernel does. */
    public static void backward(Geometry geo, float[] logits, int[] labels, float[] mask, Result r, boolean squared, float[] dlogits) {
        checkInputs(geo, logits, labels, mask);
        if (dlogits.length != logits.length) {
            throw new IllegalArgumentException("DiceCe: dlogits has " + dlogits.length + " elements, logits " + logits.length);
        }
        RegionLossTwin.backward(geo, logits, labels, mask, RegionLossTwin.PerVoxel.DICE_CE, r.coefI(), r.coefP(), null, r.ceScale(),
                squared, dlogits);
    }

    private static void checkInputs(Geometry geo, float[] logits, int[] labels, float[] mask) {
        long voxels = (long) geo.n() * geo.spatial();
        if (logits.length != voxels * geo.c() || labels.length != voxels || (mask != null && mask.length != voxels)) {
            throw new IllegalArgumentException("DiceCe: logits (" + logits.length + " elements), labels (" + labels.length
                    + ") and mask (" + (mask == null ? "none" : mask.length) + ") must be [N, C, S], [N, S], [N, S] with N="
                    + geo.n() + ", C=" + geo.c() + ", S=" + geo.spatial());
        }
    }
}
