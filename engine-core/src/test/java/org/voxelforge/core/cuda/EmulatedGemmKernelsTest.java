package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.core.cuda.EmulatedTensorKernelsTest.out;
import static org.voxelforge.core.cuda.EmulatedTensorKernelsTest.ptr;
import static org.voxelforge.core.cuda.EmulatedTensorKernelsTest.view;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.Backend;
import org.voxelforge.core.Backends;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;

/**
 * gemm.cuh under the host emulator, through {@link GemmKernels#matmul}, against two references:
 *
 * <ul>
 *   <li>a naive float loop in this test (sum over k in ascending order, one rounded product and one
 *       rounded add per step): the kernel's exact arithmetic under the emulator, which neither
 *       reorders nor fuses (g++ does not contract a*b+c), so the comparison is bit for bit. It
 *       catches a wrong element, a missed K tile or a padded value that is not an exact 0.
 *   <li>{@code Backends.cpu().matmul}, the contract, within the float error bound of a dot product:
 *       each side's sum of K products has error at most about K * 2^-24 * sum_k |a_ik||b_kj| (one
 *       rounding per product and per add, in any order, FMA or not), so the two differ by at most
 *       twice that. The CPU's blocked and vectorized order (and a GPU's FMA) make bit equality
 *       impossible, and |c| alone is no scale: c may cancel to near 0 while its terms are large.
 * </ul>
 * Shapes: M, N, K off the 64 x 64 x 16 tiles, K = 1, transposed and strided (sliced) operands,
 * broadcast batches (stride 0, and batch axes that do not merge into one grid axis), rank-1
 * operands, and zero sizes (K = 0 must write zeros over the poisoned output).
 */
class EmulatedGemmKernelsTest {
    private final SplittableRandom rnd = new SplittableRandom(77);
    private final Backend cpu = Backends.cpu();
    private GemmKernels k;

    @BeforeEach void emulator() { k = new GemmKernels(EmulatorTests.emulator().kernels()); }

    private Tensor random(int... dims) { return EmulatorTests.gaussianOfMagnitudes(rnd, 1, dims); }

    /** Runs the kernel on (a, b) and checks it against the naive loop (exact) and the CPU (bound). */
    private void check(Tensor a, Tensor b, String what) {
        try (Tensor want = cpu.matmul(a, b); Tensor got = out(DType.FLOAT32, want.dims())) {
            int[] shape = k.matmul(view(a), view(b), ptr(got), 0);
            assertArrayEquals(want.dims(), shape, what + ": result shape");
            float[] g = got.toFloatArray(), w = want.toFloatArray();
            Naive ref = naive(a, b);
            assertEquals(ref.c.length, g.length, what);
            for (int i = 0; i < g.length; i++) {
                if (Float.floatToRawIntBits(g[i]) != Float.floatToRawIntBits(ref.c[i])) {
                    fail(what + ": element " + i + " is " + g[i] + ", the ascending-k float loop gives " + ref.c[i]);
                }
                double tol = 2 * (ref.k + 1) * 0x1p-24 * ref.absSum[i] + 1e-30;
                if (Math.abs(g[i] - w[i]) > tol) fail(what + ": element " + i + " is " + g[i] + ", cpu " + w[i] + " (bound " + tol + ")");
            }
        }
    }

    /** c and sum |a||b| per output element, NumPy's matmul rules spelled out with get(). */
    private record Naive(float[] c, double[] absSum, int k) {}

