package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.voxelforge.core.Parallel;

/**
 * The float32 conv3d forward as one GEMM per (sample, group, tile of output voxels), with the
 * column matrix written by vol2col straight into the packed micro-panel layout that
 * {@link Sgemm}'s micro-kernel reads, and the weights packed once per call.
 *
 * <p>Why not build the column matrix and call {@link Sgemm#sgemm}: with few output channels
 * (32 in a U-Net's first level) each column element feeds only 32 multiply-adds, so writing the
 * matrix and then packing it again costs more than the arithmetic. Packing while gathering
 * halves that traffic. The blocking is Sgemm's: depth slices of {@link Sgemm#KC}; per slice, each
 * NR-wide B micro-panel meets every MR-tall A micro-panel while it sits in L1.
 *
 * <p>Each tile of output voxels is written by exactly one thread, in a fixed order of depth
 * slices, so results do not depend on the thread count.
 */
final class Conv3dPackedForward {
    private Conv3dPackedForward() {}

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ScratchArrays PACKED = new ScratchArrays("conv3d packed column tile", 1);

    /**
     * y[n, group rows, tile] = W_group * col(x) (+ beta * y, so a bias pre-filled into y is kept).
     * x, w dense float32 from their offsets; y dense from 0.
     */
    static void run(ConvGeometry g, MemorySegment xs, long xo, MemorySegment ws, long wo, MemorySegment ys, float beta,
                    int tileFloats) {
        SgemmMicroKernel kern = SgemmKernels.BEST;
        int mr = kern.mr(), nr = kern.nr();
        int og = g.og(), k = g.k(), kcMax = Sgemm.KC;
        int slices = (k + kcMax - 1) / kcMax;
        int ogPad = (og + mr - 1) / mr * mr;
        long outPlane = g.outPlane(), plane = g.inPlane();

        // weights of every group, packed per depth slice: group gi, slice s at (gi * slices + s) * ogPad * kcMax
        float[] ap = new float[g.groups() * slices * ogPad * kcMax];
        for (int gi = 0; gi < g.groups(); gi++) {
            for (int s = 0; s < slices; s++) {
                int pc = s * kcMax, kc = Math.min(kcMax, k - pc);
                float[] tmp = new float[ogPad * kc];
                Sgemm.packA(ws, wo + (long) gi * og * k + pc, k, 1, kc, og, mr, tmp);
                System.arraycopy(tmp, 0, ap, (gi * slices + s) * ogPad * kcMax, tmp.length);
            }
        }

        int cols = (int) Math.min(roundUp(outPlane, nr), Math.max(nr, (long) tileFloats / k / nr * nr));
        long tiles = (outPlane + cols - 1) / cols;
        long items = (long) g.n() * g.groups() * tiles;
        Parallel.forRange(items, 1, (lo, hi) -> {
            float[] bp = PACKED.get(0, (long) k * cols);
            float[] tile = new float[mr * nr];
            for (long it = lo; it < hi; it++) {
                long t = it % tiles, ng = it / tiles;
                int n = (int) (ng / g.groups()), gi = (int) (ng % g.groups());
                long p0 = t * cols;
                int len = (int) Math.min(cols, outPlane - p0);
                int panels = (len + nr - 1) / nr;
                vol2colPacked(g, xs, xo + ((long) n * g.cin() + (long) gi * g.cg()) * plane, p0, len, nr, kcMax, panels * nr, bp);
                long yBase = ((long) n * g.cout() + (long) gi * og) * outPlane + p0;
                for (int s = 0; s < slices; s++) {
                    int pc = s * kcMax, kc = Math.min(kcMax, k - pc);
                    int aBase = (gi * slices + s) * ogPad * kcMax;
                    int bBase = pc * panels * nr;
                    float b = s == 0 ? beta : 1f; // later slices accumulate onto the earlier ones
                    for (int jp = 0; jp < panels; jp++) {
                        int j0 = jp * nr, ncols = Math.min(nr, len - j0);
                        for (int i0 = 0; i0 < og; i0 += mr) {
                            kern.multiplyInto(kc, ap, aBase + i0 * kc, bp, bBase + j0 * kc, tile,
                                    Math.min(mr, og - i0), ncols, 1f, b, ys, yBase + (long) i0 * outPlane + j0, outPlane);
                        }
                    }
                }
            }
        });
    }

