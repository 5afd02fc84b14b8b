package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API micro-kernel: a 8 x (2 vectors) tile of C lives in 16 FloatVector accumulators
 * (8 x 32 floats with AVX-512, 8 x 16 with AVX2). Each step of p loads 2 vectors of B,
 * broadcasts 8 values of A and issues 16 independent fmas: many more than the fma latency
 * times the fma ports, with B reloaded once per 8 fmas. With 32 vector registers (AVX-512) the
 * tile, the B vectors and one broadcast fit without spills; on AVX2 (16 registers) C2 spills.
 *
 * <p>Accumulators go to a scratch tile; full tiles are then stored into C with vectors, edge
 * tiles with the scalar store. Both apply the same {@code fma(acc, alpha, beta * c)} arithmetic
 * (plain {@code alpha * acc} when beta is 0), so the path taken does not change any bit.
 *
 * <p>Used on AVX-512 machines (32 vector registers); see {@link SgemmKernels}.
 *
 * <p>This class is loaded reflectively by {@link SgemmKernels}: if {@code jdk.incubator.vector}
 * is absent, loading it fails with a LinkageError and the scalar kernel is used.
 * (The body is written out unrolled on purpose: C2 keeps named locals in registers, not arrays
 * of vectors.)
 */
final class SgemmVectorKernel8 implements SgemmMicroKernel {
    static final VectorSpecies<Float> S = SgemmVectorKernel.S; // one place reads voxelforge.sgemm.bits
    static final int L = S.length();
    static final int MR = 8;
    static final int NR = 2 * L;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    @Override public int mr() { return MR; }

    @Override public int nr() { return NR; }

