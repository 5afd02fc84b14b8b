package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.voxelforge.core.Parallel;

/**
 * The float32 conv3d forward as a direct convolution over output rows, for the deep U-Net levels
 * (many channels, small planes) where the GEMM paths compute the padding: at 8^3 with a 3x3x3
 * kernel, 23% of the multiply-adds of the column matrix read padding zeros, and the slab path
 * ({@link Conv3dSlabForward}) would add 20% more for the columns between rows.
 *
 * <p>The input is copied channels-last, {@code xt[n, g][z][y][x + pw][c]}, zero only in the
 * x-padding. One tile is MR output voxels of one row times NR output channels: per kernel tap,
 * the tile's A operand is MR runs of cg channels at a fixed stride in xt (read in place by
 * {@link SgemmMicroKernel#multiplyAddRowsA}) and its B operand is that tap's weights, packed
 * [tap][c][NR]. A tap whose input plane (z) or row (y) lies in the padding is skipped for the
 * whole row, which is where the saving is; taps in the x-padding are computed on the zeros.
 * Several rows of one plane share each {@link Conv3dSlabForward#KB}-deep weight chunk while it is
 * in L1. Any stride, dilation and groups.
 *
 * <p>Each output element is summed by one thread in the order (kz, ky, kx, c), whatever the
 * thread count.
 */
