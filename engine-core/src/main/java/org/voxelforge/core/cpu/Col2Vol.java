package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * col2vol for the float32 conv3d backward-data pass: scatters a tile of the column matrix
 * (a row per (input channel, kd, kh, kw), a column per output voxel of {@code [p0, p0 + len)},
 * flat over od, oh, ow) back onto the input-gradient volume, the adjoint of the gathers in
 * {@link Conv3dPackedForward} and {@link Conv3dPackedWeightGrad}.
 */
final class Col2Vol {
    private Col2Vol() {}

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /**
     * Adds rows [r0, r1) of {@code col} back into the group's input-gradient planes at {@code gxOff}
     * (vol2col's adjoint). r0 and r1 must be whole channels (multiples of kd*kh*kw). Each input
     * row is read once into a zero-padded array, receives all kx taps there, and is written back.
     */
    static void col2vol(ConvGeometry g, float[] col, long p0, int len, int r0, int r1, MemorySegment gx, long gxOff) {
        int kw = g.kw(), pw = g.pw(), sw = g.sw(), dw = g.dw();
        long plane = g.inPlane();
        float[] row = new float[g.paddedRowLength()];
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
}
