package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API micro-kernel: a 6 x (2 vectors) tile of C lives in 12 FloatVector accumulators
 * (6 x 32 floats with AVX-512, 6 x 16 with AVX2). Each step of p loads two vectors of B,
 * broadcasts six values of A and issues twelve independent fmas, enough to cover the fma
 * latency on current x86 cores while staying within 16 registers (AVX2) without spills.
 *
 * <p>This class is loaded reflectively by {@link SgemmKernels}: if {@code jdk.incubator.vector}
 * is absent, loading it fails with a LinkageError and the scalar kernel is used.
 * (The unrolled body is written out by hand on purpose: C2 keeps named locals in registers.)
 */
final class SgemmVectorKernel implements SgemmMicroKernel {
    static final VectorSpecies<Float> S = species();
    static final int L = S.length();
    static final int MR = 6;
    static final int NR = 2 * L;

    /** {@code voxelforge.sgemm.bits} = 128, 256 or 512 overrides the preferred vector width (for experiments). */
    private static VectorSpecies<Float> species() {
        int bits = Integer.getInteger("voxelforge.sgemm.bits", 0);
        return switch (bits) {
            case 128 -> FloatVector.SPECIES_128;
            case 256 -> FloatVector.SPECIES_256;
            case 512 -> FloatVector.SPECIES_512;
            default -> FloatVector.SPECIES_PREFERRED;
        };
    }

    @Override public int mr() { return MR; }

    @Override public int nr() { return NR; }

    @Override public void multiply(int kc, float[] ap, int aIdx, float[] bp, int bIdx, float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
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
        }
        c00.intoArray(tile, 0 * NR);
        c01.intoArray(tile, 0 * NR + L);
        c10.intoArray(tile, 1 * NR);
        c11.intoArray(tile, 1 * NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
    }

    @Override public void store(float[] tile, int rows, int cols, float alpha, float beta, MemorySegment c, long cOff, long ldc) {
        if (cols != NR) {
            SgemmScalarKernel.storeScalar(tile, NR, rows, cols, alpha, beta, c, cOff, ldc);
            return;
        }
        for (int r = 0; r < rows; r++) {
            long row = (cOff + r * ldc) * 4;
            for (int v = 0; v < NR; v += L) {
                long at = row + v * 4L;
                FloatVector t = FloatVector.fromArray(S, tile, r * NR + v);
                FloatVector out = beta == 0f ? t.mul(alpha)
                        : t.fma(FloatVector.broadcast(S, alpha), FloatVector.fromMemorySegment(S, c, at, ByteOrder.nativeOrder()).mul(beta));
                out.intoMemorySegment(c, at, ByteOrder.nativeOrder());
            }
        }
    }

    @Override public String describe() { return "vector " + MR + "x" + NR + " (" + S.vectorBitSize() + "-bit)"; }
}
