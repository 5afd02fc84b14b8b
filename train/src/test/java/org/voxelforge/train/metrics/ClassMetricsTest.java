package org.voxelforge.train.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClassMetricsTest {
    private static final int[] D = {14, 10, 10};

    @Test
    void twoCubesOffsetByKVoxelsAlongXHaveHausdorffKTimesSpacing() {
        double[] spacing = {2.0, 1.0, 0.5};
        for (int k = 1; k <= 3; k++) {
            boolean[] a = Volumes.boxMask(D, 2, 6, 2, 6, 2, 6), b = Volumes.boxMask(D, 2 + k, 6 + k, 2, 6, 2, 6);
            ClassMetrics m = ClassMetrics.of(a, b, D, spacing, 1.0);
            assertEquals(k * 2.0, m.hausdorff(), 1e-12, "k=" + k);
            int overlap = (4 - k) * 16;
            assertEquals(2.0 * overlap / 128, m.dice(), 1e-12);
            assertEquals(overlap / (128.0 - overlap), m.iou(), 1e-12);
            assertEquals(overlap / 64.0, m.precision(), 1e-12);
            assertEquals(overlap / 64.0, m.recall(), 1e-12);
            assertEquals((1400 - 64.0 - (64 - overlap)) / (1400 - 64.0), m.specificity(), 1e-12);
        }
    }

    @Test
    void identicalMasksArePerfect() {
        boolean[] a = Volumes.boxMask(D, 1, 7, 3, 8, 2, 5);
        ClassMetrics m = ClassMetrics.of(a, a.clone(), D, new double[] {1, 1, 1}, 0.0);
        assertEquals(1, m.dice());
        assertEquals(0, m.hausdorff());
        assertEquals(0, m.hd95());
        assertEquals(0, m.assd());
        assertEquals(1, m.surfaceDice());
    }

    @Test
    void emptyMasksFollowMist() {
        boolean[] empty = new boolean[1400], a = Volumes.boxMask(D, 1, 3, 1, 3, 1, 3);
        double[] s = {1, 2, 3};
        ClassMetrics both = ClassMetrics.of(empty, empty, D, s, 1);
        assertEquals(1, both.dice());
        assertEquals(0, both.hd95());
        assertEquals(1, both.surfaceDice());
        double diag = Math.sqrt(14 * 14 + 20 * 20 + 30 * 30);
        for (ClassMetrics one : new ClassMetrics[] {ClassMetrics.of(empty, a, D, s, 1), ClassMetrics.of(a, empty, D, s, 1)}) {
            assertEquals(0, one.dice());
            assertEquals(diag, one.hausdorff(), 1e-12);
            assertEquals(diag, one.hd95(), 1e-12);
            assertEquals(diag, one.assd(), 1e-12);
            assertEquals(0, one.surfaceDice());
        }
    }

    @Test
    void surfaceMetricsMatchBruteForceOnRandomBlobs() {
        Random r = new Random(11);
        double[] spacing = {1.3, 0.7, 2.1};
        for (int trial = 0; trial < 6; trial++) {
            boolean[] a = Volumes.blobs(D, r, 3), b = Volumes.blobs(D, r, 2);
            if (!SurfaceDistances.any(a) || !SurfaceDistances.any(b)) continue;
            BruteForceSurface ref = new BruteForceSurface(a, b, D, spacing);
            ClassMetrics m = ClassMetrics.of(a, b, D, spacing, 2.0);
            assertEquals(ref.hausdorff(), m.hausdorff(), 1e-9);
            assertEquals(Percentiles.linear(ref.pooled(), 95), m.hd95(), 1e-9);
            assertEquals(Arrays.stream(ref.pooled()).average().orElseThrow(), m.assd(), 1e-9);
            assertEquals(ref.surfaceDice(2.0), m.surfaceDice(), 1e-12);
            // cropping to the bounding box changes nothing
            SurfaceDistances full = SurfaceDistances.uncropped(a, b, D, spacing), cropped = SurfaceDistances.of(a, b, D, spacing);
            assertEquals(full.hd95(), cropped.hd95(), 1e-12);
            assertEquals(full.assd(), cropped.assd(), 1e-12);
        }
    }

    @Test
    void percentileMatchesNumpyLinear() {
        assertEquals(2.5, Percentiles.linear(new double[] {4, 1, 3, 2}, 50), 1e-12);
        assertEquals(3.85, Percentiles.linear(new double[] {1, 2, 3, 4}, 95), 1e-12);
        assertEquals(7, Percentiles.linear(new double[] {7}, 95), 1e-12);
    }

    @Test
    void surfaceMetricsMatchScipyReference() throws Exception {
        ScipyScript.require();
        Random r = new Random(5);
        double[] s = {0.9, 1.2, 1.7};
        for (int trial = 0; trial < 3; trial++) {
            boolean[] a = Volumes.blobs(D, r, 3), b = Volumes.blobs(D, r, 3);
            int[] both = new int[a.length];
            for (int i = 0; i < a.length; i++) both[i] = (a[i] ? 1 : 0) + (b[i] ? 2 : 0);
            String script = """
                    import sys, numpy as np
                    from scipy import ndimage
                    v = np.fromfile(sys.argv[1], dtype='<i4').reshape(%d, %d, %d)
                    a, b = (v & 1) > 0, (v & 2) > 0
                    sp = [%s, %s, %s]
                    ea, eb = a ^ ndimage.binary_erosion(a), b ^ ndimage.binary_erosion(b)
                    dab = ndimage.distance_transform_edt(~eb, sampling=sp)[ea]
                    dba = ndimage.distance_transform_edt(~ea, sampling=sp)[eb]
                    pooled = np.concatenate([dab, dba])
                    out = [pooled.max(), np.percentile(pooled, 95), pooled.mean(), (pooled <= 1.5).mean()]
                    np.array(out, dtype='<f8').tofile(sys.argv[2])
                    """.formatted(D[0], D[1], D[2], s[0], s[1], s[2]);
            double[] ref = ScipyScript.run(script, both);
            ClassMetrics m = ClassMetrics.of(a, b, D, s, 1.5);
            assertEquals(ref[0], m.hausdorff(), 1e-9);
            assertEquals(ref[1], m.hd95(), 1e-9);
            assertEquals(ref[2], m.assd(), 1e-9);
            assertEquals(ref[3], m.surfaceDice(), 1e-12);
        }
    }
}
