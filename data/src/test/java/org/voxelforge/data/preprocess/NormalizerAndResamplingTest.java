package org.voxelforge.data.preprocess;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.voxelforge.data.analysis.Intensities;

class NormalizerAndResamplingTest {
    @Test
    void perImageZScoreUsesOnlyTheRegionAndZeroesOutsideWhenAsked() {
        Random rnd = new Random(1);
        double[] v = new double[4000];
        boolean[] region = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            region[i] = i % 4 != 0;
            v[i] = region[i] ? 50 + 10 * rnd.nextGaussian() : 0;
        }
        Normalizer.perImageZScore(v, region, true);
        double[] sel = Normalizer.select(v, region);
        double[] ms = Intensities.meanStd(sel);
        assertEquals(0, ms[0], 1e-9);
        assertEquals(1, ms[1], 0.01); // the 0.5/99.5 window clips a few voxels before the std
        for (int i = 0; i < v.length; i += 4) assertEquals(0, v[i]);
    }

    @Test
    void histogramMatchingSendsTheSourceLandmarksOntoTheReference() {
        Random rnd = new Random(2);
        double[] ref = new double[5000], src = new double[3000];
        for (int i = 0; i < ref.length; i++) ref[i] = Math.exp(rnd.nextGaussian());
        for (int i = 0; i < src.length; i++) src[i] = 300 + 40 * rnd.nextGaussian();
        double[] landmarks = Normalizer.landmarks(ref, null);
        double[] before = Normalizer.landmarks(src, null);
        Normalizer.histogramMatch(src, null, landmarks, false);
        double[] after = Normalizer.landmarks(src, null);
        for (int q = 0; q <= 100; q++) assertEquals(landmarks[q], after[q], 1e-3 * (landmarks[100] - landmarks[0]), "q" + q); // to interpolation between samples
        assertFalse(Arrays.equals(before, after));
        // numpy.interp semantics: ends clamp, repeated landmarks take the last
        double[] xp = {0, 1, 1, 2}, fp = {0, 10, 20, 30};
        assertEquals(0, Normalizer.interpolate(-5, xp, fp));
        assertEquals(5, Normalizer.interpolate(0.5, xp, fp), 1e-12);
        assertEquals(20, Normalizer.interpolate(1, xp, fp), 1e-12);
        assertEquals(25, Normalizer.interpolate(1.5, xp, fp), 1e-12);
        assertEquals(30, Normalizer.interpolate(9, xp, fp));
    }

    @Test
    void rescalingOptionsLandInTheUnitInterval() {
        double[] v = new double[1000];
        for (int i = 0; i < v.length; i++) v[i] = i % 3 == 0 ? 0 : i;
        double[] a = v.clone();
        Normalizer.minMaxNonzero(a);
        for (int i = 0; i < a.length; i++) {
            assertTrue(a[i] >= 0 && a[i] <= 1);
            if (v[i] == 0) assertEquals(0, a[i]);
        }
        double[] b = v.clone();
        Normalizer.percentileRescale(b, null, false);
        double[] p = Intensities.percentiles(v, 2, 98);
        for (int i = 0; i < b.length; i++) assertEquals(Math.max(0, Math.min(1, (v[i] - p[0]) / (p[1] - p[0]))), b[i], 1e-12);
    }

    @Test
    void anisotropicResamplingKeepsWholeSlicesAlongTheLowResolutionAxis() {
        int[] dims = {6, 6, 4}, out = {9, 9, 8};
        double[] v = new double[6 * 6 * 4];
        Random rnd = new Random(3);
        for (int i = 0; i < v.length; i++) v[i] = rnd.nextDouble();
        double[] r = Resampling.image(v, dims, out, new double[] {1, 1, 4});
        // every output z-slice equals an in-plane resampling of one input slice, unblended
        double[] inPlane = org.voxelforge.data.resample.Zoom.resize(v, dims, new int[] {9, 9, 4}, 3);
        for (int k = 0; k < 8; k++) {
            boolean found = false;
            for (int src = 0; src < 4 && !found; src++) {
                boolean same = true;
                for (int i = 0; i < 81 && same; i++) same = r[i * 8 + k] == inPlane[i * 4 + src];
                found = same;
            }
            assertTrue(found, "slice " + k);
        }
        int[] labels = new int[v.length];
        for (int i = 0; i < labels.length; i++) labels[i] = (int) (v[i] * 3);
        int[] lr = Resampling.labels(labels, dims, out, new double[] {1, 1, 4});
        for (int x : lr) assertTrue(x >= 0 && x <= 2);
        // isotropic data blend along z as well
        double[] iso = Resampling.image(v, dims, out, new double[] {1, 1, 2});
        assertFalse(Arrays.equals(iso, r));
    }

    @Test
    void progressBarRendersItsFraction() {
        assertEquals("[###############               ] 12/24 cases", ProgressBar.render(12, 24));
        assertEquals("[" + " ".repeat(30) + "] 0/3 cases", ProgressBar.render(0, 3));
    }
}
