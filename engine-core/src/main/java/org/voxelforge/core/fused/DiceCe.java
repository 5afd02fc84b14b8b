package org.voxelforge.core.fused;

/**
 * CPU twin of kernels/src/main/cuda/dice_ce.cuh: softmax + cross-entropy + soft-Dice statistics
 * in one pass, the loss and its gradient coefficients from those statistics (host code that the
 * GPU path uses as well), and the backward pass that recomputes the softmax.
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
        int n = geo.n(), cc = geo.c(), s = geo.spatial();
        long chunkLen = Chunking.chunkLength(s);
        int chunks = Chunking.chunks(s, chunkLen);
        double[] stats = new double[geo.statsLength()];
        float[] acc = new float[SLOTS];
        for (int i = 0; i < n; i++) {
            for (int tile = 0; tile < geo.tiles(); tile++) {
                int c0 = tile * TILE;
                for (int k = 0; k < chunks; k++) {
                    java.util.Arrays.fill(acc, 0f);
                    long lo = k * chunkLen, hi = Math.min(s, lo + chunkLen);
                    for (int v = (int) lo; v < hi; v++) {
                        if (mask != null && mask[i * s + v] == 0f) continue;
                        int y = labels[i * s + v];
                        acc[33] += 1f;
                        if (y < 0 || y >= cc) { acc[34] += 1f; continue; }
                        int base = i * cc * s + v;
                        float mx = logits[base];
                        for (int c = 1; c < cc; c++) mx = Math.max(mx, logits[base + c * s]);
                        float sum = 0;
                        for (int c = 0; c < cc; c++) sum += (float) Math.exp(logits[base + c * s] - mx);
                        float inv = 1f / sum;
                        for (int j = 0; j < TILE && c0 + j < cc; j++) {
                            int c = c0 + j;
                            float p = (float) Math.exp(logits[base + c * s] - mx) * inv;
                            float t = c == y ? 1f : 0f;
                            acc[4 * j] += p * t;
                            acc[4 * j + 1] += p;
                            acc[4 * j + 2] += p * p;
                            acc[4 * j + 3] += t;
                        }
                        if (tile == 0) acc[32] += mx + (float) Math.log(sum) - logits[base + y * s];
                    }
                    // the finalize kernel: chunk partials summed in double
                    for (int j = 0; j < TILE && c0 + j < cc; j++) {
                        for (int q = 0; q < 4; q++) stats[(i * cc + c0 + j) * 4 + q] += acc[4 * j + q];
                    }
                    if (tile == 0) {
                        int o = n * cc * 4 + 3 * i;
                        stats[o] += acc[32];
                        stats[o + 1] += acc[33];
                        stats[o + 2] += acc[34];
                    }
                }
            }
        }
        return stats;
    }

    /**
     * The loss from the statistics and the backward coefficients times {@code upstream} (dL/dloss):
     * coefI[n,c] = dL/d(sum p t), coefP[n,c] = dL/dP (P = sum p or sum p^2), both 0 for an excluded
     * background; ceScale = ceWeight * upstream / annotated voxels.
     */
    public static Result finish(Geometry geo, double[] stats, Options o, double upstream) {
        int n = geo.n(), cc = geo.c();
        if (stats.length != geo.statsLength()) {
            throw new IllegalArgumentException("DiceCe: statistics have " + stats.length + " values, expected N*C*4 + N*3 = " + geo.statsLength());
        }
        if (!o.includeBackground() && cc < 2) {
            throw new IllegalArgumentException("DiceCe: excluding the background needs at least 2 channels, got C=" + cc);
        }
        double ceSum = 0, voxels = 0, bad = 0;
        for (int i = 0; i < n; i++) {
            ceSum += stats[n * cc * 4 + 3 * i];
            voxels += stats[n * cc * 4 + 3 * i + 1];
            bad += stats[n * cc * 4 + 3 * i + 2];
        }
        if (bad > 0) {
            throw new IllegalArgumentException("DiceCe: " + (long) bad + " annotated voxels have a label outside [0, " + cc
                    + ") for logits [" + n + ", " + cc + ", " + geo.spatial() + "]");
        }
        int first = o.includeBackground() ? 0 : 1;
        int k = cc - first;
        int q = o.squared() ? 2 : 1;
        float[] coefI = new float[n * cc], coefP = new float[n * cc];
        double diceSum = 0, s = o.smooth();
        int groups = o.batchDice() ? 1 : n;
        double count = (double) groups * k;
        for (int grp = 0; grp < groups; grp++) {
            for (int c = first; c < cc; c++) {
                double inter = 0, pred = 0, target = 0;
                for (int i = o.batchDice() ? 0 : grp; i < (o.batchDice() ? n : grp + 1); i++) {
                    inter += stats[(i * cc + c) * 4];
                    pred += stats[(i * cc + c) * 4 + q];
                    target += stats[(i * cc + c) * 4 + 3]; // t^2 = t for one-hot
                }
                double den = pred + target + s;
                diceSum += (2 * inter + s) / den;
                float ci = (float) (-o.diceWeight() * upstream / count * 2 / den);
                float cp = (float) (o.diceWeight() * upstream / count * (2 * inter + s) / (den * den));
                for (int i = o.batchDice() ? 0 : grp; i < (o.batchDice() ? n : grp + 1); i++) {
                    coefI[i * cc + c] = ci;
                    coefP[i * cc + c] = cp;
                }
            }
        }
        double meanDice = diceSum / count;
        double ce = voxels == 0 ? 0 : ceSum / voxels;
        float ceScale = voxels == 0 ? 0f : (float) (o.ceWeight() * upstream / voxels);
        double loss = o.diceWeight() * (1 - meanDice) + o.ceWeight() * ce;
        return new Result(loss, meanDice, ce, coefI, coefP, ceScale);
    }

    /** dlogits from the coefficients of {@link #finish}; softmax recomputed per voxel as the kernel does. */
    public static void backward(Geometry geo, float[] logits, int[] labels, float[] mask, Result r, boolean squared, float[] dlogits) {
        checkInputs(geo, logits, labels, mask);
        if (dlogits.length != logits.length) {
            throw new IllegalArgumentException("DiceCe: dlogits has " + dlogits.length + " elements, logits " + logits.length);
        }
        int n = geo.n(), cc = geo.c(), s = geo.spatial();
        float[] cI = r.coefI(), cP = r.coefP();
        float ceScale = r.ceScale();
        for (int i = 0; i < n; i++) {
            for (int v = 0; v < s; v++) {
                int y = labels[i * s + v], base = i * cc * s + v;
                if ((mask != null && mask[i * s + v] == 0f) || y < 0 || y >= cc) {
                    for (int c = 0; c < cc; c++) dlogits[base + c * s] = 0f;
                    continue;
                }
                float mx = logits[base];
                for (int c = 1; c < cc; c++) mx = Math.max(mx, logits[base + c * s]);
                float sum = 0;
                for (int c = 0; c < cc; c++) sum += (float) Math.exp(logits[base + c * s] - mx);
                float inv = 1f / sum, dot = 0;
                for (int c = 0; c < cc; c++) {
                    float p = (float) Math.exp(logits[base + c * s] - mx) * inv;
                    float g = (c == y ? cI[i * cc + c] : 0f) + cP[i * cc + c] * (squared ? 2f * p : 1f);
                    dot += p * g;
                }
                for (int c = 0; c < cc; c++) {
                    float p = (float) Math.exp(logits[base + c * s] - mx) * inv;
                    float t = c == y ? 1f : 0f;
                    float g = (c == y ? cI[i * cc + c] : 0f) + cP[i * cc + c] * (squared ? 2f * p : 1f);
                    dlogits[base + c * s] = p * (g - dot) + ceScale * (p - t);
                }
            }
        }
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
