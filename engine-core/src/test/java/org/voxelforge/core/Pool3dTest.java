package org.voxelforge.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.voxelforge.core.ConvTestSupport.dot;
import static org.voxelforge.core.ConvTestSupport.randn;

import org.junit.jupiter.api.Test;

/** Max, average and adaptive average pooling: hand-computed cases, adjointness of the backward passes, bad input. */
class Pool3dTest {
    private static final Backend B = Backends.cpu();

    private static Tensor arange(DType dt, int... dims) {
        double[] v = new double[(int) Shape.of(dims).numel()];
        for (int i = 0; i < v.length; i++) v[i] = i;
        return Tensor.of(dt, v, dims);
    }

    @Test
    void maxPoolPicksWindowMaximaAndTheirIndices() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            try (TensorScope s = new TensorScope()) {
                // value = flat index, so the maximum of each 2^3 block is its far corner
                MaxPool3dResult r = B.maxPool3d(arange(dt, 1, 1, 4, 4, 4), Pool3dParams.of(2, 2, 0));
                double[] want = {21, 23, 29, 31, 53, 55, 61, 63};
                assertArrayEquals(want, r.values().toDoubleArray());
                assertEquals(DType.INT64, r.indices().dtype());
                assertArrayEquals(new long[] {21, 23, 29, 31, 53, 55, 61, 63}, r.indices().toLongArray());
                // window 3, stride 2, padding 1 on 3^3: windows clip to [0,2) and [1,3) per axis, padding never wins
                MaxPool3dResult p = B.maxPool3d(arange(dt, 1, 1, 3, 3, 3).neg(), Pool3dParams.of(3, 2, 1));
                assertArrayEquals(new double[] {0, -1, -3, -4, -9, -10, -12, -13}, p.values().toDoubleArray(), 0.0);
            }
        }
    }

    @Test
    void maxPoolTiesTakeTheFirstAndNaNWins() {
        try (TensorScope s = new TensorScope()) {
            Tensor x = Tensor.zeros(1, 1, 2, 2, 2);
            MaxPool3dResult ties = B.maxPool3d(x, Pool3dParams.of(2, 2, 0));
            assertEquals(0, ties.indices().toLongArray()[0]);
            x.set(Double.NaN, 0, 0, 1, 0, 1);
            x.set(5, 0, 0, 1, 1, 1);
            MaxPool3dResult nan = B.maxPool3d(x, Pool3dParams.of(2, 2, 0));
            assertTrue(Double.isNaN(nan.values().toDoubleArray()[0]));
            assertEquals(5, nan.indices().toLongArray()[0]);
        }
    }

    /** With the indices fixed, max pooling is a gather and its backward the matching scatter-add. */
    @Test
    void maxPoolBackwardIsTheAdjointOfTheGather() {
        int[] xd = {2, 3, 5, 6, 7};
        for (Pool3dParams p : new Pool3dParams[] {Pool3dParams.of(3, 1, 1), Pool3dParams.of(2, 2, 0),
                new Pool3dParams(new int[] {3, 2, 3}, new int[] {2, 1, 3}, new int[] {1, 0, 1})}) {
            try (TensorScope s = new TensorScope()) {
                double[] x = randn(1, (int) Shape.of(xd).numel());
                MaxPool3dResult r = B.maxPool3d(Tensor.of(x, xd), p);
                double[] g = randn(2, (int) r.values().numel());
                double[] gx = B.maxPool3dBackward(Tensor.of(g, r.values().dims()), r.indices(), Shape.of(xd), p).toDoubleArray();
                assertEquals(dot(r.values().toDoubleArray(), g), dot(x, gx), 1e-9, p.toString());
                // and the gradient lands exactly where the indices say
                long[] idx = r.indices().toLongArray();
                double[] want = new double[x.length];
                int outPlane = (int) (r.values().numel() / 6), inPlane = 5 * 6 * 7;
                for (int i = 0; i < idx.length; i++) want[i / outPlane * inPlane + (int) idx[i]] += g[i];
                assertArrayEquals(want, gx, 1e-12, p.toString());
            }
        }
    }

    @Test
    void avgPoolCountsPaddingOnlyWhenAsked() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            try (TensorScope s = new TensorScope()) {
                Tensor ones = Tensor.full(1, dt, 1, 1, 3, 3, 3);
                Pool3dParams p = Pool3dParams.of(3, 1, 1);
                double[] incl = B.avgPool3d(ones, p, true).toDoubleArray();
                double[] excl = B.avgPool3d(ones, p, false).toDoubleArray();
                assertEquals(8.0 / 27, incl[0], 1e-7);         // corner: 8 real voxels of 27
                assertEquals(12.0 / 27, incl[1], 1e-7);        // edge
                assertEquals(1.0, incl[13], 1e-7);             // centre
                for (double v : excl) assertEquals(1.0, v, 1e-7);
                double[] blocks = B.avgPool3d(arange(dt, 1, 1, 4, 4, 4), Pool3dParams.of(2, 2, 0), true).toDoubleArray();
                assertEquals((0 + 1 + 4 + 5 + 16 + 17 + 20 + 21) / 8.0, blocks[0], 1e-7);
            }
        }
    }

    @Test
    void avgPoolBackwardIsTheAdjoint() {
        int[] xd = {2, 2, 5, 6, 7};
        for (boolean include : new boolean[] {true, false}) {
            for (Pool3dParams p : new Pool3dParams[] {Pool3dParams.of(3, 2, 1), Pool3dParams.of(2, 1, 0),
                    new Pool3dParams(new int[] {3, 2, 2}, new int[] {1, 2, 3}, new int[] {1, 1, 0})}) {
                try (TensorScope s = new TensorScope()) {
                    double[] x = randn(3, (int) Shape.of(xd).numel());
                    Tensor y = B.avgPool3d(Tensor.of(x, xd), p, include);
                    double[] g = randn(4, (int) y.numel());
                    double[] gx = B.avgPool3dBackward(Tensor.of(g, y.dims()), Shape.of(xd), p, include).toDoubleArray();
                    assertEquals(dot(y.toDoubleArray(), g), dot(x, gx), 1e-9, p + " include=" + include);
                }
            }
        }
    }

    @Test
    void adaptiveAvgPoolUsesFloorCeilWindows() {
        try (TensorScope s = new TensorScope()) {
            // value 3z + x on a [5, 1, 3] volume to [3, 1, 2]: D windows [0,2) [1,4) [3,5), W windows [0,2) [1,3)
            Tensor y = B.adaptiveAvgPool3d(arange(DType.FLOAT64, 1, 1, 5, 1, 3), new int[] {3, 1, 2});
            assertEquals(Shape.of(1, 1, 3, 1, 2), y.shape());
            assertArrayEquals(new double[] {2, 3, 6.5, 7.5, 11, 12}, y.toDoubleArray(), 1e-12);
            Tensor gap = B.adaptiveAvgPool3d(arange(DType.FLOAT32, 1, 2, 2, 2, 2), new int[] {1, 1, 1});
            assertArrayEquals(new double[] {3.5, 11.5}, gap.toDoubleArray(), 1e-6);
        }
    }

    @Test
    void adaptiveAvgPoolBackwardIsTheAdjoint() {
        int[] xd = {2, 3, 7, 5, 4};
        for (int[] out : new int[][] {{3, 2, 4}, {1, 1, 1}, {10, 5, 3}}) {
            try (TensorScope s = new TensorScope()) {
                double[] x = randn(5, (int) Shape.of(xd).numel());
                Tensor y = B.adaptiveAvgPool3d(Tensor.of(x, xd), out);
                double[] g = randn(6, (int) y.numel());
                double[] gx = B.adaptiveAvgPool3dBackward(Tensor.of(g, y.dims()), Shape.of(xd)).toDoubleArray();
                assertEquals(dot(y.toDoubleArray(), g), dot(x, gx), 1e-9, java.util.Arrays.toString(out));
            }
        }
    }

    @Test
    void badInputNamesOpAndShapes() {
        try (TensorScope s = new TensorScope()) {
            var rank = assertThrows(IllegalArgumentException.class, () -> B.maxPool3d(Tensor.zeros(1, 4, 4, 4), Pool3dParams.of(2, 2, 0)));
            assertTrue(rank.getMessage().contains("maxPool3d") && rank.getMessage().contains("[1, 4, 4, 4]"), rank.getMessage());
            var small = assertThrows(IllegalArgumentException.class, () -> B.avgPool3d(Tensor.zeros(1, 1, 4, 1, 4), Pool3dParams.of(2, 2, 0), true));
            assertTrue(small.getMessage().contains("avgPool3d") && small.getMessage().contains("axis H"), small.getMessage());
            var pad = assertThrows(IllegalArgumentException.class, () -> Pool3dParams.of(2, 2, 2));
            assertTrue(pad.getMessage().contains("half the kernel"), pad.getMessage());
            var idx = assertThrows(IllegalArgumentException.class, () -> B.maxPool3dBackward(Tensor.zeros(1, 1, 2, 2, 2),
                    Tensor.zeros(DType.INT64, 1, 1, 2, 2, 1), Shape.of(1, 1, 4, 4, 4), Pool3dParams.of(2, 2, 0)));
            assertTrue(idx.getMessage().contains("maxPool3dBackward") && idx.getMessage().contains("indices"), idx.getMessage());
            var out = assertThrows(IllegalArgumentException.class, () -> B.adaptiveAvgPool3d(Tensor.zeros(1, 1, 4, 4, 4), new int[] {2, 2}));
            assertTrue(out.getMessage().contains("adaptiveAvgPool3d") && out.getMessage().contains("[2, 2]"), out.getMessage());
            var ints = assertThrows(IllegalArgumentException.class, () -> B.avgPool3d(Tensor.zeros(DType.INT32, 1, 1, 4, 4, 4), Pool3dParams.of(2, 2, 0), true));
            assertTrue(ints.getMessage().contains("int32"), ints.getMessage());
        }
    }
}
