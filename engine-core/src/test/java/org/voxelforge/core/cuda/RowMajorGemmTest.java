package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The row-major-to-cuBLAS mapping, checked without a GPU: a naive column-major GEMM with BLAS
 * semantics (what cuBLAS computes) run on the mapped arguments must equal a naive row-major GEMM.
 */
class RowMajorGemmTest {
    /** C = op(A) op(B), column-major, as BLAS defines sgemm (alpha 1, beta 0). */
    static void columnMajorGemm(boolean tA, boolean tB, int m, int n, int k, float[] A, int lda, float[] B, int ldb, float[] C, int ldc) {
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float a = tA ? A[p + i * lda] : A[i + p * lda];
                    float b = tB ? B[j + p * ldb] : B[p + j * ldb];
                    s += (double) a * b;
                }
                C[i + j * ldc] = (float) s;
            }
        }
    }

    /** C[i][j] = sum_p op(A)[i][p] op(B)[p][j], row-major with row strides lda, ldb, ldc. */
    static void rowMajorGemm(boolean tA, boolean tB, int m, int n, int k, float[] A, int lda, float[] B, int ldb, float[] C, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float a = tA ? A[p * lda + i] : A[i * lda + p];
                    float b = tB ? B[j * ldb + p] : B[p * ldb + j];
                    s += (double) a * b;
                }
                C[i * ldc + j] = (float) s;
            }
        }
    }

    @Test void mappedColumnMajorCallEqualsRowMajorProduct() {
        Random r = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            boolean tA = r.nextBoolean(), tB = r.nextBoolean();
            int m = 1 + r.nextInt(7), n = 1 + r.nextInt(7), k = 1 + r.nextInt(7);
            int lda = (tA ? m : k) + r.nextInt(3), ldb = (tB ? k : n) + r.nextInt(3), ldc = n + r.nextInt(3);
            float[] A = random(r, (tA ? k : m) * lda), B = random(r, (tB ? n : k) * ldb);
            float[] want = new float[m * ldc], got = new float[m * ldc];
            rowMajorGemm(tA, tB, m, n, k, A, lda, B, ldb, want, ldc);
            RowMajorGemm g = RowMajorGemm.of(tA, tB, m, n, k, lda, ldb, ldc);
            // cuBLAS's A is row-major B, its B is row-major A: exactly what Cublas.rowMajorSgemm passes.
            columnMajorGemm(g.transFirst(), g.transSecond(), g.m(), g.n(), g.k(), B, g.ldFirst(), A, g.ldSecond(), got, g.ldc());
            assertArrayEquals(want, got, "tA=" + tA + " tB=" + tB + " m=" + m + " n=" + n + " k=" + k);
        }
    }

    @Test void contiguousCaseSwapsOperandsAndSizes() {
        RowMajorGemm g = RowMajorGemm.contiguous(2, 3, 4);
        assertEquals(new RowMajorGemm(false, false, 3, 2, 4, 3, 4, 3), g);
    }

    @Test void tooSmallLeadingDimensionsAreRefusedWithTheShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RowMajorGemm.of(false, false, 2, 3, 4, 3, 3, 3));
        assertTrue(e.getMessage().contains("lda=3 needs >= 4") && e.getMessage().contains("A is 2x4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RowMajorGemm.of(false, false, -1, 3, 4, 4, 3, 3));
    }

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextInt(19) - 9; // small integers: exact sums either way
        return a;
    }
}
