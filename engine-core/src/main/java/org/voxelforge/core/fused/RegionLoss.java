package org.voxelforge.core.fused;

import java.util.Arrays;
import java.util.Objects;

/**
 * The losses the fused softmax kernels of dice_ce.cuh compute, and their host finish: from the
 * per-(sample, class) statistics of one pass over the logits ({@link RegionLossTwin#statistics},
 * the kernels vf_dice_ce_* / vf_region_*) to the loss value and the coefficients of the one
 * backward pass ({@link RegionLossTwin#backward}). Host code shared by the GPU and CPU paths.
 *
 * <p>A loss is a weighted sum of up to three {@link Terms}: an overlap term (soft Dice, or
 * Tversky) from sum p t, sum p (or p^2) and sum t per (n, c); a classification term (cross-entropy
 * or focal) from the per-voxel sum of -alpha_y (1 - p_y)^gamma log p_y, divided by the annotated
 * voxels; and a boundary term, the sum of p_c phi_c over annotated voxels and foreground classes
 * divided by annotated voxels * (C - 1). Each is what the composed nn loss of the same name
 * computes (SoftDiceLoss, TverskyLoss, CrossEntropyLoss, FocalLoss, BoundaryLoss).
 *
 * <p>Statistics: [N][C][4] (p t, p, p^2, t), [N][3] (classification sum, annotated voxels,
 * annotated voxels with a label outside [0, C)), then with a boundary term [N][C] (sum p phi).
 */
public final class RegionLoss {
    /** Partial slots per block of the vf_region_* kernels: DiceCe's 35, then p phi for 8 classes. */
    public static final int SLOTS = DiceCe.SLOTS + DiceCe.TILE;

    private RegionLoss() {}

    /** Soft Dice (squared or plain denominator) or Tversky (alpha FP, beta FN; plain sums). */
    public record Overlap(boolean tversky, boolean squared, boolean batchDice, boolean includeBackground, double smooth,
                          double alpha, double beta, double weight) {
        public Overlap {
            if (!(smooth >= 0)) throw new IllegalArgumentException("RegionLoss: smooth must be >= 0, got " + smooth);
            if (tversky && squared) throw new IllegalArgumentException("RegionLoss: the Tversky index has no squared form");
        }

        public static Overlap dice(boolean squared, boolean batchDice, boolean includeBackground, double smooth, double weight) {
            return new Overlap(false, squared, batchDice, includeBackground, smooth, 0.5, 0.5, weight);
        }

        public static Overlap tversky(double alpha, double beta, boolean batchDice, boolean includeBackground, double smooth, double weight) {
            return new Overlap(true, false, batchDice, includeBackground, smooth, alpha, beta, weight);
        }

        Overlap withWeight(double w) { return new Overlap(tversky, squared, batchDice, includeBackground, smooth, alpha, beta, w); }
    }

    /** Cross-entropy (gamma 0, alpha null) or focal: per voxel -alpha_y (1 - p_y)^gamma log p_y. */
    public record Classification(double gamma, double[] alpha, double weight) {
        public Classification {
            if (!(gamma >= 0)) throw new IllegalArgumentException("RegionLoss: focal gamma must be >= 0, got " + gamma);
            alpha = alpha == null ? null : alpha.clone();
        }

        public static Classification crossEntropy(double weight) { return new Classification(0, null, weight); }

        /** True when the kernels need the focal form (plain CE otherwise). */
        public boolean focal() { return gamma != 0 || alpha != null; }

        Classification withWeight(double w) { return new Classification(gamma, alpha, w); }

        @Override public boolean equals(Object o) {
            return o instanceof Classification c && c.gamma == gamma && Arrays.equals(c.alpha, alpha) && c.weight == weight;
        }

        @Override public int hashCode() { return Objects.hash(gamma, Arrays.hashCode(alpha), weight); }
    }

    /** The boundary loss with its weight. */
    public record Boundary(double weight) {}

