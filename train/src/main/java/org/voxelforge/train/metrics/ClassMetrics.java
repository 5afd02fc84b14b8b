package org.voxelforge.train.metrics;

/**
 * Voxel and surface metrics of one final class (a set of labels) of one case.
 *
 * <p>Empty masks follow MIST: both empty gives Dice/IoU/surface Dice 1 and distances 0; exactly
 * one empty gives Dice/IoU/surface Dice 0 and every distance (Hausdorff, HD95, ASSD) equal to the
 * image diagonal in mm, the largest distance the grid can hold. Precision with an empty
 * prediction and recall with an empty ground truth are 1 when both are empty, else 0;
 * specificity with no ground-truth background is 1.
 */
public record ClassMetrics(double dice, double iou, double precision, double recall, double specificity,
                           double hausdorff, double hd95, double assd, double surfaceDice) {

    /** All metrics; surface metrics cost two distance transforms over the masks' bounding box. */
    public static ClassMetrics of(boolean[] pred, boolean[] gt, int[] dims, double[] spacing, double toleranceMm) {
        return of(pred, gt, dims, spacing, toleranceMm, true);
    }

    /** With {@code surface} false the four surface metrics are NaN and cost nothing. */
    public static ClassMetrics of(boolean[] pred, boolean[] gt, int[] dims, double[] spacing, double toleranceMm, boolean surface) {
        int n = LabelMap.voxels(dims);
        LabelMap.checkSameGrid("class_metrics", n, pred, gt);
        long tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < n; i++) {
            if (pred[i]) { if (gt[i]) tp++; else fp++; }
            else if (gt[i]) fn++;
        }
        long tn = n - tp - fp - fn;
        boolean predEmpty = tp + fp == 0, gtEmpty = tp + fn == 0;
        boolean bothEmpty = predEmpty && gtEmpty;
        double dice = bothEmpty ? 1 : 2.0 * tp / (2.0 * tp + fp + fn);
        double iou = bothEmpty ? 1 : tp / (double) (tp + fp + fn);
        double precision = predEmpty ? (gtEmpty ? 1 : 0) : tp / (double) (tp + fp);
        double recall = gtEmpty ? (predEmpty ? 1 : 0) : tp / (double) (tp + fn);
        double specificity = tn + fp == 0 ? 1 : tn / (double) (tn + fp);
        double hd = Double.NaN, hd95 = Double.NaN, assd = Double.NaN, sd = Double.NaN;
        if (surface) {
            if (bothEmpty) { hd = 0; hd95 = 0; assd = 0; sd = 1; }
            else if (predEmpty || gtEmpty) {
                hd = hd95 = assd = LabelMap.diagonalMm(dims, spacing);
                sd = 0;
            } else {
                SurfaceDistances d = SurfaceDistances.of(pred, gt, dims, spacing);
                hd = d.hausdorff(); hd95 = d.hd95(); assd = d.assd(); sd = d.surfaceDice(toleranceMm);
            }
        }
        return new ClassMetrics(dice, iou, precision, recall, specificity, hd, hd95, assd, sd);
    }
}
