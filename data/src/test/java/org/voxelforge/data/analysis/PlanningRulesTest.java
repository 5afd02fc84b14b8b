package org.voxelforge.data.analysis;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanningRulesTest {
    @Test
    void anisotropicDatasetsTakeThe10thPercentileOnTheLowResolutionAxis() {
        List<double[]> sp = List.of(new double[] {0.7, 0.7, 5}, new double[] {0.8, 0.8, 5}, new double[] {0.9, 0.9, 2},
                new double[] {1, 1, 6}, new double[] {0.75, 0.75, 4});
        // medians (0.8, 0.8, 5): 5 / 0.8 > 3, so z = percentile([2, 4, 5, 5, 6], 10) = 2 + 0.4 * 2
        assertArrayEquals(new double[] {0.8, 0.8, 2.8}, SpacingPlanner.targetSpacing(sp), 1e-12);
        List<double[]> iso = List.of(new double[] {1, 1, 2.5}, new double[] {1, 1, 3});
        assertArrayEquals(new double[] {1, 1, 2.75}, SpacingPlanner.targetSpacing(iso), 1e-12);
        assertEquals(2, SpacingPlanner.lowResAxis(new double[] {1, 1, 3.5}));
        assertTrue(SpacingPlanner.anisotropic(new double[] {1, 1, 3.01}));
        assertFalse(SpacingPlanner.anisotropic(new double[] {1, 1, 3}));
    }

    @Test
    void spacingGrowsBy25PercentUntilEveryCaseFits() {
        List<int[]> dims = List.of(new int[] {100, 100, 100}, new int[] {10, 10, 10});
        List<double[]> sp = List.of(new double[] {1, 1, 1}, new double[] {1, 1, 1});
        // 2 channels of float32: 8 MB at spacing 1; 1.25 -> 80^3 * 8 = 4.096 MB > 4 MB; 1.5625 -> 64^3 * 8 fits
        double[] t = SpacingPlanner.fitMemory(new double[] {1, 1, 1}, dims, sp, 2, 4_000_000);
        assertArrayEquals(new double[] {1.5625, 1.5625, 1.5625}, t, 1e-12);
        assertArrayEquals(new double[] {1, 1, 1}, SpacingPlanner.fitMemory(new double[] {1, 1, 1}, dims, sp, 2, 8_000_000), 0);
    }

    @Test
    void patchIsThePowerOfTwoAtOrBelowTheMedianCapped() {
        List<int[]> r = List.of(new int[] {31, 300, 7}, new int[] {32, 600, 9}, new int[] {33, 500, 8});
        assertArrayEquals(new int[] {32, 256, 8}, SpacingPlanner.patchSize(r, 256));
        assertArrayEquals(new int[] {32, 128, 8}, SpacingPlanner.patchSize(r, 128));
        assertArrayEquals(new int[] {1, 1, 1}, SpacingPlanner.patchSize(List.of(new int[] {1, 1, 1}), 256));
    }

    @Test
    void seededFoldsAreBalancedReproducibleAndSeedDependent() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) ids.add("p" + i);
        Map<String, Integer> f = Folds.seeded(ids, 5, 3);
        assertEquals(12, f.size());
        int[] sizes = new int[5];
        f.values().forEach(v -> sizes[v]++);
        assertArrayEquals(new int[] {3, 3, 2, 2, 2}, sizes);
        List<String> shuffled = new ArrayList<>(ids);
        Collections.reverse(shuffled);
        assertEquals(f, Folds.seeded(shuffled, 5, 3), "input order does not matter");
        boolean differs = false;
        for (long s = 4; s < 10 && !differs; s++) differs = !Folds.seeded(ids, 5, s).equals(f);
        assertTrue(differs);
        assertThrows(IllegalArgumentException.class, () -> Folds.seeded(ids.subList(0, 3), 5, 1));
        Map<String, Integer> bad = new HashMap<>(f);
        bad.put("p0", 5);
        var e = assertThrows(IllegalArgumentException.class, () -> Folds.given(ids, bad, 5));
        assertTrue(e.getMessage().contains("p0 is in fold 5"), e.getMessage());
    }

    @Test
    void percentilesMatchNumpyAndOtsuSplitsTwoModes() {
        assertEquals(2.5, Intensities.percentile(new double[] {4, 1, 3, 2}, 50), 0);
        assertEquals(1.3, Intensities.percentile(new double[] {4, 1, 3, 2}, 10), 1e-12);
        assertEquals(4, Intensities.percentile(new double[] {4, 1, 3, 2}, 100), 0);
        double[] v = new double[1000];
        for (int i = 0; i < v.length; i++) v[i] = i < 700 ? i % 5 : 100 + i % 7;
        double t = Intensities.otsu(v);
        // skimage takes the first maximum: the centre of the bin holding the 4s (3.93), so 4 > t counts as
        // foreground there too; the point is that the split falls between the modes' bulk
        assertEquals(106.0 / 256 * 9.5, t, 1e-9);
        assertEquals(3, Intensities.otsu(new double[] {3, 3, 3}), 0);
    }

    @Test
    void boundingBoxCropAndPadAreInverse() {
        int[] dims = {4, 5, 6};
        boolean[] in = new boolean[120];
        in[(1 * 5 + 2) * 6 + 3] = true;
        in[(2 * 5 + 4) * 6 + 1] = true;
        BoundingBox b = BoundingBox.of(in, dims);
        assertArrayEquals(new int[] {1, 2, 1}, b.start());
        assertArrayEquals(new int[] {2, 4, 3}, b.end());
        assertArrayEquals(new int[] {2, 3, 3}, b.size());
        double[] data = new double[120];
        for (int i = 0; i < 120; i++) data[i] = i;
        double[] c = b.crop(data);
        int[] ci = new int[c.length];
        for (int i = 0; i < c.length; i++) ci[i] = (int) c[i];
        int[] padded = b.pad(ci);
        for (int i = 0; i < 2; i++) for (int j = 0; j < 5; j++) for (int k = 0; k < 6; k++) {
            int n = (i * 5 + j) * 6 + k;
            boolean inside = i >= 1 && i <= 2 && j >= 2 && j <= 4 && k >= 1 && k <= 3;
            assertEquals(inside ? n : 0, padded[n]);
        }
        assertNull(BoundingBox.of(new boolean[120], dims));
        assertThrows(IllegalArgumentException.class, () -> new BoundingBox(new int[] {0, 0, 0}, new int[] {4, 0, 0}, dims));
    }
}
