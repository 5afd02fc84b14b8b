package org.voxelforge.core;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.core.TestTensors.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** arange, concat, pad, flip and stack on the CPU against naive index-loop references. */
class ShapeOpsTest {
    private static final DType[] ALL = {DType.FLOAT32, DType.FLOAT64, DType.BFLOAT16, DType.FLOAT16,
            DType.INT32, DType.INT64, DType.UINT8, DType.BOOL};

    private static void assertSameTensor(Tensor expected, Tensor actual) {
        assertEquals(expected.shape(), actual.shape());
        assertEquals(expected.dtype(), actual.dtype());
        assertArrayEquals(expected.toLongArray(), actual.toLongArray());
        assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray());
    }

    // ---- arange ----------------------------------------------------------------------------

    @Test void arangeCountsLikeNumPy() {
        try (TensorScope s = new TensorScope()) {
            assertArrayEquals(new long[] {0, 1, 2, 3, 4}, Tensor.arange(5).toLongArray());
            assertEquals(DType.INT64, Tensor.arange(5).dtype());
            assertArrayEquals(new double[] {1, 1.25, 1.5, 1.75}, Tensor.arange(1, 2, 0.25, DType.FLOAT32).toDoubleArray());
            assertArrayEquals(new double[] {5, 3, 1}, Tensor.arange(5, 0, -2, DType.FLOAT64).toDoubleArray());
            // ceil((1 - 0) / 0.3) = 4
            assertArrayEquals(new double[] {0, 0.3, 0.6, 0.8999999999999999},
                    Tensor.arange(0, 1, 0.3, DType.FLOAT64).toDoubleArray(), 1e-15);
            assertEquals(0, Tensor.arange(0, -1, 1, DType.FLOAT32).numel());
            assertEquals(0, Tensor.arange(3, 3, 1, DType.INT32).numel());
            assertArrayEquals(new long[] {-3, -2, -1}, Tensor.arange(-3, 0, 1, DType.INT32).toLongArray());
            assertThrows(IllegalArgumentException.class, () -> Tensor.arange(0, 1, 0, DType.FLOAT32));
            // large enough to run on several threads
            Tensor big = Tensor.arange(0, 100_000, 1, DType.INT64);
            long[] v = big.toLongArray();
            for (int i = 0; i < v.length; i++) assertEquals(i, v[i]);
        }
    }

    // ---- concat ----------------------------------------------------------------------------

    private static Tensor naiveConcat(List<Tensor> xs, int axis) {
        int total = 0;
        for (Tensor t : xs) total += t.dim(axis);
        int[] od = xs.get(0).dims();
        od[axis] = total;
        Tensor out = Tensor.zeros(xs.get(0).dtype(), od);
        forEachIndex(od, idx -> {
            long c = idx[axis];
            int k = 0;
            while (c >= xs.get(k).dim(axis)) c -= xs.get(k++).dim(axis);
            long[] src = idx.clone();
            src[axis] = c;
            out.set(xs.get(k).get(src), idx);
        });
        return out;
    }

    @Test void concatMatchesNaiveForEveryDTypeAxisAndLayout() {
        try (TensorScope s = new TensorScope()) {
            for (DType dt : ALL) {
                for (int axis = 0; axis < 3; axis++) {
                    int[] d1 = {3, 4, 5}, d2 = {3, 4, 5}, d3 = {3, 4, 5};
                    d1[axis] = 2; d2[axis] = 1; d3[axis] = 3;
                    List<Tensor> xs = List.of(random(dt, 1, d1), transposedView(dt, 2, d2), slicedView(dt, 3, d3));
                    assertSameTensor(naiveConcat(xs, axis), Tensor.concat(xs, axis));
                }
            }
        }
    }

    @Test void concatOfBroadcastViewsAndEmptyPieces() {
        try (TensorScope s = new TensorScope()) {
            Tensor row = random(DType.FLOAT32, 4, 1, 6).expand(3, 6);   // stride 0 on axis 0
            Tensor empty = Tensor.zeros(DType.FLOAT32, 0, 6);
            Tensor plain = random(DType.FLOAT32, 5, 2, 6);
            List<Tensor> xs = List.of(row, empty, plain);
            assertSameTensor(naiveConcat(xs, 0), Tensor.concat(xs, 0));
            // negative axis, and a big case that crosses the parallel grain
            List<Tensor> big = List.of(random(DType.FLOAT32, 6, 40, 30, 20), transposedView(DType.FLOAT32, 7, 40, 30, 20));
            assertSameTensor(naiveConcat(big, 2), Tensor.concat(big, -1));
        }
    }

    @Test void concatKeepsInt64BitsExactly() {
        try (TensorScope s = new TensorScope()) {
            long big = (1L << 60) + 1; // not representable as a double
            Tensor a = Tensor.ofLongs(new long[] {big, -big}, 2);
            Tensor b = Tensor.ofLongs(new long[] {Long.MAX_VALUE}, 1);
            assertArrayEquals(new long[] {big, -big, Long.MAX_VALUE}, Tensor.concat(List.of(a, b), 0).toLongArray());
            assertArrayEquals(new long[] {Long.MAX_VALUE, -big, big}, Tensor.concat(List.of(b, a.flip(0)), 0).toLongArray());
        }
    }

    @Test void concatRejectsMixedDTypesAndShapes() {
        try (TensorScope s = new TensorScope()) {
            Tensor a = Tensor.zeros(DType.FLOAT32, 2, 3), b = Tensor.zeros(DType.INT32, 2, 3), c = Tensor.zeros(DType.FLOAT32, 3, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.concat(List.of(a, b), 0));
            assertTrue(e.getMessage().contains("concat"), e.getMessage());
            assertThrows(ShapeMismatchException.class, () -> Tensor.concat(List.of(a, c), 1));
        }
    }

    // ---- stack -----------------------------------------------------------------------------

    @Test void stackInsertsANewAxis() {
        try (TensorScope s = new TensorScope()) {
            List<Tensor> xs = new ArrayList<>();
            for (int k = 0; k < 3; k++) xs.add(k == 1 ? transposedView(DType.INT32, 10 + k, 2, 4) : random(DType.INT32, 10 + k, 2, 4));
            for (int axis = 0; axis <= 2; axis++) {
                Tensor st = Tensor.stack(xs, axis);
                int[] expect = {2, 4};
                int[] dims = new int[3];
                for (int i = 0, j = 0; i < 3; i++) dims[i] = i == axis ? 3 : expect[j++];
                assertArrayEquals(dims, st.dims());
                final int ax = axis;
                forEachIndex(dims, idx -> {
                    long k = idx[ax];
                    long[] src = new long[2];
                    for (int i = 0, j = 0; i < 3; i++) if (i != ax) src[j++] = idx[i];
                    assertEquals(xs.get((int) k).get(src), st.get(idx), () -> "stack axis " + ax + " at " + Arrays.toString(idx));
                });
            }
            assertArrayEquals(new int[] {2, 4, 3}, Tensor.stack(xs, -1).dims());
            assertThrows(ShapeMismatchException.class, () -> Tensor.stack(List.of(xs.get(0), Tensor.zeros(DType.INT32, 4, 2)), 0));
        }
    }

    // ---- pad -------------------------------------------------------------------------------

    private static double[] pad1d(double[] v, int before, int after, PadMode mode, double value) {
        try (TensorScope s = new TensorScope()) {
            return Tensor.of(v, v.length).pad(new int[] {before}, new int[] {after}, mode, value).toDoubleArray();
        }
    }

    @Test void padMatchesNumPyOnHandComputedCases() {
        double[] x = {1, 2, 3};
        // np.pad([1,2,3], (2,2), 'reflect') and 'edge', and constant_values=9 with (1,2)
        assertArrayEquals(new double[] {3, 2, 1, 2, 3, 2, 1}, pad1d(x, 2, 2, PadMode.REFLECT, 0));
        assertArrayEquals(new double[] {1, 1, 1, 2, 3, 3, 3}, pad1d(x, 2, 2, PadMode.EDGE, 0));
        assertArrayEquals(new double[] {9, 1, 2, 3, 9, 9}, pad1d(x, 1, 2, PadMode.CONSTANT, 9));
        assertArrayEquals(new double[] {2, 1, 2, 3}, pad1d(x, 1, 0, PadMode.REFLECT, 0));
        assertArrayEquals(new double[] {1, 2, 3}, pad1d(x, 0, 0, PadMode.REFLECT, 0));
        try (TensorScope s = new TensorScope()) {
            // np.pad([[1,2,3],[4,5,6]], ((1,1),(2,1)), 'reflect')
            Tensor m = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
            Tensor r = m.pad(new int[] {1, 2}, new int[] {1, 1}, PadMode.REFLECT, 0);
            assertArrayEquals(new int[] {4, 6}, r.dims());
            assertArrayEquals(new double[] {6, 5, 4, 5, 6, 5, 3, 2, 1, 2, 3, 2, 6, 5, 4, 5, 6, 5, 3, 2, 1, 2, 3, 2}, r.toDoubleArray());
            // np.pad([[1,2],[3,4]], 1, 'edge')
            Tensor e = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2).pad(new int[] {1, 1}, new int[] {1, 1}, PadMode.EDGE, 0);
            assertArrayEquals(new double[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, e.toDoubleArray());
            // np.pad([[1,2],[3,4]], ((0,1),(1,0)), constant_values=-1)
            Tensor c = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2).pad(new int[] {0, 1}, new int[] {1, 0}, PadMode.CONSTANT, -1);
            assertArrayEquals(new double[] {-1, 1, 2, -1, 3, 4, -1, -1, -1}, c.toDoubleArray());
        }
    }

    /** Reference written from NumPy's description, independent of the kernel's index maps. */
    private static long naiveSource(long o, int n, int before, PadMode mode) {
        long i = o - before;
        if (i >= 0 && i < n) return i;
        return switch (mode) {
            case CONSTANT -> -1;
            case EDGE -> i < 0 ? 0 : n - 1;
            case REFLECT -> i < 0 ? -i : 2L * (n - 1) - i;
        };
    }

    private static Tensor naivePad(Tensor x, int[] before, int[] after, PadMode mode, double value) {
        int[] od = x.dims();
        for (int a = 0; a < od.length; a++) od[a] += before[a] + after[a];
        Tensor out = Tensor.zeros(x.dtype(), od);
        int[] in = x.dims();
        forEachIndex(od, idx -> {
            long[] src = new long[idx.length];
            boolean constant = false;
            for (int a = 0; a < idx.length; a++) {
                src[a] = naiveSource(idx[a], in[a], before[a], mode);
                constant |= src[a] < 0;
            }
            out.set(constant ? value : x.get(src), idx);
        });
        return out;
    }

    @Test void pad3dInEveryModeMatchesNaive() {
        try (TensorScope s = new TensorScope()) {
            int[] before = {1, 0, 2}, after = {2, 3, 1};
            for (PadMode mode : PadMode.values()) {
                for (DType dt : new DType[] {DType.FLOAT32, DType.INT64, DType.BFLOAT16, DType.UINT8}) {
                    Tensor[] inputs = {random(dt, 20, 4, 5, 6), transposedView(dt, 21, 4, 5, 6), slicedView(dt, 22, 4, 5, 6)};
                    for (Tensor x : inputs) {
                        assertSameTensor(naivePad(x, before, after, mode, 7), x.pad(before, after, mode, 7));
                    }
                }
            }
            // a volume big enough for several threads, padded like a sliding-window border
            Tensor vol = transposedView(DType.FLOAT32, 23, 24, 30, 28);
            int[] b = {3, 2, 4}, a = {3, 5, 1};
            for (PadMode mode : PadMode.values()) assertSameTensor(naivePad(vol, b, a, mode, -2), vol.pad(b, a, mode, -2));
        }
    }

    @Test void padEdgeCases() {
        try (TensorScope s = new TensorScope()) {
            // constant padding of an empty axis gives all-constant rows
            Tensor empty = Tensor.zeros(DType.FLOAT32, 2, 0);
            Tensor p = empty.pad(new int[] {1, 1}, new int[] {0, 2}, PadMode.CONSTANT, 5);
            assertArrayEquals(new int[] {3, 3}, p.dims());
            for (double v : p.toDoubleArray()) assertEquals(5, v);
            // rank 0 pads to itself
            assertEquals(4.0, Tensor.scalar(4).pad(new int[0], new int[0], PadMode.EDGE, 0).item());
            // reflect needs the axis longer than the pad
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Tensor.of(new float[] {1, 2}, 2).pad(new int[] {2}, new int[] {0}, PadMode.REFLECT, 0));
            assertTrue(e.getMessage().contains("pad"), e.getMessage());
        }
    }

    // ---- flip ------------------------------------------------------------------------------

    private static Tensor naiveFlip(Tensor x, int... axes) {
        Tensor out = Tensor.zeros(x.dtype(), x.dims());
        int[] d = x.dims();
        forEachIndex(d, idx -> {
            long[] src = idx.clone();
            for (int a : axes) src[a] = d[a] - 1 - idx[a];
            out.set(x.get(src), idx);
        });
        return out;
    }

    @Test void flipMatchesNaive() {
        try (TensorScope s = new TensorScope()) {
            int[][] axesSets = {{0}, {1}, {2}, {0, 2}, {1, 2}, {0, 1, 2}};
            for (DType dt : ALL) {
                Tensor[] inputs = {random(dt, 30, 3, 4, 5), transposedView(dt, 31, 3, 4, 5), slicedView(dt, 32, 3, 4, 5),
                        random(dt, 33, 3, 1, 5).expand(3, 4, 5)};
                for (Tensor x : inputs) for (int[] axes : axesSets) assertSameTensor(naiveFlip(x, axes), x.flip(axes));
            }
            Tensor big = transposedView(DType.FLOAT32, 34, 20, 40, 50);
            assertSameTensor(naiveFlip(big, 0, 2), big.flip(0, -1));
            // flipping twice is the identity, and an empty tensor flips to an empty tensor
            Tensor x = random(DType.INT64, 35, 4, 6);
            assertSameTensor(x.contiguous(), x.flip(1).flip(1));
            assertEquals(0, Tensor.zeros(DType.FLOAT32, 0, 3).flip(0).numel());
        }
    }
}
