package org.voxelforge.data.sampling;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.voxelforge.core.RandomGenerator;

class PatchSamplerTest {
    /** A 2-channel case whose image value encodes the voxel position, label from a function. */
    static CaseVolume gradientCase(String id, int[] d, java.util.function.IntUnaryOperator labelOf) {
        int n = d[0] * d[1] * d[2];
        float[] img = new float[2 * n];
        byte[] lab = new byte[n];
        for (int i = 0; i < n; i++) {
            img[i] = i + 1;          // channel 0: 1-based flat index (0 means padding)
            img[n + i] = -(i + 1);   // channel 1: its negative
            lab[i] = (byte) labelOf.applyAsInt(i);
        }
        return new CaseVolume(id, 2, d, img, lab);
    }

    @Test
    void patchHasRequestedShapeAndIsACropOfTheCase() {
        int[] d = {10, 12, 14};
        CaseVolume cs = gradientCase("a", d, i -> i % 3);
        PatchSampler s = new PatchSampler(new int[] {4, 5, 6}, 0.0, null);
        RandomGenerator rng = new RandomGenerator(1);
        for (int t = 0; t < 20; t++) {
            Patch p = s.sample(cs, rng);
            assertArrayEquals(new int[] {4, 5, 6}, p.dims);
            assertEquals(2 * 4 * 5 * 6, p.image.length);
            assertNull(p.mask);
            // neighbouring voxels along z differ by 1, along x by Y*Z: a contiguous crop
            int first = (int) p.image[0] - 1;
            int x0 = first / (12 * 14), y0 = first / 14 % 12, z0 = first % 14;
            assertTrue(x0 + 4 <= 10 && y0 + 5 <= 12 && z0 + 6 <= 14);
            for (int x = 0; x < 4; x++) for (int y = 0; y < 5; y++) for (int z = 0; z < 6; z++) {
                int src = ((x0 + x) * 12 + (y0 + y)) * 14 + z0 + z;
                int dst = (x * 5 + y) * 6 + z;
                assertEquals(src + 1, p.image[dst]);
                assertEquals(-(src + 1), p.image[120 + dst]);
                assertEquals(src % 3, p.label[dst]);
            }
        }
    }

    @Test
    void caseSmallerThanPatchIsPaddedWithZeros() {
        int[] d = {3, 8, 2};
        CaseVolume cs = gradientCase("small", d, i -> 1);
        PatchSampler s = new PatchSampler(new int[] {5, 4, 6}, 0.5, null);
        RandomGenerator rng = new RandomGenerator(2);
        for (int t = 0; t < 20; t++) {
            Patch p = s.sample(cs, rng);
            int nonZero = 0, labelled = 0;
            for (int i = 0; i < 120; i++) {
                if (p.image[i] != 0) nonZero++;
                if (p.label[i] != 0) labelled++;
                assertEquals(p.image[i] == 0, p.label[i] == 0, "padding is image 0 and label 0 together");
            }
            assertEquals(3 * 4 * 2, nonZero, "the whole small extent along x and z, a 4-slab along y");
            assertEquals(nonZero, labelled);
        }
    }

    @Test
    void foregroundOversamplingFrequencyMatchesP() {
        int[] d = {40, 40, 40};
        // a single foreground voxel in a corner: a uniform 8^3 patch almost never contains it
        CaseVolume cs = gradientCase("fg", d, i -> i == ((35 * 40 + 35) * 40 + 35) ? 1 : 0);
        PatchSampler s = new PatchSampler(new int[] {8, 8, 8}, 0.6, null);
        RandomGenerator rng = new RandomGenerator(3);
        int draws = 4000, hits = 0;
        for (int t = 0; t < draws; t++) {
            Patch p = s.sample(cs, rng);
            for (byte b : p.label) if (b != 0) { hits++; break; }
        }
        double uniformHit = Math.pow(8.0 / 33, 3); // corner inside a uniform patch
        double expected = 0.6 + 0.4 * uniformHit;
        assertEquals(expected, hits / (double) draws, 0.03);
    }