    /**
     * Writes the column matrix of output voxels [p0, p0+len) packed for the micro-kernel: depth
     * slice s (rows [s*kcMax, ...)) starts at {@code s*kcMax*width}; inside it, B micro-panel jp
     * at {@code jp*nr*kc}, row p of that panel at {@code p*nr}. {@code width} is len rounded up
     * to whole panels; the padding columns are zeroed.
     *
     * <p>Each input row a (channel, kz, ky) and output row need is copied once into a zero-padded
     * array and then read by all kx taps, so the inner loop is a plain strided array read.
     */
    static void vol2colPacked(ConvGeometry g, MemorySegment x, long xOff, long p0, int len, int nr, int kcMax, int width,
                              float[] bp) {
        int k = g.k(), kw = g.kw();
        long plane = g.inPlane();
        float[] row = new float[g.paddedRowLength()];
        for (int r0 = 0; r0 < k; r0 += kw) {
            int c = r0 / g.kvol(), kr = r0 % g.kvol();
            int kz = kr / (g.kh() * kw), ky = kr / kw % g.kh();
            long base = xOff + c * plane;
            int ow = (int) (p0 % g.ow());
            long rowIdx = p0 / g.ow();
            int oh = (int) (rowIdx % g.oh()), od = (int) (rowIdx / g.oh());
            for (int j = 0; j < len; ) {
                int run = Math.min(g.ow() - ow, len - j);
                int iz = od * g.sd() - g.pd() + kz * g.dd();
                int iy = oh * g.sh() - g.ph() + ky * g.dh();
                boolean inside = iz >= 0 && iz < g.d() && iy >= 0 && iy < g.h();
                if (inside) {
                    // row[pw + ix] = x[iz][iy][ix]; the zeros around it stand for the padding
                    MemorySegment.copy(x, F, (base + ((long) iz * g.h() + iy) * g.w()) * 4, row, g.pw(), g.w());
                }
                for (int kx = 0; kx < kw; kx++) {
                    int r = r0 + kx;
                    int kc = Math.min(kcMax, k - r / kcMax * kcMax), panelStride = nr * kc;
                    int dst = r / kcMax * kcMax * width + (j / nr) * panelStride + (r % kcMax) * nr;
                    int jj = j % nr;
                    if (!inside) {
                        for (int t = 0; t < run; t++) {
                            bp[dst + jj] = 0f;
                            if (++jj == nr) { jj = 0; dst += panelStride; }
                        }
                        continue;
                    }
                    int sw = g.sw();
                    int ix = ow * sw + kx * g.dw(); // index into the padded row
                    for (int t = 0; t < run; ) {
                        int seg = Math.min(run - t, nr - jj); // up to the end of this micro-panel row
                        if (sw == 1) {
                            System.arraycopy(row, ix, bp, dst + jj, seg);
                            ix += seg;
                        } else {
                            for (int u = 0; u < seg; u++, ix += sw) bp[dst + jj + u] = row[ix];
                        }
                        t += seg;
                        jj += seg;
                        if (jj == nr) { jj = 0; dst += panelStride; }
                    }
                }
                j += run;
                ow = 0;
                if (++oh == g.oh()) { oh = 0; od++; }
            }
            for (int kx = 0; kx < kw; kx++) {
                int r = r0 + kx;
                int kc = Math.min(kcMax, k - r / kcMax * kcMax), panelStride = nr * kc;
                int base0 = r / kcMax * kcMax * width + (r % kcMax) * nr;
                for (int j = len; j < width; j++) bp[base0 + (j / nr) * panelStride + j % nr] = 0f;
            }
        }
    }

    private static long roundUp(long v, int m) { return (v + m - 1) / m * m; }
}
