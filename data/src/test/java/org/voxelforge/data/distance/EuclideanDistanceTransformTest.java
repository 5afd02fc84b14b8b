package org.voxelforge.data.distance;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;

class EuclideanDistanceTransformTest {

    static byte[] randomMask(Random rnd, int n, double pForeground) {
        byte[] m = new byte[n];
        for (int i = 0; i < n; i++) m[i] = (byte) (rnd.nextDouble() < pForeground ? 1 : 0);
        return m;
    }

    static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] == actual[i]) continue;
            assertEquals(expected[i], actual[i], tol * Math.max(1, Math.abs(expected[i])), what + " at " + i);
        }
    }

    @Test
    void matchesBruteForceOnRandomMasks() {
        Random rnd = new Random(12);
        int[][] shapes = {{17}, {9, 13}, {1, 7}, {12, 1}, {6, 7, 8}, {3, 1, 9}, {10, 9, 5}, {2, 3, 4, 5}};
        double[] densities = {0.5, 0.9, 0.97};
        for (int[] dims : shapes) {
            for (double p : densities) {
                int n = 1;
                for (int d : dims) n *= d;
                byte[] mask = randomMask(rnd, n, p);
                mask[rnd.nextInt(n)] = 0; // at least one background voxel
                double[] spacing = new double[dims.length];
                for (int a = 0; a < dims.length; a++) spacing[a] = 0.3 + 2.5 * rnd.nextDouble();
                String what = java.util.Arrays.toString(dims) + " p=" + p;
                assertClose(BruteForceDistanceTransform.distances(mask, dims, spacing),
                        EuclideanDistanceTransform.distances(mask, dims, spacing), 1e-12, what);
                assertClose(BruteForceDistanceTransform.distances(mask, dims, null),
                        EuclideanDistanceTransform.distances(mask, dims, null), 1e-12, what + " unit spacing");
            }
        }
    }

    @Test
    void largerVolumeSpreadOverManyLinesMatchesBruteForce() {
        Random rnd = new Random(5);
        int[] dims = {24, 20, 22};
        byte[] mask = randomMask(rnd, 24 * 20 * 22, 0.995); // sparse background: long distances
        mask[0] = 0;
        double[] spacing = {2.5, 0.7, 1.1};
        assertClose(BruteForceDistanceTransform.distances(mask, dims, spacing),
                EuclideanDistanceTransform.distances(mask, dims, spacing), 1e-12, "24x20x22");
    }

    @Test
    void allBackgroundIsZeroAndAllForegroundIsInfinite() {
        int[] dims = {3, 4, 5};
        assertArrayEquals(new double[60], EuclideanDistanceTransform.distances(new byte[60], dims, null));
        byte[] ones = new byte[60];
        java.util.Arrays.fill(ones, (byte) 7);
        for (double d : EuclideanDistanceTransform.distances(ones, dims, new double[] {1, 2, 3})) {
            assertEquals(Double.POSITIVE_INFINITY, d);
        }
    }

    @Test
    void tensorApiReadsAnyDtypeAndLayout() {
        Random rnd = new Random(3);
        int[] dims = {5, 6, 7};
        byte[] mask = randomMask(rnd, 210, 0.8);
        mask[17] = 0;
        double[] spacing = {1.5, 1.0, 0.5};
        double[] expected = BruteForceDistanceTransform.distances(mask, dims, spacing);
        double[] asDouble = new double[210];
        for (int i = 0; i < 210; i++) asDouble[i] = mask[i] * 3; // non-zero means foreground
        for (DType t : new DType[] {DType.UINT8, DType.BOOL, DType.INT32, DType.INT64}) {
            Tensor m = Tensor.of(t, asDouble, dims);
            Tensor d = EuclideanDistanceTransform.transform(m, spacing, DType.FLOAT64);
            assertEquals(DType.FLOAT64, d.dtype());
            assertArrayEquals(dims, d.dims());
            assertClose(expected, d.toDoubleArray(), 1e-12, t.label());
            Tensor f = EuclideanDistanceTransform.transform(m, spacing, DType.FLOAT32);
            assertEquals(DType.FLOAT32, f.dtype());
            assertClose(expected, f.toDoubleArray(), 1e-6, t.label() + " float32");
        }
        // a permuted (non-contiguous) view: distances follow the view's axes and spacing
        Tensor m = Tensor.of(DType.UINT8, asDouble, dims).permute(2, 0, 1);
        int[] pdims = {7, 5, 6};
        byte[] pmask = new byte[210];
        for (int i = 0; i < 210; i++) pmask[i] = (byte) (m.getFlat(i) != 0 ? 1 : 0);
        double[] pspacing = {0.5, 1.5, 1.0};
        assertClose(BruteForceDistanceTransform.distances(pmask, pdims, pspacing),
                EuclideanDistanceTransform.transform(m, pspacing, DType.FLOAT64).toDoubleArray(), 1e-12, "permuted");
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> EuclideanDistanceTransform.distances(new byte[12], new int[] {3, 4}, new double[] {1}));
        assertTrue(e.getMessage().contains("spacing") && e.getMessage().contains("[3, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> EuclideanDistanceTransform.distances(new byte[12], new int[] {3, 4}, new double[] {1, -2}));
        assertTrue(e.getMessage().contains("positive"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> EuclideanDistanceTransform.distances(new byte[11], new int[] {3, 4}, null));
        assertTrue(e.getMessage().contains("11") && e.getMessage().contains("[3, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> EuclideanDistanceTransform.transform(Tensor.zeros(DType.UINT8, 2, 2), null, DType.INT32));
        assertTrue(e.getMessage().contains("int32") && e.getMessage().contains("uint8[2, 2]"), e.getMessage());
    }
}