final class Conv3dRowForward {
    private Conv3dRowForward() {}

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** auto (the rule in {@link #applies}), always or never: for benchmarks that compare the paths. */
    static final String MODE = System.getProperty("voxelforge.conv.rowPath", "auto");
    /** Slot 0: the channels-last input; slot 1: the packed weights. */
    private static final ScratchArrays SCRATCH = new ScratchArrays("conv3d row path", 2);
    /**
     * MR x NR tiles worked on together per weight chunk: their accumulators (8 KiB) share L1 with
     * the chunk. 4, 8 and 16 tiles, with chunks 64, 128 and 320 deep, measured within noise of each
     * other at 320 channels 8^3 and 128 channels 16^3.
     */
    private static final int TILES_PER_ITEM = 8;
    /** Depth (input channels) of one weight chunk: KB x NR floats, 16 KiB. */
    private static final int KB = 128;

    /**
     * Deep layers with small planes: at least 32 input and output channels per group, planes of at
     * most 32 x 32 outputs (beyond that the slab path wastes little and streams less), and a
     * channels-last copy that fits one array.
     */
    static boolean applies(ConvGeometry g) {
        if (MODE.equals("never")) return false;
        boolean fits = (long) g.n() * g.cin() * g.d() * g.h() * g.paddedRowLength() < Integer.MAX_VALUE - 8;
        if (MODE.equals("always")) return fits;
        return fits && !g.pointwise() && g.cg() >= 32 && g.og() >= 32 && (long) g.oh() * g.ow() <= 32 * 32;
    }

    /**
     * y[n, group rows] = W_group * x_group (+ y when beta is 1, so a bias pre-filled into y is kept).
     * x, w dense float32 from their offsets; y dense from 0.
     */
    static void run(ConvGeometry g, MemorySegment xs, long xo, MemorySegment ws, long wo, MemorySegment ys, float beta) {
        run(g, xs, xo, packWeights(g, ws, wo, SgemmKernels.BEST.nr(), false), ys, beta);
    }

    /** {@link #run} with the weights already packed by {@link #packWeights}. */
    static void run(ConvGeometry g, MemorySegment xs, long xo, float[] bp, MemorySegment ys, float beta) {
        SgemmMicroKernel kern = SgemmKernels.BEST;
        int mr = kern.mr(), nr = kern.nr();
        int og = g.og(), cg = g.cg(), kvol = g.kvol(), obs = Math.ceilDiv(og, nr);
        int wp = g.paddedRowLength(), xBlocks = Math.ceilDiv(g.ow(), mr);
        int rowsPerItem = Math.max(1, Math.min(g.oh(), TILES_PER_ITEM / xBlocks)), yGroups = Math.ceilDiv(g.oh(), rowsPerItem);
        float[] xt = channelsLast(g, xs, xo, wp);
        // A row i of x-block xb starts at output voxel xb*MR + i (the last block repeats its last voxel)
        int[] xRows = new int[xBlocks * mr];
        for (int i = 0; i < xRows.length; i++) xRows[i] = Math.min(i, g.ow() - 1) * g.sw() * cg;

        long items = (long) g.n() * g.groups() * obs * g.od() * yGroups;
        Parallel.forRange(items, 1, (lo, hi) -> {
            float[] acc = new float[rowsPerItem * xBlocks * mr * nr];
            for (long it = lo; it < hi; it++) {
                int yg = (int) (it % yGroups), z = (int) (it / yGroups % g.od());
                int ob = (int) (it / yGroups / g.od() % obs), ng = (int) (it / yGroups / g.od() / obs);
                int y0 = yg * rowsPerItem, ny = Math.min(rowsPerItem, g.oh() - y0);
                Arrays.fill(acc, 0f);
                accumulate(g, kern, xt, wp, xRows, xBlocks, bp, ng, ob, obs, z, y0, ny, acc);
                store(g, acc, xBlocks, mr, nr, ng, ob, z, y0, ny, beta, ys);
            }
        });
    }

    /** acc[(row, x-block)] += the tile sums over every tap whose input plane and row are inside the volume. */
    private static void accumulate(ConvGeometry g, SgemmMicroKernel kern, float[] xt, int wp, int[] xRows, int xBlocks,
                                   float[] bp, int ng, int ob, int obs, int z, int y0, int ny, float[] acc) {
        int mr = kern.mr(), nr = kern.nr(), cg = g.cg(), kvol = g.kvol(), gi = ng % g.groups();
        int tile = mr * nr;
        for (int kz = 0; kz < g.kd(); kz++) {
            int iz = z * g.sd() - g.pd() + kz * g.dd();
            if (iz < 0 || iz >= g.d()) continue;
            for (int ky = 0; ky < g.kh(); ky++) {
                for (int kx = 0; kx < g.kw(); kx++) {
                    int t = (kz * g.kh() + ky) * g.kw() + kx;
                    int bBase = ((gi * obs + ob) * kvol + t) * cg * nr;
                    for (int c0 = 0; c0 < cg; c0 += KB) {
                        int kc = Math.min(KB, cg - c0);
                        for (int r = 0; r < ny; r++) {
                            int iy = (y0 + r) * g.sh() - g.ph() + ky * g.dh();
                            if (iy < 0 || iy >= g.h()) continue;
                            int col = ((((ng * g.d() + iz) * g.h() + iy) * wp) + kx * g.dw()) * cg + c0;
                            for (int xb = 0; xb < xBlocks; xb++) {
                                kern.multiplyAddRowsA(kc, xt, xRows, xb * mr, col, bp, bBase + c0 * nr, acc,
                                        (r * xBlocks + xb) * tile, nr);
                            }
                        }
                    }
                }
            }
        }
    }

    /** y[n, channel, z, y0 + r, x] = acc tile element (x, channel) (+ y when beta is 1), for the real voxels and channels. */
    private static void store(ConvGeometry g, float[] acc, int xBlocks, int mr, int nr, int ng, int ob, int z, int y0, int ny,
                              float beta, MemorySegment y) {
        int n = ng / g.groups(), gi = ng % g.groups();
        int channels = Math.min(nr, g.og() - ob * nr);
        long outPlane = g.outPlane();
        for (int j = 0; j < channels; j++) {
            long chBase = ((long) n * g.cout() + (long) gi * g.og() + (long) ob * nr + j) * outPlane;
            for (int r = 0; r < ny; r++) {
                long rowBase = chBase + ((long) z * g.oh() + y0 + r) * g.ow();
                for (int x = 0; x < g.ow(); x++) {
                    float v = acc[(r * xBlocks + x / mr) * mr * nr + (x % mr) * nr + j];
                    long at = (rowBase + x) * 4;
                    y.set(F, at, beta == 0f ? v : v + y.get(F, at));
                }
            }
        }
    }

    /** xt[(n*groups + gi), z, y, pw + x, c] = x[n, gi*cg + c, z, y, x]; zero in the x-padding. */
    private static float[] channelsLast(ConvGeometry g, MemorySegment xs, long xo, int wp) {
        int cg = g.cg(), d = g.d(), h = g.h(), w = g.w(), pw = g.pw();
        float[] xt = SCRATCH.get(0, (long) g.n() * g.cin() * d * h * wp);
        long inPlane = g.inPlane();
        // one input plane z of one sample and group per task: disjoint slices of xt
        Parallel.forRange((long) g.n() * g.groups() * d, 1, (lo, hi) -> {
            float[] row = new float[w];
            for (long task = lo; task < hi; task++) {
                int z = (int) (task % d), ng = (int) (task / d);
                int n = ng / g.groups(), gi = ng % g.groups();
                for (int c = 0; c < cg; c++) {
                    long src = xo + ((long) n * g.cin() + (long) gi * cg + c) * inPlane + (long) z * h * w;
                    for (int y = 0; y < h; y++) {
                        MemorySegment.copy(xs, F, (src + (long) y * w) * 4, row, 0, w);
                        int dst = (((ng * d + z) * h + y) * wp + pw) * cg + c;
                        for (int x = 0; x < w; x++, dst += cg) xt[dst] = row[x];
                    }
                }
                for (int y = 0; y < h; y++) {
                    int rowStart = ((ng * d + z) * h + y) * wp * cg;
                    Arrays.fill(xt, rowStart, rowStart + pw * cg, 0f);
                    Arrays.fill(xt, rowStart + (pw + w) * cg, rowStart + wp * cg, 0f);
                }
            }
        });
        return xt;
    }

    /**
     * bp[gi, ob, tap, c, j] = W(gi*og + ob*NR + j, c, tap), zero for channels past og, where W is w
     * itself, or with {@code flipped} the weights of the stride-1 backward-data convolution
     * (in and out channels swapped, taps reversed) read straight from the forward weights w
     * [og' = cg, cg' = og, kvol] of the geometry {@code g} of that convolution.
     */
    static float[] packWeights(ConvGeometry g, MemorySegment ws, long wo, int nr, boolean flipped) {
        int og = g.og(), cg = g.cg(), kvol = g.kvol(), obs = Math.ceilDiv(og, nr);
        float[] bp = SCRATCH.get(1, (long) g.groups() * obs * kvol * cg * nr);
        // per task NR x CB runs of kvol taps are read into L1, then written as kvol x CB rows of NR:
        // writing straight from the runs hits bp at a stride of cg*NR floats, a multiple of 4 KiB
        // whenever cg is a multiple of 32, so all kvol rows fall in one L1 set
        int cb = 4, cBlocks = Math.ceilDiv(cg, cb);
        Parallel.forRange((long) g.groups() * obs * cBlocks, 4, (lo, hi) -> {
            float[] tmp = new float[nr * cb * kvol];
            for (long task = lo; task < hi; task++) {
                int c0 = (int) (task % cBlocks) * cb, gob = (int) (task / cBlocks), gi = gob / obs, ob = gob % obs;
                int jn = Math.min(nr, og - ob * nr), cn = Math.min(cb, cg - c0);
                for (int j = 0; j < jn; j++) {
                    for (int cc = 0; cc < cn; cc++) {
                        int o = ob * nr + j, c = c0 + cc, at = (j * cb + cc) * kvol;
                        long run = flipped ? ((long) (gi * cg + c) * og + o) * kvol : ((long) (gi * og + o) * cg + c) * kvol;
                        MemorySegment.copy(ws, F, (wo + run) * 4, tmp, at, kvol);
                        if (flipped) reverse(tmp, at, kvol);
                    }
                }
                for (int t = 0; t < kvol; t++) {
                    for (int cc = 0; cc < cn; cc++) {
                        int dst = ((gob * kvol + t) * cg + c0 + cc) * nr, src = cc * kvol + t;
                        for (int j = 0; j < jn; j++) bp[dst + j] = tmp[src + j * cb * kvol];
                        if (jn < nr) Arrays.fill(bp, dst + jn, dst + nr, 0f);
                    }
                }
            }
        });
        return bp;
    }

    private static void reverse(float[] a, int from, int len) {
        for (int i = from, j = from + len - 1; i < j; i++, j--) {
            float v = a[i];
            a[i] = a[j];
            a[j] = v;
        }
    }
}
