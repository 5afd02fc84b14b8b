package org.voxelforge.core;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Tensor.matmul on the CPU backend against a naive reference built from element accessors. */
class MatmulTest {
    private static Tensor random(DType dt, long seed, int... dims) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[(int) Shape.of(dims).numel()];
        for (int i = 0; i < v.length; i++) v[i] = r.nextDouble() * 2 - 1;
        return Tensor.of(dt, v, dims);
    }

    /** NumPy matmul by definition: promote rank-1, broadcast batch axes, sum in double, drop added axes. */
    private static double[] reference(Tensor a, Tensor b, int[] expectDims) {
        Tensor a2 = a.rank() == 1 ? a.unsqueeze(0) : a;
        Tensor b2 = b.rank() == 1 ? b.unsqueeze(1) : b;
        int m = a2.dim(-2), k = a2.dim(-1), n = b2.dim(-1);
        int[] ab = Arrays.copyOf(a2.dims(), a2.rank() - 2), bb = Arrays.copyOf(b2.dims(), b2.rank() - 2);
        Shape batch = Shape.broadcast("ref", Shape.of(ab), Shape.of(bb));
        int[] bd = batch.dims();
        double[] out = new double[(int) batch.numel() * m * n];
        for (int bi = 0; bi < batch.numel(); bi++) {
            int[] idx = new int[bd.length];
            for (int ax = bd.length - 1, rem = bi; ax >= 0; ax--) { idx[ax] = rem % bd[ax]; rem /= bd[ax]; }
            for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += a2.get(index(idx, ab, i, p)) * b2.get(index(idx, bb, p, j));
                out[(bi * m + i) * n + j] = s;
            }
        }
        return out;
    }

    private static long[] index(int[] batchIdx, int[] ownBatch, int r, int c) {
        long[] x = new long[ownBatch.length + 2];
        for (int i = 0; i < ownBatch.length; i++) {
            int src = batchIdx.length - ownBatch.length + i;
            x[i] = ownBatch[i] == 1 ? 0 : batchIdx[src];
        }
        x[ownBatch.length] = r;
        x[ownBatch.length + 1] = c;
        return x;
    }

    private static void check(Tensor a, Tensor b, int[] expectDims, double relTol) {
        Tensor c = a.matmul(b);
        assertArrayEquals(expectDims, c.dims(), "shape of " + a.describe() + " x " + b.describe());
        assertEquals(a.dtype(), c.dtype());
        double[] ref = reference(a, b, expectDims);
        double[] got = c.toDoubleArray();
        int k = a.dim(-1);
        for (int i = 0; i < ref.length; i++) {
            double tol = relTol * Math.sqrt(Math.max(k, 1)) * Math.max(1, Math.abs(ref[i]));
            assertEquals(ref[i], got[i], tol, a.describe() + " x " + b.describe() + " at flat " + i);
        }
    }

    @Test void float32OddSizes() {
        try (TensorScope s = new TensorScope()) {
            int[] sizes = {1, 7, 17, 33, 65, 129};
            long seed = 0;
            for (int m : sizes) for (int n : new int[] {1, 17, 65}) for (int k : new int[] {1, 33, 257}) {
                check(random(DType.FLOAT32, seed++, m, k), random(DType.FLOAT32, seed++, k, n), new int[] {m, n}, 1e-5);
            }
        }
    }

    @Test void transposedSlicedAndExpandedViews() {
        try (TensorScope s = new TensorScope()) {
            Tensor at = random(DType.FLOAT32, 1, 40, 30).transpose(0, 1);      // [30, 40], column-major
            Tensor bt = random(DType.FLOAT32, 2, 50, 40).transpose(0, 1);      // [40, 50]
            check(at, bt, new int[] {30, 50}, 1e-5);
            Tensor sliced = random(DType.FLOAT32, 3, 30, 80).slice(1, 0, 80, 2); // [30, 40], column stride 2
            check(sliced, bt, new int[] {30, 50}, 1e-5);
            Tensor col = random(DType.FLOAT32, 4, 40, 1).expand(40, 7);        // column stride 0
            check(at, col, new int[] {30, 7}, 1e-5);
        }
    }

    @Test void batchedBroadcasting() {
        try (TensorScope s = new TensorScope()) {
            check(random(DType.FLOAT32, 5, 2, 1, 3, 4), random(DType.FLOAT32, 6, 5, 4, 6), new int[] {2, 5, 3, 6}, 1e-5);
            check(random(DType.FLOAT32, 7, 3, 20, 30), random(DType.FLOAT32, 8, 30, 10), new int[] {3, 20, 10}, 1e-5);
            check(random(DType.FLOAT32, 9, 20, 30), random(DType.FLOAT32, 10, 4, 30, 10), new int[] {4, 20, 10}, 1e-5);
            // a batch of larger matrices takes the multithreaded-per-matrix path
            check(random(DType.FLOAT32, 11, 2, 70, 80), random(DType.FLOAT32, 12, 2, 80, 90), new int[] {2, 70, 90}, 1e-5);
            // a permuted batch (batch axis not outermost in memory)
            Tensor perm = random(DType.FLOAT32, 13, 6, 3, 5).permute(1, 0, 2); // [3, 6, 5]
            check(perm, random(DType.FLOAT32, 14, 3, 5, 4), new int[] {3, 6, 4}, 1e-5);
        }
    }

    @Test void rankOnePromotion() {
        try (TensorScope s = new TensorScope()) {
            check(random(DType.FLOAT32, 20, 4), random(DType.FLOAT32, 21, 4, 6), new int[] {6}, 1e-5);
            check(random(DType.FLOAT32, 22, 3, 4), random(DType.FLOAT32, 23, 4), new int[] {3}, 1e-5);
            check(random(DType.FLOAT32, 24, 33), random(DType.FLOAT32, 25, 33), new int[] {}, 1e-5);
            check(random(DType.FLOAT32, 26, 4), random(DType.FLOAT32, 27, 2, 4, 5), new int[] {2, 5}, 1e-5);
            check(random(DType.FLOAT32, 28, 2, 3, 4), random(DType.FLOAT32, 29, 4), new int[] {2, 3}, 1e-5);
        }
    }

    @Test void emptyAndZeroDepth() {
        try (TensorScope s = new TensorScope()) {
            check(random(DType.FLOAT32, 30, 0, 3), random(DType.FLOAT32, 31, 3, 4), new int[] {0, 4}, 1e-5);
            Tensor z = Tensor.zeros(2, 0).matmul(Tensor.zeros(0, 3));
            assertArrayEquals(new int[] {2, 3}, z.dims());
            assertArrayEquals(new double[6], z.toDoubleArray());
        }
    }

    @Test void float64IsExactToDoubleRounding() {
        try (TensorScope s = new TensorScope()) {
            check(random(DType.FLOAT64, 40, 17, 65), random(DType.FLOAT64, 41, 65, 33), new int[] {17, 33}, 1e-14);
            check(random(DType.FLOAT64, 42, 2, 1, 3, 4), random(DType.FLOAT64, 43, 5, 4, 6), new int[] {2, 5, 3, 6}, 1e-14);
            check(random(DType.FLOAT64, 44, 9, 7).transpose(0, 1), random(DType.FLOAT64, 45, 9), new int[] {7}, 1e-14);
        }
    }

    @Test void sixteenBitFloatsGoThroughFloat32() {
        try (TensorScope s = new TensorScope()) {
            // inputs are exact in the 16-bit type; the result is rounded once to it (2^-8 relative for bf16, 2^-11 for f16)
            check(random(DType.BFLOAT16, 50, 2, 9, 33), random(DType.BFLOAT16, 51, 33, 5), new int[] {2, 9, 5}, 0x1p-8);
            check(random(DType.FLOAT16, 52, 9, 33), random(DType.FLOAT16, 53, 33, 5), new int[] {9, 5}, 0x1p-10);
        }
    }

    @Test void badShapesNameMatmulAndTheShapes() {
        try (TensorScope s = new TensorScope()) {
            var inner = assertThrows(ShapeMismatchException.class, () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)));
            assertTrue(inner.getMessage().contains("matmul") && inner.getMessage().contains("[2, 3]")
                    && inner.getMessage().contains("[4, 5]"), inner.getMessage());
            var batch = assertThrows(ShapeMismatchException.class, () -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(3, 4, 5)));
            assertTrue(batch.getMessage().contains("matmul") && batch.getMessage().contains("[2]")
                    && batch.getMessage().contains("[3]"), batch.getMessage());
            var scalar = assertThrows(ShapeMismatchException.class, () -> Tensor.scalar(1).matmul(Tensor.zeros(3)));
            assertTrue(scalar.getMessage().contains("matmul"), scalar.getMessage());
            var dtype = assertThrows(IllegalArgumentException.class,
                    () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(DType.FLOAT64, 3, 2)));
            assertTrue(dtype.getMessage().contains("matmul") && dtype.getMessage().contains("float64[3, 2]"), dtype.getMessage());
            var ints = assertThrows(IllegalArgumentException.class,
                    () -> Tensor.zeros(DType.INT32, 2, 2).matmul(Tensor.zeros(DType.INT32, 2, 2)));
            assertTrue(ints.getMessage().contains("matmul"), ints.getMessage());
        }
    }
}