    /** A weighted sum of at most one term of each kind (null = absent). */
    public record Terms(Overlap overlap, Classification classification, Boundary boundary) {
        /** DiceCe's options as terms. */
        public static Terms of(DiceCe.Options o) {
            return new Terms(Overlap.dice(o.squared(), o.batchDice(), o.includeBackground(), o.smooth(), o.diceWeight()),
                    Classification.crossEntropy(o.ceWeight()), null);
        }

        /** Every weight times k (a term of a weighted sum). */
        public Terms scaled(double k) {
            return new Terms(overlap == null ? null : overlap.withWeight(overlap.weight() * k),
                    classification == null ? null : classification.withWeight(classification.weight() * k),
                    boundary == null ? null : new Boundary(boundary.weight() * k));
        }

        /**
         * The sum of two losses' terms, or null when both have a term of the same kind with other
         * settings (two different overlap terms, CE and focal, ...): one pass computes one of each.
         */
        public Terms plus(Terms o) {
            if (o == null) return null;
            Overlap ov = overlap;
            if (o.overlap != null) {
                if (ov != null && !ov.withWeight(0).equals(o.overlap.withWeight(0))) return null;
                ov = ov == null ? o.overlap : ov.withWeight(ov.weight() + o.overlap.weight());
            }
            Classification cl = classification;
            if (o.classification != null) {
                if (cl != null && !cl.withWeight(0).equals(o.classification.withWeight(0))) return null;
                cl = cl == null ? o.classification : cl.withWeight(cl.weight() + o.classification.weight());
            }
            Boundary b = boundary;
            if (o.boundary != null) b = b == null ? o.boundary : new Boundary(b.weight() + o.boundary.weight());
            return new Terms(ov, cl, b);
        }

        /** True when the Dice + CE kernels suffice (no focal, no boundary: the same statistics, fewer slots). */
        public boolean diceCeKernels() { return (classification == null || !classification.focal()) && boundary == null; }

        /** True when this is exactly a Dice + cross-entropy sum (the op DiceCeLoss has always been). */
        public boolean isDiceCe() {
            return overlap != null && !overlap.tversky() && classification != null && !classification.focal() && boundary == null;
        }

        /** The squared-denominator flag of the backward (g_c = ... + coefP * 2 p_c). */
        public boolean squared() { return overlap != null && overlap.squared(); }

        /** Length of the statistics array for this geometry. */
        public int statsLength(DiceCe.Geometry geo) { return geo.statsLength() + (boundary == null ? 0 : geo.n() * geo.c()); }
    }

    /**
     * The loss and its parts (mean Dice or Tversky index, classification mean, boundary mean) and
     * the backward's coefficients times the upstream gradient: coefI[n,c] = dL/d(sum p t),
     * coefP[n,c] = dL/dP, coefB[n,c] = dL/d(sum p phi) (null without a boundary term), clsScale =
     * the classification weight * upstream / annotated voxels.
     */
    public record Result(double loss, double overlap, double classification, double boundary,
                         float[] coefI, float[] coefP, float[] coefB, float clsScale) {}

