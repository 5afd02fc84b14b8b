package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API micro-kernel: a 6 x (2 vectors) tile of C lives in 12 FloatVector accumulators
 * (6 x 32 floats with AVX-512, 6 x 16 with AVX2). Each step of p loads 2 vectors of B,
 * broadcasts 6 values of A and issues 12 independent fmas: many more than the fma latency
 * times the fma ports, with B reloaded once per 6 fmas. With 32 vector registers (AVX-512) the
 * tile, the B vectors and one broadcast fit without spills; on AVX2 (16 registers) C2 spills.
 *
 * <p>Full tiles go straight from the accumulators into C ({@link #multiplyInto}); only edge tiles
 * pass through the scratch tile and the scalar store. Both apply the same
 * {@code fma(acc, alpha, beta * c)} arithmetic, so the path taken does not change any bit.
 *
 * <p>Used on machines with narrower vectors (16 registers on AVX2); see {@link SgemmKernels}.
 *
 * <p>This class is loaded reflectively by {@link SgemmKernels}: if {@code jdk.incubator.vector}
 * is absent, loading it fails with a LinkageError and the scalar kernel is used.
 * (The body is written out unrolled on purpose: C2 keeps named locals in registers, not arrays
 * of vectors.)
 */
final class SgemmVectorKernel implements SgemmMicroKernel {
    static final VectorSpecies<Float> S = species();
    static final int L = S.length();
    static final int MR = 6;
    static final int NR = 2 * L;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

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
    }

    @Override public void multiplyInto(int kc, float[] ap, int aIdx, float[] bp, int bIdx, float[] tile,
                                       int rows, int cols, float alpha, float beta, MemorySegment c, long cOff, long ldc) {
        if (rows != MR || cols != NR) {
            multiply(kc, ap, aIdx, bp, bIdx, tile);
            SgemmScalarKernel.storeScalar(tile, NR, rows, cols, alpha, beta, c, cOff, ldc);
            return;
        }
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
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
        }
        long row = cOff * 4, step = ldc * 4;
        if (beta == 0f) {
            if (alpha != 1f) {
                FloatVector al = FloatVector.broadcast(S, alpha);
                c00 = c00.mul(al);
                c01 = c01.mul(al);
                c10 = c10.mul(al);
                c11 = c11.mul(al);
                c20 = c20.mul(al);
                c21 = c21.mul(al);
                c30 = c30.mul(al);
                c31 = c31.mul(al);
                c40 = c40.mul(al);
                c41 = c41.mul(al);
                c50 = c50.mul(al);
                c51 = c51.mul(al);
            }
            c00.intoMemorySegment(c, row, NATIVE);
            c01.intoMemorySegment(c, row + 1 * L * 4L, NATIVE);
            row += step;
            c10.intoMemorySegment(c, row, NATIVE);
            c11.intoMemorySegment(c, row + 1 * L * 4L, NATIVE);
            row += step;
            c20.intoMemorySegment(c, row, NATIVE);
            c21.intoMemorySegment(c, row + 1 * L * 4L, NATIVE);
            row += step;
            c30.intoMemorySegment(c, row, NATIVE);
            c31.intoMemorySegment(c, row + 1 * L * 4L, NATIVE);
            row += step;
            c40.intoMemorySegment(c, row, NATIVE);
            c41.intoMemorySegment(c, row + 1 * L * 4L, NATIVE);
            row += step;
            c50.intoMemorySegment(c, row, NATIVE);
            c51.intoMemorySegment(c, row + 1 * L * 4L, NATIVE);
        } else {
            FloatVector al = FloatVector.broadcast(S, alpha);
            c00.fma(al, FloatVector.fromMemorySegment(S, c, row, NATIVE).mul(beta)).intoMemorySegment(c, row, NATIVE);
            c01.fma(al, FloatVector.fromMemorySegment(S, c, row + 1 * L * 4L, NATIVE).mul(beta)).intoMemorySegment(c, row + 1 * L * 4L, NATIVE);
            row += step;
            c10.fma(al, FloatVector.fromMemorySegment(S, c, row, NATIVE).mul(beta)).intoMemorySegment(c, row, NATIVE);
            c11.fma(al, FloatVector.fromMemorySegment(S, c, row + 1 * L * 4L, NATIVE).mul(beta)).intoMemorySegment(c, row + 1 * L * 4L, NATIVE);
            row += step;
            c20.fma(al, FloatVector.fromMemorySegment(S, c, row, NATIVE).mul(beta)).intoMemorySegment(c, row, NATIVE);
            c21.fma(al, FloatVector.fromMemorySegment(S, c, row + 1 * L * 4L, NATIVE).mul(beta)).intoMemorySegment(c, row + 1 * L * 4L, NATIVE);
            row += step;
            c30.fma(al, FloatVector.fromMemorySegment(S, c, row, NATIVE).mul(beta)).intoMemorySegment(c, row, NATIVE);
            c31.fma(al, FloatVector.fromMemorySegment(S, c, row + 1 * L * 4L, NATIVE).mul(beta)).intoMemorySegment(c, row + 1 * L * 4L, NATIVE);
            row += step;
            c40.fma(al, FloatVector.fromMemorySegment(S, c, row, NATIVE).mul(beta)).intoMemorySegment(c, row, NATIVE);
            c41.fma(al, FloatVector.fromMemorySegment(S, c, row + 1 * L * 4L, NATIVE).mul(beta)).intoMemorySegment(c, row + 1 * L * 4L, NATIVE);
            row += step;
            c50.fma(al, FloatVector.fromMemorySegment(S, c, row, NATIVE).mul(beta)).intoMemorySegment(c, row, NATIVE);
            c51.fma(al, FloatVector.fromMemorySegment(S, c, row + 1 * L * 4L, NATIVE).mul(beta)).intoMemorySegment(c, row + 1 * L * 4L, NATIVE);
        }
    }

    @Override public void store(float[] tile, int rows, int cols, float alpha, float beta, MemorySegment c, long cOff, long ldc) {
        SgemmScalarKernel.storeScalar(tile, NR, rows, cols, alpha, beta, c, cOff, ldc);
    }

    @Override public String describe() { return "vector " + MR + "x" + NR + " (" + S.vectorBitSize() + "-bit)"; }
}
