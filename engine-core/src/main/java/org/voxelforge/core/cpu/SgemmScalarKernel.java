package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Plain-Java micro-kernel, used when the Vector API module is not on the module path. */
final class SgemmScalarKernel implements SgemmMicroKernel {
    static final int MR = 4, NR = 4;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    @Override public int mr() { return MR; }

    @Override public int nr() { return NR; }

    @Override public void multiply(int kc, float[] ap, int aIdx, float[] bp, int bIdx, float[] tile) {
        float[] acc = new float[MR * NR]; // escape analysis keeps this in registers/stack
        for (int p = 0; p < kc; p++, aIdx += MR, bIdx += NR) {
            for (int r = 0; r < MR; r++) {
                float a = ap[aIdx + r];
                for (int j = 0; j < NR; j++) acc[r * NR + j] = Math.fma(a, bp[bIdx + j], acc[r * NR + j]);
            }
        }
        System.arraycopy(acc, 0, tile, 0, MR * NR);
    }

    @Override public void store(float[] tile, int rows, int cols, float alpha, float beta, MemorySegment c, long cOff, long ldc) {
        storeScalar(tile, NR, rows, cols, alpha, beta, c, cOff, ldc);
    }

    /** Shared by both kernels for partial tiles; same arithmetic as the vector store. */
    static void storeScalar(float[] tile, int nr, int rows, int cols, float alpha, float beta, MemorySegment c, long cOff, long ldc) {
        for (int r = 0; r < rows; r++) {
            long row = (cOff + r * ldc) * 4;
            for (int j = 0; j < cols; j++) {
                long at = row + j * 4L;
                float t = tile[r * nr + j];
                float v = beta == 0f ? t * alpha : Math.fma(t, alpha, beta * c.get(F, at));
                c.set(F, at, v);
            }
        }
    }

    @Override public String describe() { return "scalar " + MR + "x" + NR; }
}