    /**
     * The loss from the statistics, with the backward coefficients times {@code upstream} (dL/dloss).
     * {@code loss} names the nn loss in error messages.
     */
    public static Result finish(String loss, DiceCe.Geometry geo, double[] stats, Terms t, double upstream) {
        int n = geo.n(), cc = geo.c();
        String logits = "logits [" + n + ", " + cc + ", " + geo.spatial() + "]";
        if (stats.length != t.statsLength(geo)) {
            throw new IllegalArgumentException(loss + ": statistics have " + stats.length + " values, expected "
                    + t.statsLength(geo) + " for " + logits + (t.boundary() == null ? "" : " with a boundary term"));
        }
        if (((t.overlap() != null && !t.overlap().includeBackground()) || t.boundary() != null) && cc < 2) {
            throw new IllegalArgumentException(loss + ": excluding the background needs at least 2 channels, got C=" + cc);
        }
        if (t.classification() != null && t.classification().alpha() != null && t.classification().alpha().length != cc) {
            throw new IllegalArgumentException(loss + ": " + t.classification().alpha().length + " focal class weights (alpha) for "
                    + logits + "; give one weight per channel, or null for all ones");
        }
        double clsSum = 0, voxels = 0, bad = 0;
        for (int i = 0; i < n; i++) {
            clsSum += stats[n * cc * 4 + 3 * i];
            voxels += stats[n * cc * 4 + 3 * i + 1];
            bad += stats[n * cc * 4 + 3 * i + 2];
        }
        if (bad > 0) {
            throw new IllegalArgumentException(loss + ": " + (long) bad + " annotated voxels have a label outside [0, " + cc
                    + ") for " + logits + "; labels must be class indices 0.." + (cc - 1)
                    + " (mark unannotated voxels with the mask, or give the model " + cc + "+ output channels)");
        }
        float[] coefI = new float[n * cc], coefP = new float[n * cc];
        double loss0 = 0, overlap = 0, cls = 0, bnd = 0;
        if (t.overlap() != null) {
            overlap = overlap(geo, stats, t.overlap(), upstream, coefI, coefP);
            loss0 = t.overlap().weight() * (1 - overlap);
        }
        float clsScale = 0f;
        if (t.classification() != null) {
            cls = voxels == 0 ? 0 : clsSum / voxels;
            clsScale = voxels == 0 ? 0f : (float) (t.classification().weight() * upstream / voxels);
            loss0 += t.classification().weight() * cls;
        }
        float[] coefB = null;
        if (t.boundary() != null) {
            coefB = new float[n * cc];
            double count = voxels * (cc - 1), sum = 0;
            int at = n * cc * 4 + 3 * n;
            for (int i = 0; i < n; i++) {
                for (int c = 1; c < cc; c++) sum += stats[at + i * cc + c];
            }
            bnd = count == 0 ? 0 : sum / count;
            float cb = count == 0 ? 0f : (float) (t.boundary().weight() * upstream / count);
            for (int i = 0; i < n; i++) {
                for (int c = 1; c < cc; c++) coefB[i * cc + c] = cb;
            }
            loss0 += t.boundary().weight() * bnd;
        }
        return new Result(loss0, overlap, cls, bnd, coefI, coefP, coefB, clsScale);
    }

    /**
     * The mean Dice or Tversky index over the (sample or batch, class) groups, filling coefI and
     * coefP. Dice: D = (2 I + s) / (P + T + s). Tversky: TI = (I + s) / (I + a (P - I) + b (T - I) + s),
     * so dTI/dI = 1/den - (I + s)(1 - a - b)/den^2 and dTI/dP = -(I + s) a / den^2.
     */
    private static double overlap(DiceCe.Geometry geo, double[] stats, Overlap o, double upstream, float[] coefI, float[] coefP) {
        int n = geo.n(), cc = geo.c();
        int first = o.includeBackground() ? 0 : 1;
        int k = cc - first;
        int q = o.squared() ? 2 : 1;
        double indexSum = 0, s = o.smooth();
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
                float ci, cp;
                if (o.tversky()) {
                    double num = inter + s, den = inter + (pred - inter) * o.alpha() + (target - inter) * o.beta() + s;
                    indexSum += num / den;
                    double w = o.weight() * upstream / count;
                    ci = (float) (-w * (1 / den - num * (1 - o.alpha() - o.beta()) / (den * den)));
                    cp = (float) (w * num * o.alpha() / (den * den));
                } else {
                    // the expressions of the original Dice + CE finish, operation for operation
                    double den = pred + target + s;
                    indexSum += (2 * inter + s) / den;
                    ci = (float) (-o.weight() * upstream / count * 2 / den);
                    cp = (float) (o.weight() * upstream / count * (2 * inter + s) / (den * den));
                }
                for (int i = o.batchDice() ? 0 : grp; i < (o.batchDice() ? n : grp + 1); i++) {
                    coefI[i * cc + c] = ci;
                    coefP[i * cc + c] = cp;
                }
            }
        }
        return indexSum / count;
    }
}
