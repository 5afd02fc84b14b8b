package org.voxelforge.data.orient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AxisCodesTest {
    private static double[][] affine(double[][] m3) {
        double[][] a = Affines.identity(4);
        for (int i = 0; i < 3; i++) System.arraycopy(m3[i], 0, a[i], 0, 3);
        a[0][3] = 7; // translations never matter
        return a;
    }

    @Test
    void axisAlignedAffines() { // expected codes checked with nibabel.aff2axcodes
        assertEquals("RAS", AxisCodes.fromAffine(Affines.identity(4)));
        assertEquals("LAS", AxisCodes.fromAffine(affine(new double[][] {{-2, 0, 0}, {0, 2, 0}, {0, 0, 3}})));
        assertEquals("LPS", AxisCodes.fromAffine(affine(new double[][] {{-1, 0, 0}, {0, -1, 0}, {0, 0, 1}})));
        assertEquals("PSL", AxisCodes.fromAffine(affine(new double[][] {{0, 0, -2.5}, {-1.5, 0, 0}, {0, 2, 0}})));
        assertEquals("IAR", AxisCodes.fromAffine(affine(new double[][] {{0, 0, 1}, {0, 1, 0.1}, {-1, 0, 0}})));
    }

    @Test
    void obliqueAffinesPickTheClosestAxisOncePerWorldAxis() {
        double c = Math.cos(0.6), s = Math.sin(0.6); // 34 degrees about z: still closest to RAS
        assertEquals("RAS", AxisCodes.fromAffine(affine(new double[][] {{c, -s, 0}, {s, c, 0}, {0, 0, 1}})));
        double c2 = Math.cos(1.0), s2 = Math.sin(1.0); // 57 degrees: i now follows +y, j follows -x (nibabel agrees)
        assertEquals("ALS", AxisCodes.fromAffine(affine(new double[][] {{c2, -s2, 0}, {s2, c2, 0}, {0, 0, 1}})));
        // a 45 degree tie: the first voxel axis takes the first largest world axis, the second gets what is left
        double h = Math.sqrt(0.5);
        assertEquals("RAS", AxisCodes.fromAffine(affine(new double[][] {{h, -h, 0}, {h, h, 0}, {0, 0, 1}})));
    }

    @Test
    void axisWithoutExtentIsUnknown() {
        assertEquals("RA?", AxisCodes.fromAffine(affine(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 0}})));
    }

    @Test
    void itkNamesAreTheOppositeLetters() {
        assertEquals("LPS", AxisCodes.fromItk("RAI")); // MIST / ANTs "RAI"
        assertEquals("RAS", AxisCodes.fromItk("lpi"));
    }

    @Test
    void badCodesAreRefused() {
        for (String bad : new String[] {"RRS", "RA", "RASX", "XYZ", "", "RLS"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AxisCodes.parse(bad));
            assertEquals(true, e.getMessage().contains("R/L, A/P and S/I"), e.getMessage());
        }
        assertEquals("LPS", AxisCodes.parse(" lps "));
    }
}
