package org.voxelforge.train.ensemble;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * STAPLE (Warfield, Zou and Wells, IEEE TMI 2004): expectation-maximisation of each rater's
 * sensitivity p_j and specificity q_j and of the posterior W_i that voxel i is truly foreground.
 *
 * <p>Binary: the prior f is the mean fraction of foreground over all raters and voxels, kept
 * fixed (as ITK does); p and q start at 0.99. E-step: W_i = f a_i / (f a_i + (1-f) b_i) with
 * a_i = prod_j p_j^D_ij (1-p_j)^(1-D_ij) and b_i = prod_j q_j^(1-D_ij) (1-q_j)^D_ij, in logs.
 * M-step: p_j = sum_i W_i D_ij / sum_i W_i, q_j = sum_i (1-W_i)(1-D_ij) / sum_i (1-W_i).
 * Stops when no p_j or q_j moves by more than {@code tolerance}, or after {@code maxIterations}.
 *
 * <p>Voxels enter the sums only through their pattern of decisions, so the EM runs over the
 * distinct patterns with their counts ({@link #binary}); {@link #binaryPerVoxel} is the
 * per-voxel twin the tests compare it with.
 *
 * <p>Multi-label ({@link #multiLabel}): every label present in any map (0 included) is estimated
 * one-vs-rest by binary STAPLE; each voxel gets the label of highest posterior, ties to the
 * lower label. This is a simplification of Warfield's multi-category STAPLE, which estimates a
 * full confusion matrix per rater.
 */
public final class Staple {
    public static final double INITIAL = 0.99;

    private Staple() {}

    public record Result(double[] posterior, double[] sensitivity, double[] specificity, int iterations, boolean converged) {}

    public static Result binary(List<boolean[]> decisions, double tolerance, int maxIterations) {
        int r = decisions.size();
        if (r == 0 || r > 62) throw new IllegalArgumentException("staple: expected 1 to 62 raters, got " + r);
        int n = decisions.get(0).length;
        for (boolean[] d : decisions) {
            if (d.length != n) throw new IllegalArgumentException("staple: raters' masks have " + d.length + " and " + n + " voxels; expected one grid");
        }
        long[] code = new long[n];
        Map<Long, Integer> index = new HashMap<>();
        List<Long> patterns = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        int[] patternOf = new int[n];
        long ones = 0;
        for (int i = 0; i < n; i++) {
            long c = 0;
            for (int j = 0; j < r; j++) if (decisions.get(j)[i]) { c |= 1L << j; ones++; }
            code[i] = c;
            Integer k = index.get(c);
            if (k == null) { k = patterns.size(); index.put(c, k); patterns.add(c); counts.add(0L); }
            counts.set(k, counts.get(k) + 1);
            patternOf[i] = k;
        }
        int m = patterns.size();
        boolean[][] d = new boolean[m][r];
        double[] w = new double[m], cnt = new double[m];
        for (int k = 0; k < m; k++) {
            cnt[k] = counts.get(k);
            for (int j = 0; j < r; j++) d[k][j] = (patterns.get(k) >>> j & 1) != 0;
        }
        Result pr = em(d, cnt, ones / ((double) n * r), tolerance, maxIterations, w);
        double[] post = new double[n];
        for (int i = 0; i < n; i++) post[i] = w[patternOf[i]];
        return new Result(post, pr.sensitivity(), pr.specificity(), pr.iterations(), pr.converged());
    }

    /** The same EM with one row per voxel: slow, obviously right. */
    public static Result binaryPerVoxel(List<boolean[]> decisions, double tolerance, int maxIterations) {
        int r = decisions.size(), n = decisions.get(0).length;
        boolean[][] d = new boolean[n][r];
        double[] cnt = new double[n];
        long ones = 0;
        for (int i = 0; i < n; i++) {
            cnt[i] = 1;
            for (int j = 0; j < r; j++) { d[i][j] = decisions.get(j)[i]; if (d[i][j]) ones++; }
        }
        double[] w = new double[n];
        Result res = em(d, cnt, ones / ((double) n * r), tolerance, maxIterations, w);
        return new Result(w, res.sensitivity(), res.specificity(), res.iterations(), res.converged());
    }

    /** EM over rows of decisions d with weights cnt; fills w with the posteriors. */
    private static Result em(boolean[][] d, double[] cnt, double prior, double tolerance, int maxIterations, double[] w) {
        int m = d.length, r = m == 0 ? 0 : d[0].length;
        double[] p = new double[r], q = new double[r];
        java.util.Arrays.fill(p, INITIAL);
        java.util.Arrays.fill(q, INITIAL);
        double logF = Math.log(prior), log1F = Math.log(1 - prior);
        int it = 0;
        boolean converged = false;
        while (it < maxIterations && !converged) {
            it++;
            for (int k = 0; k < m; k++) {
                double la = logF, lb = log1F;
                for (int j = 0; j < r; j++) {
                    la += Math.log(d[k][j] ? p[j] : 1 - p[j]);
                    lb += Math.log(d[k][j] ? 1 - q[j] : q[j]);
                }
                w[k] = la == Double.NEGATIVE_INFINITY && lb == Double.NEGATIVE_INFINITY ? 0.5
                        : la >= lb ? 1 / (1 + Math.exp(lb - la)) : Math.exp(la - lb) / (1 + Math.exp(la - lb));
            }
            double maxChange = 0;
            for (int j = 0; j < r; j++) {
                double sw = 0, swd = 0, s1w = 0, s1wd = 0;
                for (int k = 0; k < m; k++) {
                    double wk = w[k] * cnt[k], vk = (1 - w[k]) * cnt[k];
                    sw += wk;
                    s1w += vk;
                    if (d[k][j]) swd += wk; else s1wd += vk;
                }
                double np = sw > 0 ? swd / sw : p[j], nq = s1w > 0 ? s1wd / s1w : q[j];
                maxChange = Math.max(maxChange, Math.max(Math.abs(np - p[j]), Math.abs(nq - q[j])));
                p[j] = np;
                q[j] = nq;
            }
            converged = maxChange <= tolerance;
        }
        return new Result(w, p, q, it, converged);
    }

    /** Multi-label fusion: one-vs-rest binary STAPLE per label, then argmax of posteriors (ties to the lower label). */
    public static int[] multiLabel(List<int[]> maps, double tolerance, int maxIterations) {
        int n = Inputs.check("staple", maps);
        TreeSet<Integer> labels = new TreeSet<>();
        for (int[] m : maps) for (int v : m) labels.add(v);
        int[] out = new int[n];
        double[] best = new double[n];
        java.util.Arrays.fill(best, -1);
        for (int label : labels) { // ascending, so '>' keeps the lower label on ties
            List<boolean[]> dec = new ArrayList<>();
            for (int[] m : maps) {
                boolean[] b = new boolean[n];
                for (int i = 0; i < n; i++) b[i] = m[i] == label;
                dec.add(b);
            }
            double[] w = binary(dec, tolerance, maxIterations).posterior();
            for (int i = 0; i < n; i++) if (w[i] > best[i]) { best[i] = w[i]; out[i] = label; }
        }
        return out;
    }
}
