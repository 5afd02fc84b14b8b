package org.voxelforge.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.voxelforge.core.ConvTestSupport.dot;
import static org.voxelforge.core.ConvTestSupport.randn;

import org.junit.jupiter.api.Test;

/** Nearest and trilinear resizing: PyTorch's coordinate rules on hand-computed cases, adjointness, bad input. */
class Upsample3dTest {
    private static final Backend B = Backends.cpu();

    /** A 1-D signal along W resized to {@code out}. */
    private static double[] alongW(double[] v, int out, UpsampleMode mode, boolean align) {
        try (TensorScope s = new TensorScope()) {
            return B.upsample3d(Tensor.of(v, 1, 1, 1, 1, v.length), new int[] {1, 1, out}, mode, align).toDoubleArray();
        }
    }

    @Test
    void nearestFollowsFloorOfDstTimesInOverOut() {
        assertArrayEquals(new double[] {0, 0, 3, 3}, alongW(new double[] {0, 3}, 4, UpsampleMode.NEAREST, false));
        // in 2 -> out 3: scale 2/3, sources floor(0), floor(0.67), floor(1.33) = 0, 0, 1
        assertArrayEquals(new double[] {0, 0, 3}, alongW(new double[] {0, 3}, 3, UpsampleMode.NEAREST, false));
        // in 5 -> out 2: scale 2.5, sources 0 and 2
        assertArrayEquals(new double[] {10, 12}, alongW(new double[] {10, 11, 12, 13, 14}, 2, UpsampleMode.NEAREST, false));
    }

    @Test
    void trilinearCoordinateRules() {
        // align_corners: the end samples meet, 0..3 at 1/3 steps
        assertArrayEquals(new double[] {0, 1, 2, 3}, alongW(new double[] {0, 3}, 4, UpsampleMode.TRILINEAR, true), 1e-12);
        // half-pixel: src = (dst + 0.5) / 2 - 0.5, clamped at 0 and at the last sample
        assertArrayEquals(new double[] {0, 0.75, 2.25, 3}, alongW(new double[] {0, 3}, 4, UpsampleMode.TRILINEAR, false), 1e-12);
        // downsampling 4 -> 2 without align: src = 2*dst + 0.5
        assertArrayEquals(new double[] {0.5, 2.5}, alongW(new double[] {0, 1, 2, 3}, 2, UpsampleMode.TRILINEAR, false), 1e-12);
        // one output sample with align_corners reads the first input sample
        assertArrayEquals(new double[] {7}, alongW(new double[] {7, 9, 11}, 1, UpsampleMode.TRILINEAR, true), 1e-12);
    }

    @Test
    void trilinearWithAlignCornersReproducesALinearFunctionOnAllAxes() {
        int[] in = {3, 4, 5}, out = {5, 7, 6};
        double[] v = new double[3 * 4 * 5];
        for (int z = 0; z < 3; z++) for (int y = 0; y < 4; y++) for (int x = 0; x < 5; x++) v[(z * 4 + y) * 5 + x] = 2 * z - 3 * y + 0.5 * x;
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            try (TensorScope s = new TensorScope()) {
                double[] got = B.upsample3d(Tensor.of(dt, v, 1, 1, in[0], in[1], in[2]), out, UpsampleMode.TRILINEAR, true).toDoubleArray();
                for (int z = 0; z < out[0]; z++) for (int y = 0; y < out[1]; y++) for (int x = 0; x < out[2]; x++) {
                    double want = 2 * z * 2.0 / 4 - 3 * y * 3.0 / 6 + 0.5 * x * 4.0 / 5;
                    assertEquals(want, got[(z * out[1] + y) * out[2] + x], 1e-5, dt + " at " + z + "," + y + "," + x);
                }
            }
        }
    }

    @Test
    void backwardIsTheAdjointForEveryModeAndSize() {
        int[] xd = {2, 3, 4, 5, 3};
        for (UpsampleMode mode : UpsampleMode.values()) {
            for (boolean align : new boolean[] {false, true}) {
                for (int[] out : new int[][] {{8, 10, 6}, {7, 3, 5}, {4, 5, 3}, {1, 2, 1}}) {
                    try (TensorScope s = new TensorScope()) {
                        double[] x = randn(1, (int) Shape.of(xd).numel());
                        Tensor y = B.upsample3d(Tensor.of(x, xd), out, mode, align);
                        double[] g = randn(2, (int) y.numel());
                        double[] gx = B.upsample3dBackward(Tensor.of(g, y.dims()), Shape.of(xd), mode, align).toDoubleArray();
                        assertEquals(dot(y.toDoubleArray(), g), dot(x, gx), 1e-9,
                                mode + " align=" + align + " out=" + java.util.Arrays.toString(out));
                    }
                }
            }
        }
    }

    @Test
    void badInputNamesOpAndShapes() {
        try (TensorScope s = new TensorScope()) {
            var rank = assertThrows(IllegalArgumentException.class,
                    () -> B.upsample3d(Tensor.zeros(1, 4, 4, 4), new int[] {8, 8, 8}, UpsampleMode.NEAREST, false));
            assertTrue(rank.getMessage().contains("upsample3d") && rank.getMessage().contains("[1, 4, 4, 4]"), rank.getMessage());
            var size = assertThrows(IllegalArgumentException.class,
                    () -> B.upsample3d(Tensor.zeros(1, 1, 4, 4, 4), new int[] {8, 0, 8}, UpsampleMode.TRILINEAR, false));
            assertTrue(size.getMessage().contains("[8, 0, 8]"), size.getMessage());
            var grad = assertThrows(IllegalArgumentException.class,
                    () -> B.upsample3dBackward(Tensor.zeros(1, 2, 8, 8, 8), Shape.of(1, 1, 4, 4, 4), UpsampleMode.TRILINEAR, false));
            assertTrue(grad.getMessage().contains("upsample3dBackward") && grad.getMessage().contains("[1, 2, 8, 8, 8]"), grad.getMessage());
        }
    }
}
