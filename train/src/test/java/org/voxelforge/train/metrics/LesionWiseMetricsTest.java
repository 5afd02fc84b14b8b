package org.voxelforge.train.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LesionWiseMetricsTest {
    private static final int[] D = {24, 24, 24};
    private static final double[] S = {1, 1, 1};

    @Test
    void truePositiveFalseNegativeFalsePositiveAndIgnoredDust() {
        int[] gt = new int[D[0] * D[1] * D[2]], pred = new int[gt.length];
        Volumes.box(gt, D, 2, 6, 2, 6, 2, 6, 1);        // lesion A, 64 voxels: found exactly
        Volumes.box(gt, D, 14, 18, 14, 18, 14, 18, 1);  // lesion B, 64 voxels: missed
        Volumes.box(gt, D, 2, 4, 18, 20, 18, 20, 1);    // dust, 8 voxels: ignored
        Volumes.box(pred, D, 2, 6, 2, 6, 2, 6, 1);
        Volumes.box(pred, D, 2, 4, 18, 21, 18, 20, 1);  // overlaps only the dust: ignored
        Volumes.box(pred, D, 18, 22, 2, 5, 2, 5, 1);    // touches nothing: a false positive
        LesionWiseMetrics.Result r = LesionWiseMetrics.of(LabelMap.mask(pred, 1), LabelMap.mask(gt, 1), D, S);
        assertEquals(1, r.tp());
        assertEquals(1, r.fn());
        assertEquals(1, r.fp());
        assertEquals(3, r.entries().size());
        assertEquals(1.0 / 3, r.dice(), 1e-12);
        assertEquals(2 * 374.0 / 3, r.hd95(), 1e-12);
        assertEquals(0.5, r.f1(), 1e-12);
    }

    @Test
    void nearbyLesionsMergeThroughDilationAndSplitPredictionsUnite() {
        int[] gt = new int[D[0] * D[1] * D[2]], pred = new int[gt.length];
        Volumes.box(gt, D, 2, 6, 2, 6, 2, 6, 1);
        Volumes.box(gt, D, 8, 12, 2, 6, 2, 6, 1);   // two-voxel gap: one lesion after 3x3x3 dilation
        Volumes.box(pred, D, 2, 6, 2, 6, 2, 6, 1);
        Volumes.box(pred, D, 8, 12, 2, 6, 2, 6, 1); // two predicted components, one union
        LesionWiseMetrics.Result r = LesionWiseMetrics.of(LabelMap.mask(pred, 1), LabelMap.mask(gt, 1), D, S);
        assertEquals(1, r.entries().size());
        assertEquals(128, r.entries().get(0).gtVoxels());
        assertEquals(1, r.dice(), 1e-12);
        assertEquals(0, r.hd95(), 1e-12);

        int[] far = new int[gt.length];
        Volumes.box(far, D, 2, 6, 2, 6, 2, 6, 1);
        Volumes.box(far, D, 9, 13, 2, 6, 2, 6, 1);  // three-voxel gap: two lesions
        LesionWiseMetrics.Result two = LesionWiseMetrics.of(LabelMap.mask(far, 1), LabelMap.mask(far, 1), D, S);
        assertEquals(2, two.tp());
    }

    @Test
    void partialOverlapScoresDiceAndHd95OfThePair() {
        int[] gt = new int[D[0] * D[1] * D[2]], pred = new int[gt.length];
        Volumes.box(gt, D, 2, 8, 2, 8, 2, 8, 1);
        Volumes.box(pred, D, 4, 10, 2, 8, 2, 8, 1);
        boolean[] p = LabelMap.mask(pred, 1), g = LabelMap.mask(gt, 1);
        LesionWiseMetrics.Result r = LesionWiseMetrics.of(p, g, D, S);
        ClassMetrics whole = ClassMetrics.of(p, g, D, S, 1);
        assertEquals(whole.dice(), r.dice(), 1e-12);
        assertEquals(whole.hd95(), r.hd95(), 1e-12);
    }

    @Test
    void nothingToFindAndNothingPredictedIsPerfect() {
        boolean[] e = new boolean[D[0] * D[1] * D[2]];
        LesionWiseMetrics.Result r = LesionWiseMetrics.of(e, e, D, S);
        assertEquals(1, r.dice());
        assertEquals(0, r.hd95());
        assertEquals(1, r.f1());
    }
}
