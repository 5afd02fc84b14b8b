package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * float32 vol2col and its adjoint col2vol for the GEMM form of 3D convolution.
 *
 * <p>The column matrix of one sample and group has a row per (input channel, kd, kh, kw) and a
 * column per output voxel: {@code col[r][j] = x[c][od*sd - pd + kd*dd][..][..]}, zero where that
 * lies in the padding. These routines build (or scatter back) a tile of it covering the output
 * voxels {@code [p0, p0 + len)} (flat over od, oh, ow) and rows {@code [r0, r1)}, so a caller can
 * keep only a cache-sized tile and split rows across threads.
 */
final class Vol2Col {
    private Vol2Col() {}

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** Fills rows [r0, r1) of {@code col} (row-major, {@code len} columns) from the group's input planes at {@code xOff}. */
    static void vol2col(ConvGeometry g, MemorySegment x, long xOff, long p0, int len, int r0, int r1, float[] col) {
        int kvol = g.kvol(), khw = g.kh() * g.kw();
        long plane = g.inPlane();
        for (int r = r0; r < r1; r++) {
            int c = r / kvol, kr = r % kvol;
            int kz = kr / khw, ky = kr / g.kw() % g.kh(), kx = kr % g.kw();
            long base = xOff + c * plane;
            int row = r * len;
            forEachRun(g, p0, len, (j, run, iz, iy, ix0) -> {
                if (iz < 0 || iz >= g.d() || iy < 0 || iy >= g.h()) {
                    java.util.Arrays.fill(col, row + j, row + j + run, 0f);
                    return;
                }
                long src = base + ((long) iz * g.h() + iy) * g.w();
                if (g.sw() == 1) {
                    // a stride-1 run is one contiguous input row segment with zero edges
                    int lo = Math.clamp(-ix0, 0, run), hi = Math.clamp(g.w() - ix0, lo, run);
                    java.util.Arrays.fill(col, row + j, row + j + lo, 0f);
                    if (hi > lo) MemorySegment.copy(x, F, (src + ix0 + lo) * 4, col, row + j + lo, hi - lo);
                    java.util.Arrays.fill(col, row + j + hi, row + j + run, 0f);
                } else {
                    for (int t = 0; t < run; t++) {
                        int ix = ix0 + t * g.sw();
                        col[row + j + t] = ix >= 0 && ix < g.w() ? x.getAtIndex(F, src + ix) : 0f;
                    }
                }
            }, kz, ky, kx);
        }
    }

    /**
     * Adds rows [r0, r1) of {@code col} back into the group's input-gradient planes at {@code gxOff}
     * (vol2col's adjoint). r0 and r1 must be whole channels (multiples of kd*kh*kw). Each input
     * row is read once into a zero-padded array, receives all kx taps there, and is written back.
     */
    static void col2vol(ConvGeometry g, float[] col, long p0, int len, int r0, int r1, MemorySegment gx, long gxOff) {
        int kw = g.kw(), pw = g.pw(), sw = g.sw(), dw = g.dw();
        long plane = g.inPlane();
        float[] row = new float[Math.max(g.w() + 2 * pw, (g.ow() - 1) * sw + (kw - 1) * dw + 1)];
        for (int rk = r0; rk < r1; rk += kw) {
            int c = rk / g.kvol(), kr = rk % g.kvol();
            int kz = kr / (g.kh() * kw), ky = kr / kw % g.kh();
            long base = gxOff + c * plane;
            int ow = (int) (p0 % g.ow());
            long rowIdx = p0 / g.ow();
            int oh = (int) (rowIdx % g.oh()), od = (int) (rowIdx / g.oh());
            for (int j = 0; j < len; ) {
                int run = Math.min(g.ow() - ow, len - j);
                int iz = od * g.sd() - g.pd() + kz * g.dd();
                int iy = oh * g.sh() - g.ph() + ky * g.dh();
                if (iz >= 0 && iz < g.d() && iy >= 0 && iy < g.h()) {
                    long dst = (base + ((long) iz * g.h() + iy) * g.w()) * 4;
                    java.util.Arrays.fill(row, 0f);
                    MemorySegment.copy(gx, F, dst, row, pw, g.w());
                    for (int kx = 0; kx < kw; kx++) {
                        int src = (rk + kx) * len + j;
                        int ix = ow * sw + kx * dw;
                        for (int t = 0; t < run; t++, ix += sw) row[ix] += col[src + t];
                    }
                    // what landed in the padding is dropped: those taps read zeros in the forward
                    MemorySegment.copy(row, pw, gx, F, dst, g.w());
                }
                j += run;
                ow = 0;
                if (++oh == g.oh()) { oh = 0; od++; }
            }
        }
    }

    /** One stretch of output voxels along ow: columns [j, j+run) read input depth iz, row iy, and columns ix0 + t*sw. */
    @FunctionalInterface
    private interface RunBody {
        void run(int j, int run, int iz, int iy, int ix0);
    }

    /** Walks output voxels [p0, p0+len) one output row (fixed od, oh) at a time for kernel offset (kz, ky, kx). */
    private static void forEachRun(ConvGeometry g, long p0, int len, RunBody body, int kz, int ky, int kx) {
        int ow = (int) (p0 % g.ow());
        long rowIdx = p0 / g.ow();
        int oh = (int) (rowIdx % g.oh()), od = (int) (rowIdx / g.oh());
        for (int j = 0; j < len; ) {
            int run = Math.min(g.ow() - ow, len - j);
            int iz = od * g.sd() - g.pd() + kz * g.dd();
            int iy = oh * g.sh() - g.ph() + ky * g.dh();
            int ix0 = ow * g.sw() - g.pw() + kx * g.dw();
            body.run(j, run, iz, iy, ix0);
            j += run;
            ow = 0;
            if (++oh == g.oh()) { oh = 0; od++; }
        }
    }
}
