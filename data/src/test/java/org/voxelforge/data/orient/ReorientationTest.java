package org.voxelforge.data.orient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;

/**
 * Reorientation against its definition: every voxel keeps its world position (old affine at the
 * old index equals new affine at the new index, and the values there are equal), the new codes
 * are the target, and undo restores voxels and affine exactly.
 */
class ReorientationTest {
    static List<String> allCodes() {
        List<String> out = new ArrayList<>();
        String[][] pairs = {{"R", "L"}, {"A", "P"}, {"S", "I"}};
        int[][] perms = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
        for (int[] p : perms) {
            for (int signs = 0; signs < 8; signs++) {
                StringBuilder sb = new StringBuilder();
                for (int m = 0; m < 3; m++) sb.append(pairs[p[m]][(signs >> m) & 1]);
                out.add(sb.toString());
            }
        }
        return out;
    }

    private static double[] world(double[][] a, long... ijk) {
        double[] w = new double[3];
        for (int r = 0; r < 3; r++) w[r] = a[r][0] * ijk[0] + a[r][1] * ijk[1] + a[r][2] * ijk[2] + a[r][3];
        return w;
    }

    @Test
    void everyTargetKeepsEveryVoxelAtItsWorldPosition() {
        // axes point to P, S, L, a little oblique (the 0.2 and 0.3 terms)
        double[][] affine = {{0, 0.2, -2.5, 40}, {-1.5, 0, 0.3, 12}, {0, 2, 0, -7}, {0, 0, 0, 1}};
        int[] shape = {5, 4, 3, 2};
        double[] v = new double[5 * 4 * 3 * 2];
        Random rnd = new Random(9);
        for (int i = 0; i < v.length; i++) v[i] = rnd.nextInt(1000);
        assertEquals(48, allCodes().size());
        try (Tensor src = Tensor.of(DType.FLOAT64, v, shape)) {
            for (String code : allCodes()) {
                Reorientation plan = Reorientation.plan(affine, shape, code);
                assertEquals("PSL", plan.from());
                double[][] na = plan.targetAffine();
                assertEquals(code, AxisCodes.fromAffine(na), "codes after reorienting to " + code);
                try (Tensor out = plan.apply(src)) {
                    assertTrue(out.isContiguous());
                    assertArrayEquals(plan.targetShape(), out.dims());
                    int[] ts = out.dims();
                    for (int i = 0; i < ts[0]; i++) for (int j = 0; j < ts[1]; j++) for (int k = 0; k < ts[2]; k++) {
                        long[] nw = {i, j, k};
                        long[] old = new long[3];
                        for (int m = 0; m < 3; m++) {
                            int n = plan.order()[m];
                            old[n] = plan.flip()[m] ? shape[n] - 1 - nw[m] : nw[m];
                        }
                        assertArrayEquals(world(affine, old), world(na, nw), 1e-9, code + " world position");
                        for (int t = 0; t < 2; t++) {
                            assertEquals(src.get(old[0], old[1], old[2], t), out.get(i, j, k, t), code + " value");
                        }
                    }
                    try (Tensor back = plan.undo(out)) {
                        assertArrayEquals(v, back.contiguous().toDoubleArray(), code + " undo");
                    }
                    assertArrayEquals(affine, plan.sourceAffine(), code + " original affine kept exactly");
                    Reorientation reverse = Reorientation.plan(na, plan.targetShape(), "PSL");
                    for (int r = 0; r < 4; r++) assertArrayEquals(affine[r], reverse.targetAffine()[r], 1e-12, code + " reverse affine");
                }
            }
        }
    }

    @Test
    void misuseIsRefused() {
        double[][] a = Affines.identity(4);
        assertThrows(IllegalArgumentException.class, () -> Reorientation.plan(a, new int[] {3, 3}, "RAS"));
        assertThrows(IllegalArgumentException.class, () -> Reorientation.plan(a, new int[] {3, 3, 3}, "RAR"));
        double[][] flat = Affines.identity(4);
        flat[2][2] = 0;
        assertThrows(IllegalArgumentException.class, () -> Reorientation.plan(flat, new int[] {3, 3, 3}, "RAS"));
        Reorientation p = Reorientation.plan(a, new int[] {3, 4, 5}, "SAR");
        try (Tensor wrong = Tensor.zeros(3, 4, 6)) {
            assertThrows(IllegalArgumentException.class, () -> p.apply(wrong));
        }
    }
}
