package org.voxelforge.core.fused;

import java.util.Arrays;

/**
 * CPU twin of the passes of kernels/src/main/cuda/dice_ce.cuh (vf_dice_ce_* and vf_region_*):
 * the statistics pass over the logits (same chunks, same partial slots, the float sums of a
 * block, the chunks combined in double as the finalize kernel does) and the backward pass that
 * recomputes the softmax. Without focal and boundary terms it is the Dice + CE pass, operation for
 * operation (DiceCe delegates here).
 *
 * <p>Inputs: logits [N, C, S] float32, labels [N, S] int32, mask [N, S] or null (0 = unannotated),
 * signed distance maps phi [N, C, S] (boundary term only) or null.
 */
public final class RegionLossTwin {
    private RegionLossTwin() {}

    /** The per-voxel options of the passes: the focal form (alpha per class or null) and phi. */
    record PerVoxel(boolean focal, float gamma, float[] alpha, float[] dist) {
        static final PerVoxel DICE_CE = new PerVoxel(false, 0f, null, null);

        static PerVoxel of(RegionLoss.Terms t, float[] dist) {
            RegionLoss.Classification cl = t.classification();
            boolean focal = cl != null && cl.focal();
            float[] alpha = null;
            if (focal && cl.alpha() != null) {
                alpha = new float[cl.alpha().length];
                for (int c = 0; c < alpha.length; c++) alpha[c] = (float) cl.alpha()[c];
            }
            if ((t.boundary() != null) != (dist != null)) {
                throw new IllegalArgumentException("RegionLoss: the distance maps must be given exactly when there is a boundary term, got "
                        + (dist == null ? "none" : "maps") + " and " + (t.boundary() == null ? "no boundary term" : "a boundary term"));
            }
            return new PerVoxel(focal, focal ? (float) cl.gamma() : 0f, alpha, dist);
        }
    }

    /** The statistics of {@link RegionLoss} for these terms (the focal form and phi as they ask). */
    public static double[] statistics(DiceCe.Geometry geo, float[] logits, int[] labels, float[] mask, RegionLoss.Terms t, float[] dist) {
        return statistics(geo, logits, labels, mask, PerVoxel.of(t, dist));
    }

