package org.voxelforge.train.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GaussianAndStepsTest {

    @Test void stepsFollowNnUNet() {
        // 13 voxels, patch 8, overlap 0.5: target step 4, ceil(5 / 4) + 1 = 3 steps spread over 0..5 by 2.5,
        // rounded half to even as numpy: 0, 2 (2.5), 5.
        assertArrayEquals(new int[] {0, 2, 5}, WindowSteps.of(new int[] {13, 8, 8}, new int[] {8, 8, 8}, 0.5)[0]);
        assertArrayEquals(new int[] {0}, WindowSteps.of(new int[] {13, 8, 8}, new int[] {8, 8, 8}, 0.5)[1]);
        // 20 voxels, patch 8: ceil(12 / 4) + 1 = 4 steps of 4.
        assertArrayEquals(new int[] {0, 4, 8, 12}, WindowSteps.of(new int[] {20, 8, 8}, new int[] {8, 8, 8}, 0.5)[0]);
        // overlap 0: ceil(12 / 8) + 1 = 3 steps of 6.
        assertArrayEquals(new int[] {0, 6, 12}, WindowSteps.of(new int[] {20, 8, 8}, new int[] {8, 8, 8}, 0)[0]);
        // a larger overlap gives more windows
        assertArrayEquals(new int[] {0, 2, 4, 6, 8, 10, 12}, WindowSteps.of(new int[] {20, 8, 8}, new int[] {8, 8, 8}, 0.75)[0]);
        assertThrows(IllegalArgumentException.class, () -> WindowSteps.of(new int[] {7, 8, 8}, new int[] {8, 8, 8}, 0.5));
        assertThrows(IllegalArgumentException.class, () -> WindowSteps.of(new int[] {9, 8, 8}, new int[] {8, 8, 8}, 1.0));
    }

    @Test void gaussianHasMaxOneAtTheCentreAndTheAskedSigma() {
        int[] p = {16, 9, 12};
        float[] g = GaussianImportance.values(p, 1.0 / 8);
        int[] c = {8, 4, 6};
        float max = 0;
        for (float v : g) max = Math.max(max, v);
        assertEquals(1f, max, 0f);
        assertEquals(1f, g[idx(p, c[0], c[1], c[2])], 0f);
        for (int a = 0; a < 3; a++) {
            double sigma = p[a] / 8.0;
            for (int d = 1; d < p[a] / 2; d++) {
                int[] at = c.clone();
                at[a] += d;
                double expected = Math.exp(-0.5 * d * d / (sigma * sigma));
                assertEquals(expected, g[idx(p, at[0], at[1], at[2])], 1e-6, "axis " + a + " offset " + d);
                int[] mirror = c.clone();
                mirror[a] -= d;
                assertEquals(g[idx(p, at[0], at[1], at[2])], g[idx(p, mirror[0], mirror[1], mirror[2])], 0f, "symmetric about p/2");
            }
        }
        // separable: the value is the product of the axis profiles
        assertEquals(g[idx(p, 10, 4, 6)] * g[idx(p, 8, 2, 6)] * g[idx(p, 8, 4, 9)], g[idx(p, 10, 2, 9)], 1e-6);
    }

    @Test void oddPatchIsMirrorSymmetric() {
        int[] p = {7, 9, 5};
        float[] g = GaussianImportance.values(p, 1.0 / 8);
        for (int x = 0; x < 7; x++) for (int y = 0; y < 9; y++) for (int z = 0; z < 5; z++) {
            assertEquals(g[idx(p, x, y, z)], g[idx(p, 6 - x, 8 - y, 4 - z)], 0f);
        }
    }

    @Test void zerosBeyondTheTruncationRadiusBecomeTheSmallestNonZeroValue() {
        // sigma = 0.05 * 64 = 3.2, radius int(4 * 3.2 + 0.5) = 13: voxel 0 (offset -32) is outside.
        int[] p = {64, 1, 1};
        float[] g = GaussianImportance.values(p, 0.05);
        float minNonZero = Float.MAX_VALUE;
        double sigma = 3.2;
        for (int d = -13; d <= 13; d++) minNonZero = Math.min(minNonZero, (float) Math.exp(-0.5 * d * d / (sigma * sigma)));
        for (float v : g) assertTrue(v > 0, "no zero weight");
        assertEquals(minNonZero, g[0], 0f);
        assertEquals(minNonZero, g[63], 0f);
        assertEquals((float) Math.exp(-0.5 * 13 * 13 / (sigma * sigma)), g[32 - 13], 0f);
    }

    private static int idx(int[] p, int x, int y, int z) { return (x * p[1] + y) * p[2] + z; }
}