    @Test
    void perClassProbabilitiesAreRespected() {
        int[] d = {30, 30, 30};
        // class 1 in one corner voxel, class 2 in the opposite corner voxel
        int c1 = 0, c2 = (29 * 30 + 29) * 30 + 29;
        CaseVolume cs = gradientCase("cls", d, i -> i == c1 ? 1 : i == c2 ? 2 : 0);
        double[] probs = {0.5, 0.2, 0.3};
        PatchSampler s = new PatchSampler(new int[] {6, 6, 6}, 0.0, probs);
        RandomGenerator rng = new RandomGenerator(4);
        int draws = 4000;
        int[] seen = new int[3];
        for (int t = 0; t < draws; t++) {
            Patch p = s.sample(cs, rng);
            for (byte b : p.label) if (b != 0) seen[b]++;
        }
        // background-centred patches contain a corner voxel with probability < 2 * (6/25)^3 ~ 3%
        assertEquals(0.2, seen[1] / (double) draws, 0.035);
        assertEquals(0.3, seen[2] / (double) draws, 0.035);
    }

    @Test
    void annotationMaskIsCroppedWithThePatchAndCentresAreAnnotated() {
        int[] d = {12, 12, 12};
        CaseVolume cs = gradientCase("m", d, i -> i % 2);
        byte[] mask = AnnotationMasks.everyNth(d, 2, 4, 1);
        PatchSampler s = new PatchSampler(new int[] {4, 4, 4}, 1.0, null);
        RandomGenerator rng = new RandomGenerator(5);
        for (int t = 0; t < 10; t++) {
            Patch p = s.sample(cs, mask, rng);
            for (int i = 0; i < 64; i++) {
                int src = (int) p.image[i] - 1;
                assertEquals(mask[src], p.mask[i]);
            }
        }
    }

    @Test
    void rareBackgroundAndAnnotatedVoxelsAreDrawnExactly() {
        int[] d = {20, 20, 20};
        int[] bg = {17, 4321, 7999};
        CaseVolume cs = gradientCase("rare", d, i -> i == bg[0] || i == bg[1] || i == bg[2] ? 0 : 1);
        byte[] mask = new byte[8000];
        java.util.Arrays.fill(mask, (byte) 1);
        mask[bg[1]] = 0; // an unannotated background voxel is never a centre
        PatchSampler s = new PatchSampler(new int[] {1, 1, 1}, 0.0, new double[] {1.0});
        RandomGenerator rng = new RandomGenerator(6);
        int[] seen = new int[3];
        for (int t = 0; t < 300; t++) {
            Patch p = s.sample(cs, mask, rng);
            int src = (int) p.image[0] - 1;
            assertEquals(0, p.label[0]);
            seen[src == bg[0] ? 0 : src == bg[1] ? 1 : 2]++;
        }
        assertEquals(0, seen[1]);
        assertTrue(seen[0] > 100 && seen[2] > 100, java.util.Arrays.toString(seen));
        // foreground oversampling at p = 1 with a 1-voxel patch always lands on foreground
        PatchSampler fg = new PatchSampler(new int[] {1, 1, 1}, 1.0, null);
        CaseVolume sparse = gradientCase("sparse", d, i -> i % 997 == 0 ? 2 : 0);
        for (int t = 0; t < 100; t++) assertEquals(2, fg.sample(sparse, rng).label[0]);
    }

    @Test
    void badInputNamesTheShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> new PatchSampler(new int[] {4, 4}, 0.6, null));
        assertTrue(e.getMessage().contains("[4, 4]"));
        CaseVolume cs = gradientCase("x", new int[] {4, 4, 4}, i -> 0);
        var e2 = assertThrows(IllegalArgumentException.class,
                () -> new PatchSampler(new int[] {2, 2, 2}).sample(cs, new byte[3], new RandomGenerator(0)));
        assertTrue(e2.getMessage().contains("[4, 4, 4]"));
    }
}