    static double[] statistics(DiceCe.Geometry geo, float[] logits, int[] labels, float[] mask, PerVoxel pv) {
        checkInputs(geo, logits, labels, mask, pv);
        int n = geo.n(), cc = geo.c(), s = geo.spatial();
        long chunkLen = Chunking.chunkLength(s);
        int chunks = Chunking.chunks(s, chunkLen);
        float[] dist = pv.dist();
        double[] stats = new double[geo.statsLength() + (dist == null ? 0 : n * cc)];
        int bAt = geo.statsLength();
        float[] acc = new float[RegionLoss.SLOTS];
        for (int i = 0; i < n; i++) {
            for (int tile = 0; tile < geo.tiles(); tile++) {
                int c0 = tile * DiceCe.TILE;
                for (int k = 0; k < chunks; k++) {
                    Arrays.fill(acc, 0f);
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
                        for (int j = 0; j < DiceCe.TILE && c0 + j < cc; j++) {
                            int c = c0 + j;
                            float p = (float) Math.exp(logits[base + c * s] - mx) * inv;
                            float t = c == y ? 1f : 0f;
                            acc[4 * j] += p * t;
                            acc[4 * j + 1] += p;
                            acc[4 * j + 2] += p * p;
                            acc[4 * j + 3] += t;
                            if (dist != null) acc[DiceCe.SLOTS + j] += p * dist[base + c * s];
                        }
                        if (tile == 0) {
                            float ce = mx + (float) Math.log(sum) - logits[base + y * s];
                            if (pv.focal()) {
                                float py = (float) Math.exp(logits[base + y * s] - mx) * inv;
                                acc[32] += focalTerm(ce, py, pv.alpha() == null ? 1f : pv.alpha()[y], pv.gamma());
                            } else {
                                acc[32] += ce;
                            }
                        }
                    }
                    // the finalize kernel: chunk partials summed in double
                    for (int j = 0; j < DiceCe.TILE && c0 + j < cc; j++) {
                        for (int q = 0; q < 4; q++) stats[(i * cc + c0 + j) * 4 + q] += acc[4 * j + q];
                        if (dist != null) stats[bAt + i * cc + c0 + j] += acc[DiceCe.SLOTS + j];
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

    /** vf_focal_term: alpha_y (1 - p_y)^gamma * ce, ce = -log p_y. */
    static float focalTerm(float ce, float py, float a, float gamma) {
        return gamma == 0f ? a * ce : a * (float) Math.pow(1f - py, gamma) * ce;
    }

    /**
     * vf_focal_weight: d/dz_c of -a (1 - p_y)^gamma log p_y is w (p_c - t_c) with
     * w = a (1 - p_y)^(gamma - 1) ((1 - p_y) + gamma p_y (-log p_y)); a at gamma 0, 0 at p_y = 1.
     */
    static float focalWeight(float ce, float py, float a, float gamma) {
        if (gamma == 0f) return a;
        float q = 1f - py;
        return q > 0f ? a * (float) Math.pow(q, gamma - 1f) * (q + gamma * py * ce) : 0f;
    }

    /** dlogits from {@link RegionLoss#finish}'s coefficients; the softmax recomputed per voxel as the kernels do. */
    public static void backward(DiceCe.Geometry geo, float[] logits, int[] labels, float[] mask, float[] dist, RegionLoss.Terms t,
                                RegionLoss.Result r, float[] dlogits) {
        backward(geo, logits, labels, mask, PerVoxel.of(t, dist), r.coefI(), r.coefP(), r.coefB(), r.clsScale(), t.squared(), dlogits);
    }

    static void backward(DiceCe.Geometry geo, float[] logits, int[] labels, float[] mask, PerVoxel pv, float[] cI, float[] cP,
                         float[] cB, float clsScale, boolean squared, float[] dlogits) {
        checkInputs(geo, logits, labels, mask, pv);
        if (dlogits.length != logits.length) {
            throw new IllegalArgumentException("RegionLoss: dlogits has " + dlogits.length + " elements, logits " + logits.length);
        }
        int n = geo.n(), cc = geo.c(), s = geo.spatial();
        float[] phi = pv.dist();
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
                float cls = clsScale;
                if (pv.focal()) {
                    float ce = mx + (float) Math.log(sum) - logits[base + y * s];
                    float py = (float) Math.exp(logits[base + y * s] - mx) * inv;
                    cls = clsScale * focalWeight(ce, py, pv.alpha() == null ? 1f : pv.alpha()[y], pv.gamma());
                }
                for (int c = 0; c < cc; c++) {
                    float p = (float) Math.exp(logits[base + c * s] - mx) * inv;
                    float g = (c == y ? cI[i * cc + c] : 0f) + cP[i * cc + c] * (squared ? 2f * p : 1f);
                    if (phi != null) g += cB[i * cc + c] * phi[base + c * s];
                    dot += p * g;
                }
                for (int c = 0; c < cc; c++) {
                    float p = (float) Math.exp(logits[base + c * s] - mx) * inv;
                    float tc = c == y ? 1f : 0f;
                    float g = (c == y ? cI[i * cc + c] : 0f) + cP[i * cc + c] * (squared ? 2f * p : 1f);
                    if (phi != null) g += cB[i * cc + c] * phi[base + c * s];
                    dlogits[base + c * s] = p * (g - dot) + cls * (p - tc);
                }
            }
        }
    }

    private static void checkInputs(DiceCe.Geometry geo, float[] logits, int[] labels, float[] mask, PerVoxel pv) {
        long voxels = (long) geo.n() * geo.spatial();
        if (logits.length != voxels * geo.c() || labels.length != voxels || (mask != null && mask.length != voxels)
                || (pv.dist() != null && pv.dist().length != logits.length)) {
            throw new IllegalArgumentException("RegionLoss: logits (" + logits.length + " elements), labels (" + labels.length
                    + "), mask (" + (mask == null ? "none" : mask.length) + ") and distance maps ("
                    + (pv.dist() == null ? "none" : pv.dist().length) + ") must be [N, C, S], [N, S], [N, S], [N, C, S] with N="
                    + geo.n() + ", C=" + geo.c() + ", S=" + geo.spatial());
        }
        if (pv.alpha() != null && pv.alpha().length != geo.c()) {
            throw new IllegalArgumentException("RegionLoss: " + pv.alpha().length + " focal class weights for C=" + geo.c()
                    + "; give one per channel");
        }
    }
}
