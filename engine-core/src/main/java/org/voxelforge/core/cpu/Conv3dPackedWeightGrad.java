package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.voxelforge.core.Parallel;

/**
 * The float32 conv3d weight gradient, {@code gradW_group += gradY_tile * col(x)_tile^T} summed over
 * samples and tiles of output voxels, driving {@link Sgemm}'s micro-kernel directly: the
 * transposed column matrix is gathered straight into packed B micro-panels (see
 * {@link Conv3dPackedForward} for why), gradY rows are packed with {@link Sgemm#packA}.
 *
 * <p>Threads split gradW's columns (micro-panels of (channel, kd, kh, kw) rows of the column
 * matrix); each thread gathers only its own rows. Every gradW element is accumulated by one
 * thread in the fixed order sample, tile, depth slice, so results do not depend on the thread count.
 */
final class Conv3dPackedWeightGrad {
    private Conv3dPackedWeightGrad() {}

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** gw (dense float32 [cout, cg, kd, kh, kw], zero or holding a sum to add to) += the gradient. */
    static void run(ConvGeometry g, MemorySegment gys, long gyo, MemorySegment xs, long xo, MemorySegment gws, int tileFloats) {
        SgemmMicroKernel kern = SgemmKernels.BEST;
        int mr = kern.mr(), nr = kern.nr(), kcMax = Sgemm.KC;
        int og = g.og(), k = g.k(), ogPad = (og + mr - 1) / mr * mr;
        int kPanels = (k + nr - 1) / nr;
        long outPlane = g.outPlane(), plane = g.inPlane();
        int cols = (int) Math.min(outPlane, Math.max(kcMax, (long) tileFloats / k / kcMax * kcMax));
        long items = (long) g.groups() * kPanels;
        Parallel.forRange(items, 1, (lo, hi) -> {
            float[] tile = new float[mr * nr];
            float[] ap = new float[ogPad * kcMax];
            for (int gi = (int) (lo / kPanels); gi <= (hi - 1) / kPanels; gi++) {
                int q0 = (int) (Math.max(lo, (long) gi * kPanels) - (long) gi * kPanels);
                int q1 = (int) (Math.min(hi, (long) (gi + 1) * kPanels) - (long) gi * kPanels);
                int ra = q0 * nr, rb = Math.min(k, q1 * nr), width = (q1 - q0) * nr;
                float[] bp = new float[width * cols];
                for (int n = 0; n < g.n(); n++) {
                    long xBase = xo + ((long) n * g.cin() + (long) gi * g.cg()) * plane;
                    long gyBase = gyo + ((long) n * g.cout() + (long) gi * og) * outPlane;
                    for (long p0 = 0; p0 < outPlane; p0 += cols) {
                        int len = (int) Math.min(cols, outPlane - p0);
                        gatherTransposed(g, xs, xBase, p0, len, ra, rb, nr, kcMax, width, bp);
                        for (int pc = 0; pc < len; pc += kcMax) {
                            int kc = Math.min(kcMax, len - pc);
                            Sgemm.packA(gys, gyBase + p0 + pc, outPlane, 1, kc, og, mr, ap);
                            int sBase = pc * width;
                            for (int q = 0; q < q1 - q0; q++) {
                                int ncols = Math.min(nr, rb - ra - q * nr);
                                for (int i0 = 0; i0 < og; i0 += mr) {
                                    kern.multiplyInto(kc, ap, i0 * kc, bp, sBase + q * nr * kc, tile,
                                            Math.min(mr, og - i0), ncols, 1f, 1f, gws,
                                            ((long) gi * og + i0) * k + ra + (long) q * nr, k);
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    /**
     * Packs B = col^T for output voxels [p0, p0+len) and column-matrix rows [ra, rb): depth slice
     * s (voxels [s*kcMax, ...)) at {@code s*kcMax*width}; in it, micro-panel q (rows ra + q*nr ..)
     * at {@code q*nr*kc}, element (voxel p, row rr) at {@code p*nr + rr % nr}. Rows between rb and
     * the panel edge are left as they are: they only feed result columns that are never stored.
     */
    static void gatherTransposed(ConvGeometry g, MemorySegment x, long xOff, long p0, int len, int ra, int rb,
                                 int nr, int kcMax, int width, float[] bp) {
        int kw = g.kw(), sw = g.sw(), dw = g.dw();
        long plane = g.inPlane();
        float[] row = new float[g.paddedRowLength()];
        float[] zeros = new float[row.length]; // read instead of row where the whole input row is padding
        for (int rk = ra / kw * kw; rk < rb; rk += kw) {
            int c = rk / g.kvol(), kr = rk % g.kvol();
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
                if (inside) MemorySegment.copy(x, F, (base + ((long) iz * g.h() + iy) * g.w()) * 4, row, g.pw(), g.w());
                for (int kx = 0; kx < kw; kx++) {
                    int rr = rk + kx - ra;
                    if (rr < 0 || rk + kx >= rb) continue;
                    int panelOff = rr / nr * nr, lane = rr % nr;
                    int s = j / kcMax, p = j % kcMax;
                    int kc = Math.min(kcMax, len - s * kcMax);
                    int at = s * kcMax * width + panelOff * kc + lane; // + p * nr
                    int ix = ow * sw + kx * dw;
                    float[] from = inside ? row : zeros;
                    for (int t = 0; t < run; ) {
                        int seg = Math.min(run - t, kcMax - p); // up to the end of this depth slice
                        int d = at + p * nr;
                        for (int u = 0; u < seg; u++, ix += sw, d += nr) bp[d] = from[ix];
                        t += seg;
                        p += seg;
                        if (p == kcMax) {
                            p = 0;
                            s++;
                            kc = Math.min(kcMax, len - s * kcMax);
                            at = s * kcMax * width + panelOff * kc + lane;
                        }
                    }
                }
                j += run;
                ow = 0;
                if (++oh == g.oh()) { oh = 0; od++; }
            }
        }
    }
}
