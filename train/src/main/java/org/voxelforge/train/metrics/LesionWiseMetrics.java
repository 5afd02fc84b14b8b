package org.voxelforge.train.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Lesion-wise Dice, HD95 and F1 by the BraTS 2023 rules, for one final class of one case.
 *
 * <ol>
 *   <li>Ground-truth lesions: dilate the GT mask once by the 3x3x3 cube, take the 26-connected
 *       components of the dilated mask, and restrict each back to the original GT voxels, so
 *       lesions that nearly touch count as one.</li>
 *   <li>Predicted lesions: 26-connected components of the prediction.</li>
 *   <li>GT lesions of at most {@code minLesionVoxels} (50) voxels are ignored, and so are
 *       predicted components that overlap only such lesions.</li>
 *   <li>Each remaining GT lesion is scored against the union of the predicted components that
 *       intersect it: Dice and HD95 of that pair (a true positive); a lesion no component touches
 *       is a false negative scored Dice 0, HD95 374 ({@code missHd95}).</li>
 *   <li>Each predicted component intersecting no GT lesion is a false positive: Dice 0, HD95 374.</li>
 * </ol>
 * Lesion-wise Dice and HD95 are the means over all these entries; F1 = 2TP / (2TP + FP + FN).
 * With no entries at all (nothing to find, nothing predicted) Dice and F1 are 1 and HD95 is 0.
 */
public final class LesionWiseMetrics {
    public static final int BRATS_MIN_LESION_VOXELS = 50;
    public static final double BRATS_MISS_HD95 = 374;

    private LesionWiseMetrics() {}

    /** One scored entry: a GT lesion (with its size) or a false-positive component (gtVoxels 0). */
    public record Entry(int gtVoxels, int predVoxels, double dice, double hd95) {}

    public record Result(double dice, double hd95, int tp, int fp, int fn, double f1, List<Entry> entries) {}

    public static Result of(boolean[] pred, boolean[] gt, int[] dims, double[] spacing) {
        return of(pred, gt, dims, spacing, BRATS_MIN_LESION_VOXELS, BRATS_MISS_HD95);
    }

    public static Result of(boolean[] pred, boolean[] gt, int[] dims, double[] spacing, int minLesionVoxels, double missHd95) {
        int n = LabelMap.voxels(dims);
        LabelMap.checkSameGrid("lesion_wise_metrics", n, pred, gt);
        ConnectedComponents.Components groups = ConnectedComponents.label(BinaryMorphology.dilateCube(gt, dims), dims, Connectivity.CORNER);
        int[] lesionOf = new int[n];
        int[] lesionSize = new int[groups.count() + 1];
        for (int i = 0; i < n; i++) if (gt[i]) { lesionOf[i] = groups.labels()[i]; lesionSize[lesionOf[i]]++; }
        ConnectedComponents.Components predCc = ConnectedComponents.label(pred, dims, Connectivity.CORNER);

        // which predicted components touch which GT lesions
        List<Set<Integer>> compsOfLesion = new ArrayList<>();
        for (int l = 0; l <= groups.count(); l++) compsOfLesion.add(new HashSet<>());
        boolean[] touchesAny = new boolean[predCc.count() + 1];
        for (int i = 0; i < n; i++) {
            int c = predCc.labels()[i], l = lesionOf[i];
            if (c != 0 && l != 0) { compsOfLesion.get(l).add(c); touchesAny[c] = true; }
        }
        int[][] lesionVoxels = voxelLists(lesionOf, groups.count());
        int[][] compVoxels = voxelLists(predCc.labels(), predCc.count());

        List<Entry> entries = new ArrayList<>();
        int tp = 0, fn = 0, fp = 0;
        for (int l = 1; l <= groups.count(); l++) {
            if (lesionSize[l] == 0 || lesionSize[l] <= minLesionVoxels) continue;
            Set<Integer> comps = compsOfLesion.get(l);
            if (comps.isEmpty()) {
                fn++;
                entries.add(new Entry(lesionSize[l], 0, 0, missHd95));
                continue;
            }
            tp++;
            List<int[]> parts = new ArrayList<>();
            for (int c : comps) parts.add(compVoxels[c]);
            entries.add(score(lesionVoxels[l], concat(parts), dims, spacing));
        }
        for (int c = 1; c <= predCc.count(); c++) {
            if (touchesAny[c]) continue;
            fp++;
            entries.add(new Entry(0, predCc.sizes()[c], 0, missHd95));
        }
        if (entries.isEmpty()) return new Result(1, 0, 0, 0, 0, 1, entries);
        double dice = 0, hd = 0;
        for (Entry e : entries) { dice += e.dice(); hd += e.hd95(); }
        double f1 = 2.0 * tp / (2.0 * tp + fp + fn);
        return new Result(dice / entries.size(), hd / entries.size(), tp, fp, fn, f1, entries);
    }

    /** Dice and HD95 of one GT lesion against a set of predicted voxels, in their bounding box. */
    private static Entry score(int[] gtIdx, int[] predIdx, int[] dims, double[] spacing) {
        int ny = dims[1], nz = dims[2];
        int[] lo = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE}, hi = {-1, -1, -1};
        for (int[] list : new int[][] {gtIdx, predIdx})
            for (int i : list) {
                int[] c = {i / (nz * ny), (i / nz) % ny, i % nz};
                for (int k = 0; k < 3; k++) { lo[k] = Math.min(lo[k], c[k]); hi[k] = Math.max(hi[k], c[k]); }
            }
        int[] cd = new int[3];
        for (int k = 0; k < 3; k++) {
            lo[k] = Math.max(0, lo[k] - 1);
            hi[k] = Math.min(dims[k] - 1, hi[k] + 1);
            cd[k] = hi[k] - lo[k] + 1;
        }
        boolean[] g = new boolean[cd[0] * cd[1] * cd[2]], p = new boolean[g.length];
        fill(g, gtIdx, dims, lo, cd);
        fill(p, predIdx, dims, lo, cd);
        int inter = 0;
        for (int i = 0; i < g.length; i++) if (g[i] && p[i]) inter++;
        double dice = 2.0 * inter / (gtIdx.length + predIdx.length);
        double hd95 = SurfaceDistances.uncropped(p, g, cd, spacing).hd95();
        return new Entry(gtIdx.length, predIdx.length, dice, hd95);
    }

    private static void fill(boolean[] m, int[] idx, int[] dims, int[] lo, int[] cd) {
        int ny = dims[1], nz = dims[2];
        for (int i : idx) {
            int x = i / (nz * ny) - lo[0], y = (i / nz) % ny - lo[1], z = i % nz - lo[2];
            m[(x * cd[1] + y) * cd[2] + z] = true;
        }
    }

    private static int[][] voxelLists(int[] labels, int count) {
        int[] sizes = new int[count + 1];
        for (int v : labels) sizes[v]++;
        int[][] lists = new int[count + 1][];
        for (int c = 1; c <= count; c++) lists[c] = new int[sizes[c]];
        int[] fillAt = new int[count + 1];
        for (int i = 0; i < labels.length; i++) {
            int c = labels[i];
            if (c != 0) lists[c][fillAt[c]++] = i;
        }
        return lists;
    }

    private static int[] concat(List<int[]> parts) {
        int total = 0;
        for (int[] p : parts) total += p.length;
        int[] out = new int[total];
        int k = 0;
        for (int[] p : parts) { System.arraycopy(p, 0, out, k, p.length); k += p.length; }
        return out;
    }
}
