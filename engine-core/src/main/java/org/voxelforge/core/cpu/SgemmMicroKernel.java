package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;

/**
 * The innermost piece of {@link Sgemm}: multiplies one packed MR x kc micro-panel of A by one
 * packed kc x NR micro-panel of B, and writes the MR x NR result tile into C with alpha/beta.
 *
 * <p>Packed layouts (zero-padded to full MR/NR, so the kernel never branches on edges):
 * A micro-panel element (r, p) at {@code aIdx + p*MR + r}; B micro-panel element (p, j) at
 * {@code bIdx + p*NR + j}.
 */
interface SgemmMicroKernel {
    int mr();

    int nr();

    /** {@code tile[r*NR + j] = sum_p A(r, p) * B(p, j)}, summed in order p = 0, 1, ..., kc-1. */
    void multiply(int kc, float[] ap, int aIdx, float[] bp, int bIdx, float[] tile);

    /**
     * {@code C(r, j) = fma(tile(r, j), alpha, beta * C(r, j))} for r < rows, j < cols, where C(r, j)
     * is float element {@code cOff + r*ldc + j} of {@code c}. C is not read when beta is 0, so
     * NaNs there do not leak into the result (BLAS semantics).
     */
    void store(float[] tile, int rows, int cols, float alpha, float beta, MemorySegment c, long cOff, long ldc);

    /**
     * {@link #multiply} then {@link #store}, for a tile whose first {@code rows} x {@code cols} land
     * in C. Kernels override it to write full tiles straight from registers into C, with the same
     * arithmetic; {@code tile} is scratch for edge tiles.
     */
    default void multiplyInto(int kc, float[] ap, int aIdx, float[] bp, int bIdx, float[] tile,
                              int rows, int cols, float alpha, float beta, MemorySegment c, long cOff, long ldc) {
        multiply(kc, ap, aIdx, bp, bIdx, tile);
        store(tile, rows, cols, alpha, beta, c, cOff, ldc);
    }

    /**
     * Packs kc rows of B read in place through an offset table, {@code bp[bIdx + p*NR + j] =
     * x[rows[rIdx + p] + col + j]}, into one micro-panel (see {@link Conv3dSlabForward}).
     */
    default void gatherRows(int kc, float[] x, int[] rows, int rIdx, int col, float[] bp, int bIdx) {
        int nr = nr();
        for (int p = 0; p < kc; p++) System.arraycopy(x, rows[rIdx + p] + col, bp, bIdx + p * nr, nr);
    }

    /**
     * {@code acc(r, j) += sum_p A(r, p) * B(p, j)} for packed micro-panels, summed in order p = 0 ..
     * kc-1 onto the tile at {@code acc[accOff + r*ldAcc + j]}. Plain reference; vector kernels override it.
     */
    default void multiplyAdd(int kc, float[] ap, int aIdx, float[] bp, int bIdx, float[] acc, int accOff, int ldAcc) {
        int mr = mr(), nr = nr();
        for (int p = 0; p < kc; p++, aIdx += mr, bIdx += nr) {
            for (int r = 0; r < mr; r++) {
                float a = ap[aIdx + r];
                int t = accOff + r * ldAcc;
                for (int j = 0; j < nr; j++) acc[t + j] = Math.fma(a, bp[bIdx + j], acc[t + j]);
            }
        }
    }

    /**
     * {@code acc(r, j) += sum_p x[rows[rIdx + r] + col + p] * B(p, j)}, summed in order p = 0 .. kc-1,
     * with B a packed micro-panel (element (p, j) at {@code bIdx + p*NR + j}) and A's MR rows read
     * in place through the offset table (see {@link Conv3dSlabWeightGrad}). Plain reference here.
     */
    default void multiplyAddRowsA(int kc, float[] x, int[] rows, int rIdx, int col, float[] bp, int bIdx,
                                  float[] acc, int accOff, int ldAcc) {
        int mr = mr(), nr = nr();
        for (int p = 0; p < kc; p++, bIdx += nr) {
            for (int r = 0; r < mr; r++) {
                float a = x[rows[rIdx + r] + col + p];
                int t = accOff + r * ldAcc;
                for (int j = 0; j < nr; j++) acc[t + j] = Math.fma(a, bp[bIdx + j], acc[t + j]);
            }
        }
    }

    /** Short name for logs and benchmark labels. */
    String describe();
}