    @Override public void multiply(int kc, float[] ap, int aIdx, float[] bp, int bIdx, float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = 0; p < kc; p++, aIdx += MR, bIdx += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bIdx);
            FloatVector b1 = FloatVector.fromArray(S, bp, bIdx + 1 * L);
            FloatVector a;
            a = FloatVector.broadcast(S, ap[aIdx + 0]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[aIdx + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[aIdx + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[aIdx + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[aIdx + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[aIdx + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, ap[aIdx + 6]);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, ap[aIdx + 7]);
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
        }
        c00.intoArray(tile, 0 * NR + 0 * L);
        c01.intoArray(tile, 0 * NR + 1 * L);
        c10.intoArray(tile, 1 * NR + 0 * L);
        c11.intoArray(tile, 1 * NR + 1 * L);
        c20.intoArray(tile, 2 * NR + 0 * L);
        c21.intoArray(tile, 2 * NR + 1 * L);
        c30.intoArray(tile, 3 * NR + 0 * L);
        c31.intoArray(tile, 3 * NR + 1 * L);
        c40.intoArray(tile, 4 * NR + 0 * L);
        c41.intoArray(tile, 4 * NR + 1 * L);
        c50.intoArray(tile, 5 * NR + 0 * L);
        c51.intoArray(tile, 5 * NR + 1 * L);
        c60.intoArray(tile, 6 * NR + 0 * L);
        c61.intoArray(tile, 6 * NR + 1 * L);
        c70.intoArray(tile, 7 * NR + 0 * L);
        c71.intoArray(tile, 7 * NR + 1 * L);
    }

    /**
     * The implicit-GEMM steps of {@link Conv3dSlabForward}: B rows gathered from the slab into a small
     * packed chunk (two vector copies per row), then {@link #multiply}'s loop accumulating onto
     * {@code acc}. Kept apart from multiply for the same reason as the store epilogue: small methods
     * that C1 and C2 both compile.
     */
    @Override public void gatherRows(int kc, float[] x, int[] rows, int rIdx, int col, float[] bp, int bIdx) {
        SgemmVectorKernel.gatherTwoVectorRows(kc, x, rows, rIdx, col, bp, bIdx); // NR is two vectors in both kernels
    }

    @Override public void multiplyAdd(int kc, float[] ap, int aIdx, float[] bp, int bIdx, float[] acc, int accOff, int ldAcc) {
        int t0 = accOff + 0 * ldAcc;
        int t1 = accOff + 1 * ldAcc;
        int t2 = accOff + 2 * ldAcc;
        int t3 = accOff + 3 * ldAcc;
        int t4 = accOff + 4 * ldAcc;
        int t5 = accOff + 5 * ldAcc;
        int t6 = accOff + 6 * ldAcc;
        int t7 = accOff + 7 * ldAcc;
        FloatVector c00 = FloatVector.fromArray(S, acc, t0), c01 = FloatVector.fromArray(S, acc, t0 + L), c10 = FloatVector.fromArray(S, acc, t1), c11 = FloatVector.fromArray(S, acc, t1 + L), c20 = FloatVector.fromArray(S, acc, t2), c21 = FloatVector.fromArray(S, acc, t2 + L), c30 = FloatVector.fromArray(S, acc, t3), c31 = FloatVector.fromArray(S, acc, t3 + L), c40 = FloatVector.fromArray(S, acc, t4), c41 = FloatVector.fromArray(S, acc, t4 + L), c50 = FloatVector.fromArray(S, acc, t5), c51 = FloatVector.fromArray(S, acc, t5 + L), c60 = FloatVector.fromArray(S, acc, t6), c61 = FloatVector.fromArray(S, acc, t6 + L), c70 = FloatVector.fromArray(S, acc, t7), c71 = FloatVector.fromArray(S, acc, t7 + L);
        for (int p = 0; p < kc; p++, aIdx += MR, bIdx += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bIdx);
            FloatVector b1 = FloatVector.fromArray(S, bp, bIdx + L);
            FloatVector a;
            a = FloatVector.broadcast(S, ap[aIdx + 0]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[aIdx + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[aIdx + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[aIdx + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[aIdx + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[aIdx + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, ap[aIdx + 6]);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, ap[aIdx + 7]);
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
        }
        c00.intoArray(acc, t0);
        c01.intoArray(acc, t0 + L);
        c10.intoArray(acc, t1);
        c11.intoArray(acc, t1 + L);
        c20.intoArray(acc, t2);
        c21.intoArray(acc, t2 + L);
        c30.intoArray(acc, t3);
        c31.intoArray(acc, t3 + L);
        c40.intoArray(acc, t4);
        c41.intoArray(acc, t4 + L);
        c50.intoArray(acc, t5);
        c51.intoArray(acc, t5 + L);
        c60.intoArray(acc, t6);
        c61.intoArray(acc, t6 + L);
        c70.intoArray(acc, t7);
        c71.intoArray(acc, t7 + L);
    }

    /**
     * The weight-gradient step of {@link Conv3dSlabWeightGrad}: A's row r is read in place,
     * {@code x[rows[rIdx + r] + col ...]}, B is a packed micro-panel, and the tile accumulates onto
     * {@code acc} (row r at {@code accOff + r * ldAcc}).
     */
    @Override public void multiplyAddRowsA(int kc, float[] x, int[] rows, int rIdx, int col, float[] bp, int bIdx,
                                           float[] acc, int accOff, int ldAcc) {
        int t0 = accOff + 0 * ldAcc, x0 = rows[rIdx + 0] + col;
        int t1 = accOff + 1 * ldAcc, x1 = rows[rIdx + 1] + col;
        int t2 = accOff + 2 * ldAcc, x2 = rows[rIdx + 2] + col;
        int t3 = accOff + 3 * ldAcc, x3 = rows[rIdx + 3] + col;
        int t4 = accOff + 4 * ldAcc, x4 = rows[rIdx + 4] + col;
        int t5 = accOff + 5 * ldAcc, x5 = rows[rIdx + 5] + col;
        int t6 = accOff + 6 * ldAcc, x6 = rows[rIdx + 6] + col;
        int t7 = accOff + 7 * ldAcc, x7 = rows[rIdx + 7] + col;
        FloatVector c00 = FloatVector.fromArray(S, acc, t0), c01 = FloatVector.fromArray(S, acc, t0 + L), c10 = FloatVector.fromArray(S, acc, t1), c11 = FloatVector.fromArray(S, acc, t1 + L), c20 = FloatVector.fromArray(S, acc, t2), c21 = FloatVector.fromArray(S, acc, t2 + L), c30 = FloatVector.fromArray(S, acc, t3), c31 = FloatVector.fromArray(S, acc, t3 + L), c40 = FloatVector.fromArray(S, acc, t4), c41 = FloatVector.fromArray(S, acc, t4 + L), c50 = FloatVector.fromArray(S, acc, t5), c51 = FloatVector.fromArray(S, acc, t5 + L), c60 = FloatVector.fromArray(S, acc, t6), c61 = FloatVector.fromArray(S, acc, t6 + L), c70 = FloatVector.fromArray(S, acc, t7), c71 = FloatVector.fromArray(S, acc, t7 + L);
        for (int p = 0; p < kc; p++, bIdx += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bIdx);
            FloatVector b1 = FloatVector.fromArray(S, bp, bIdx + L);
            FloatVector a;
            a = FloatVector.broadcast(S, x[x0 + p]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, x[x1 + p]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, x[x2 + p]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, x[x3 + p]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, x[x4 + p]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, x[x5 + p]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, x[x6 + p]);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, x[x7 + p]);
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
        }
        c00.intoArray(acc, t0);
        c01.intoArray(acc, t0 + L);
        c10.intoArray(acc, t1);
        c11.intoArray(acc, t1 + L);
        c20.intoArray(acc, t2);
        c21.intoArray(acc, t2 + L);
        c30.intoArray(acc, t3);
        c31.intoArray(acc, t3 + L);
        c40.intoArray(acc, t4);
        c41.intoArray(acc, t4 + L);
        c50.intoArray(acc, t5);
        c51.intoArray(acc, t5 + L);
        c60.intoArray(acc, t6);
        c61.intoArray(acc, t6 + L);
        c70.intoArray(acc, t7);
        c71.intoArray(acc, t7 + L);
    }

    /**
     * {@link #multiply} into the scratch tile, then a vector store for full tiles (the scalar one
     * for edge tiles). Kept small on purpose, with the 16 accumulators in {@link #multiply} only:
     * written as one method with the store epilogue inlined (1.7 KB of bytecode) it was too large
     * for C1 ("out of virtual registers"), so it ran as unintrinsified tier-2 code, about 100x
     * slower, until C2 compiled it, and each new alpha/beta/edge case trapped C2's code back there.
     * The round trip through {@code tile} costs 2 MR vector stores and loads per kc-deep tile.
     */
    @Override public void multiplyInto(int kc, float[] ap, int aIdx, float[] bp, int bIdx, float[] tile,
                                       int rows, int cols, float alpha, float beta, MemorySegment c, long cOff, long ldc) {
        multiply(kc, ap, aIdx, bp, bIdx, tile);
        if (rows != MR || cols != NR) SgemmScalarKernel.storeScalar(tile, NR, rows, cols, alpha, beta, c, cOff, ldc);
        else if (beta == 0f) storeFullNoBeta(tile, alpha, c, cOff, ldc);
        else storeFull(tile, alpha, beta, c, cOff, ldc);
    }

    /** {@code C = alpha * tile} for a full tile; C is not read (BLAS semantics for beta = 0). */
    private static void storeFullNoBeta(float[] tile, float alpha, MemorySegment c, long cOff, long ldc) {
        FloatVector al = FloatVector.broadcast(S, alpha);
        long row = cOff * 4, step = ldc * 4;
        for (int r = 0; r < MR; r++, row += step) {
            FloatVector.fromArray(S, tile, r * NR).mul(al).intoMemorySegment(c, row, NATIVE);
            FloatVector.fromArray(S, tile, r * NR + L).mul(al).intoMemorySegment(c, row + L * 4L, NATIVE);
        }
    }

    /** {@code C = fma(tile, alpha, beta * C)} for a full tile, as {@link SgemmScalarKernel#storeScalar}. */
    private static void storeFull(float[] tile, float alpha, float beta, MemorySegment c, long cOff, long ldc) {
        FloatVector al = FloatVector.broadcast(S, alpha);
        long row = cOff * 4, step = ldc * 4;
        for (int r = 0; r < MR; r++, row += step) {
            for (int h = 0; h < 2; h++) {
                long at = row + h * L * 4L;
                FloatVector.fromArray(S, tile, r * NR + h * L).fma(al, FloatVector.fromMemorySegment(S, c, at, NATIVE).mul(beta))
                        .intoMemorySegment(c, at, NATIVE);
            }
        }
    }

    @Override public void store(float[] tile, int rows, int cols, float alpha, float beta, MemorySegment c, long cOff, long ldc) {
        SgemmScalarKernel.storeScalar(tile, NR, rows, cols, alpha, beta, c, cOff, ldc);
    }

    @Override public String describe() { return "vector " + MR + "x" + NR + " (" + S.vectorBitSize() + "-bit)"; }
}