    private static Naive naive(Tensor a, Tensor b) {
        Tensor a2 = a.rank() == 1 ? a.reshape(1, a.dim(0)) : a, b2 = b.rank() == 1 ? b.reshape(b.dim(0), 1) : b;
        int m = a2.dim(-2), kk = a2.dim(-1), n = b2.dim(-1);
        int[] ab = Arrays.copyOf(a2.dims(), a2.rank() - 2), bb = Arrays.copyOf(b2.dims(), b2.rank() - 2);
        int r = Math.max(ab.length, bb.length);
        int[] batch = new int[r];
        for (int i = 0; i < r; i++) {
            int x = i - (r - ab.length) >= 0 ? ab[i - (r - ab.length)] : 1, y = i - (r - bb.length) >= 0 ? bb[i - (r - bb.length)] : 1;
            batch[i] = x == 1 ? y : x;
        }
        long count = Arrays.stream(batch).asLongStream().reduce(1, (x, y) -> x * y);
        float[] c = new float[(int) (count * m * n)];
        double[] s = new double[c.length];
        long[] ai = new long[a2.rank()], bi = new long[b2.rank()];
        for (int z = 0; z < count; z++) {
            int rem = z;
            for (int d = r - 1; d >= 0; d--) {
                int coord = rem % batch[d];
                rem /= batch[d];
                int da = d - (r - ab.length), db = d - (r - bb.length);
                if (da >= 0) ai[da] = ab[da] == 1 ? 0 : coord;
                if (db >= 0) bi[db] = bb[db] == 1 ? 0 : coord;
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float acc = 0f;
                    double abs = 0;
                    for (int p = 0; p < kk; p++) {
                        ai[ai.length - 2] = i;
                        ai[ai.length - 1] = p;
                        bi[bi.length - 2] = p;
                        bi[bi.length - 1] = j;
                        float x = (float) a2.get(ai), y = (float) b2.get(bi);
                        acc += x * y;
                        abs += Math.abs((double) x * y);
                    }
                    c[(z * m + i) * n + j] = acc;
                    s[(z * m + i) * n + j] = abs;
                }
            }
        }
        return new Naive(c, s, kk);
    }

    @Test void batchedShapesOffTheTilesAndTransposedOperands() {
        try (Tensor a = random(3, 70, 37); Tensor b = random(3, 37, 66); Tensor at = random(3, 37, 70); Tensor bt = random(3, 66, 37)) {
            check(a, b, "[3, 70, 37] x [3, 37, 66]");
            check(at.transpose(1, 2), b, "transposed a");
            check(a, bt.transpose(1, 2), "transposed b");
            check(at.transpose(1, 2), bt.transpose(1, 2), "both transposed");
        }
    }

    @Test void slicedOperandsKOfOneAndLongK() {
        try (Tensor a = random(20, 50); Tensor b = random(50, 30); Tensor col = random(65, 1); Tensor row = random(1, 67);
             Tensor la = random(5, 150); Tensor lb = random(150, 3)) {
            // every other row of a and every third column of b, starting off the first element
            check(a.slice(0, 1, 20, 2).slice(1, 3, 50), b.slice(0, 2, 49).slice(1, 1, 30, 3), "sliced operands");
            check(col, row, "K = 1");
            check(la, lb, "K = 150 (10 K steps, the last one partial)");
        }
    }

    @Test void broadcastBatchesAndVectors() {
        try (Tensor a = random(2, 1, 5, 17); Tensor b = random(3, 17, 9); Tensor a3 = random(4, 9, 20); Tensor b2 = random(20, 7);
             Tensor c7 = random(7, 20); Tensor v = random(20); Tensor m = random(4, 20); Tensor w = random(20, 5)) {
            check(a, b, "[2, 1, 5, 17] x [3, 17, 9] (batch axes that do not merge)");
            check(a3, b2, "[4, 9, 20] x [20, 7] (b broadcast over the batch)");
            check(c7.expand(4, 7, 20), a3.transpose(1, 2), "a expanded over the batch with stride 0");
            check(v, w, "vector x matrix");
            check(m, v, "matrix x vector");
            check(v, v, "vector x vector");
        }
    }

    @Test void zeroSizesAndEmptyK() {
        try (Tensor e = random(0, 5); Tensor b = random(5, 3); Tensor k0a = Tensor.zeros(DType.FLOAT32, 4, 0); Tensor k0b = Tensor.zeros(DType.FLOAT32, 0, 3);
             Tensor nb = Tensor.zeros(DType.FLOAT32, 0, 2, 5)) {
            check(e, b, "M = 0");
            check(b.transpose(0, 1), e.transpose(0, 1), "N = 0");
            check(nb, b, "batch 0");
            try (Tensor got = out(DType.FLOAT32, 4, 3)) {
                k.matmul(view(k0a), view(k0b), ptr(got), 0);
                for (float f : got.toFloatArray()) assertEquals(0f, f, "K = 0 writes zeros");
            }
        }
    }

    @Test void badShapesAreRefusedNamingTheOpAndShapes() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> k.matmul(TensorKernels.View.contiguous(8, 2, 3), TensorKernels.View.contiguous(8, 4, 5), 8, 0));
        assertTrue(e.getMessage().contains("matmul") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("inner sizes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> k.matmul(TensorKernels.View.contiguous(8, 2, 2, 3), TensorKernels.View.contiguous(8, 3, 3, 5), 8, 0));
        assertTrue(e.getMessage().contains("batch") && e.getMessage().contains("broadcast"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k.gemm(1, 2, 2, 2, 0, 0, 2, 1, 8, 0, 2, 1, 8, 0));
        assertTrue(e.getMessage().contains("gemm") && e.getMessage().contains("null"), e.getMessage());
    }
}
