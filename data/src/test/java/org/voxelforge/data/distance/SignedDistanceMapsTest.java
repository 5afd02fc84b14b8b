package org.voxelforge.data.distance;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;

class SignedDistanceMapsTest {
    static final int[] DIMS = {24, 28, 20};
    static final double[] SPACING = {1.2, 0.8, 1.5};
    static final double RADIUS = 7.0; // mm

    /** A ball of RADIUS mm around the volume centre; returns its mask and each voxel's |x| in mm. */
    static byte[] ball(double[] radiusOut) {
        byte[] m = new byte[DIMS[0] * DIMS[1] * DIMS[2]];
        int i = 0;
        for (int z = 0; z < DIMS[0]; z++)
            for (int y = 0; y < DIMS[1]; y++)
                for (int x = 0; x < DIMS[2]; x++, i++) {
                    double dz = (z - 11.5) * SPACING[0], dy = (y - 13.5) * SPACING[1], dx = (x - 9.5) * SPACING[2];
                    double r = Math.sqrt(dz * dz + dy * dy + dx * dx);
                    radiusOut[i] = r;
                    m[i] = (byte) (r <= RADIUS ? 1 : 0);
                }
        return m;
    }

    @Test
    void signedMapOfABallFollowsTheAnalyticDistanceWithinAVoxel() {
        double[] r = new double[DIMS[0] * DIMS[1] * DIMS[2]];
        byte[] m = ball(r);
        double[] sdm = SignedDistanceMaps.signedDistance(m, DIMS, SPACING, false);
        double voxelDiagonal = Math.sqrt(1.2 * 1.2 + 0.8 * 0.8 + 1.5 * 1.5);
        for (int i = 0; i < r.length; i++) {
            double analytic = r[i] - RADIUS; // negative inside, positive outside
            if (m[i] != 0) assertTrue(sdm[i] < 0, "inside voxel " + i + " must be negative");
            else assertTrue(sdm[i] > 0, "outside voxel " + i + " must be positive");
            assertEquals(analytic, sdm[i], voxelDiagonal, "voxel " + i + " at radius " + r[i]);
        }
    }

    @Test
    void normalizedMapSpansMinusOneToOneAndIsTheScaledRawMap() {
        double[] r = new double[DIMS[0] * DIMS[1] * DIMS[2]];
        byte[] m = ball(r);
        double[] raw = SignedDistanceMaps.signedDistance(m, DIMS, SPACING, false);
        double[] norm = SignedDistanceMaps.signedDistance(m, DIMS, SPACING, true);
        double minRaw = 0, maxRaw = 0, minN = 0, maxN = 0;
        for (int i = 0; i < raw.length; i++) {
            minRaw = Math.min(minRaw, raw[i]); maxRaw = Math.max(maxRaw, raw[i]);
            minN = Math.min(minN, norm[i]); maxN = Math.max(maxN, norm[i]);
        }
        assertEquals(-1.0, minN, 0);
        assertEquals(1.0, maxN, 0);
        for (int i = 0; i < raw.length; i++) {
            double expected = raw[i] < 0 ? raw[i] / -minRaw : raw[i] / maxRaw;
            assertEquals(expected, norm[i], 1e-12);
        }
        // deepest inside point is the centre: about RADIUS from the surface
        assertEquals(-RADIUS, minRaw, 1.5);
    }

    @Test
    void missingAndFullLabelsGiveTheImageDiagonal() {
        double diag = Math.sqrt(Math.pow(24 * 1.2, 2) + Math.pow(28 * 0.8, 2) + Math.pow(20 * 1.5, 2));
        assertEquals(diag, SignedDistanceMaps.diagonal(DIMS, SPACING), 1e-12);
        int n = DIMS[0] * DIMS[1] * DIMS[2];
        int[] labels = new int[n]; // all 0
        for (boolean normalize : new boolean[] {false, true}) {
            for (double v : SignedDistanceMaps.forLabel(labels, DIMS, 3, SPACING, normalize)) assertEquals(diag, v, 1e-12);
            for (double v : SignedDistanceMaps.forLabel(labels, DIMS, 0, SPACING, normalize)) assertEquals(-diag, v, 1e-12);
        }
    }

    @Test
    void forLabelsStacksOneChannelPerLabel() {
        int[] dims = {4, 5, 6};
        int[] labels = new int[120];
        for (int i = 0; i < 120; i++) labels[i] = i % 7 == 0 ? 2 : (i % 5 == 0 ? 1 : 0);
        Tensor t = Tensor.ofInts(labels, dims);
        Tensor maps = SignedDistanceMaps.forLabels(t, new int[] {0, 1, 2, 9}, null, true, DType.FLOAT32);
        assertArrayEquals(new int[] {4, 4, 5, 6}, maps.dims());
        for (int c = 0; c < 4; c++) {
            int label = new int[] {0, 1, 2, 9}[c];
            double[] expected = SignedDistanceMaps.forLabel(labels, dims, label, null, true);
            for (int i = 0; i < 120; i++) {
                assertEquals(expected[i], maps.getFlat(c * 120L + i), 1e-6, "channel " + c + " voxel " + i);
            }
        }
        var e = assertThrows(IllegalArgumentException.class,
                () -> SignedDistanceMaps.forLabels(Tensor.zeros(2, 2), new int[] {1}, null, false, DType.FLOAT32));
        assertTrue(e.getMessage().contains("float32[2, 2]"), e.getMessage());
    }
}
