package org.voxelforge.core.cpu;

/**
 * The slow, obviously right twin of {@link Sgemm}: a triple loop that sums in double, then
 * writes {@code C = alpha * sum + beta * C} (C not read when beta is 0). Same row-major,
 * leading-dimension and transpose conventions as {@link Sgemm#sgemm}.
 */
public final class SgemmReference {
    private SgemmReference() {}

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += (double) av * bv;
                }
                int at = cOff + i * ldc + j;
                c[at] = (float) (alpha * sum + (beta == 0f ? 0 : (double) beta * c[at]));
            }
        }
    }
}
