package org.voxelforge.core.cuda;

/**
 * How a row-major GEMM becomes a column-major (cuBLAS) call.
 *
 * <p>A row-major m x n matrix with row stride ld is, byte for byte, a column-major n x m matrix
 * with leading dimension ld: its transpose. So for row-major {@code C = op(A) op(B)} we ask
 * cuBLAS for {@code C^T = op(B)^T op(A)^T}: swap the operands (B first), keep each operand's
 * transpose flag, and swap m and n. No data moves.
 *
 * @param transFirst  cuBLAS {@code transa} (the flag of row-major B)
 * @param transSecond cuBLAS {@code transb} (the flag of row-major A)
 * @param m cuBLAS m (= row-major n)
 * @param n cuBLAS n (= row-major m)
 * @param k the shared dimension
 * @param ldFirst  leading dimension of cuBLAS's A (= row-major B's row stride)
 * @param ldSecond leading dimension of cuBLAS's B (= row-major A's row stride)
 * @param ldc      leading dimension of C (= row-major C's row stride)
 */
public record RowMajorGemm(boolean transFirst, boolean transSecond, int m, int n, int k, int ldFirst, int ldSecond, int ldc) {

    /**
     * The column-major call for row-major {@code C[m,n] = op(A)[m,k] op(B)[k,n]}, where lda, ldb,
     * ldc are row strides in elements (A is m x k, or k x m when transA).
     */
    public static RowMajorGemm of(boolean transA, boolean transB, int m, int n, int k, int lda, int ldb, int ldc) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("gemm: sizes must be >= 0, got m=" + m + " n=" + n + " k=" + k);
        int aCols = transA ? m : k, bCols = transB ? k : n;
        if (lda < Math.max(1, aCols) || ldb < Math.max(1, bCols) || ldc < Math.max(1, n)) {
            throw new IllegalArgumentException("gemm (row-major): leading dimensions too small: lda=" + lda + " needs >= " + aCols
                    + " (A is " + (transA ? k + "x" + m : m + "x" + k) + "), ldb=" + ldb + " needs >= " + bCols
                    + " (B is " + (transB ? n + "x" + k : k + "x" + n) + "), ldc=" + ldc + " needs >= " + n);
        }
        return new RowMajorGemm(transB, transA, n, m, k, ldb, lda, ldc);
    }

    /** The contiguous case: A m x k, B k x n, C m x n. */
    public static RowMajorGemm contiguous(int m, int n, int k) { return of(false, false, m, n, k, k, n, n); }
}
