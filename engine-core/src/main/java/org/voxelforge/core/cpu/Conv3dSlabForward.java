package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.voxelforge.core.Parallel;

/**
 * The float32 conv3d forward for stride 1 as an implicit GEMM: no column matrix at all.
 *
 * <p>With stride 1, output voxel (z, y, x) of tap (kz, ky, kx) reads padded input voxel
 * (z + kz*dd, y + ky*dh, x + kx*dw), so in a zero-padded slab of input planes ({@link ConvSlab})
 * every row of the column matrix is a contiguous run {@code rows[r] + P}. B is copied from there a
 * small chunk at a time, two vector copies per row ({@link SgemmMicroKernel#gatherRows}), so the
 * element-by-element gather of {@link Conv3dPackedForward} (about 40% of its time at 32 channels,
 * 64^3) is gone. (Reading B in place through the offset table instead was measured 20% slower
 * than the packed kernel: misaligned loads and range checks the JIT cannot hoist.) The price: P also runs over the x-padding between rows, whose results are thrown away
 * ((wp - ow) / wp of the work; {@link #applies} keeps that small).
 *
 * <p>Per slab of output planes, each plane's columns go in NR-wide panels; per panel, K goes in
 * {@link #KB}-deep chunks, and every chunk, gathered into a packed L1 buffer, meets all MR-tall
 * weight panels ({@link SgemmMicroKernel#multiplyAdd}); the panel's accumulators (all output channels x NR) stay in an L1 scratch between chunks
 * and then go to a plane-sized buffer, from which the real outputs are copied to y. Each output element is summed
 * in the order p = 0 .. K-1 by one thread, whatever the thread count.
 */
final class Conv3dSlabForward {
    private Conv3dSlabForward() {}

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Depth of one K chunk: its packed B rows (KB x NR floats, 16 KiB) stay in L1 while every weight panel passes (64..256 measured within noise). */
    static final int KB = Integer.getInteger("voxelforge.conv.slabDepth", 128);
    /** Use this path when at least this fraction of the computed columns are real outputs. */
    static final double MIN_USE = Double.parseDouble(System.getProperty("voxelforge.conv.slabMinUse", "0.85"));

    /** Slot 0: the input slab; slot 1: one plane's accumulators. */
    private static final ScratchArrays SCRATCH = new ScratchArrays("conv3d slab", 2);

    /** Stride 1 and few wasted columns: the padding between rows costs less than a gather would. */
    static boolean applies(ConvGeometry g, int nr) {
        if (!g.unitStride()) return false;
        long computed = (long) Math.ceilDiv(ConvSlab.span(g), nr) * nr;
        return (double) g.oh() * g.ow() / computed >= MIN_USE;
    }

    /**
     * y[n, group rows] = W_group * x_group (+ y when beta is 1, so a bias pre-filled into y is kept).
     * x, w dense float32 from their offsets; y dense from 0. Only stride 1.
     */
    static void run(ConvGeometry g, MemorySegment xs, long xo, MemorySegment ws, long wo, MemorySegment ys, float beta,
                    int slabFloats) {
        SgemmMicroKernel kern = SgemmKernels.BEST;
        int mr = kern.mr(), nr = kern.nr();
        int og = g.og(), cg = g.cg(), k = g.k();
        int ogPad = (og + mr - 1) / mr * mr;
        int panels = Math.ceilDiv(ConvSlab.span(g), nr), ldAcc = panels * nr;

        // output planes per slab: as many as fit the budget, but enough slabs to keep every thread busy
        long samplesGroups = (long) g.n() * g.groups();
        int wanted = (int) Math.min(g.od(), Math.ceilDiv(4L * Parallel.threads(), samplesGroups));
        // each slab also copies the kernel's extra (kd-1)*dd planes: allow up to 4x the budget (capped)
        // so that at least 2*(kd-1)*dd output planes share one copy where the planes are large
        int minPlanes = Math.max(1, 2 * (g.kd() - 1) * g.dd());
        long budget = Math.max(slabFloats, Math.min(4L * slabFloats, (long) (minPlanes + (g.kd() - 1) * g.dd()) * g.cg()
                * (g.h() + 2L * g.ph()) * (g.w() + 2L * g.pw())));
        int zs = Math.max(1, Math.min(ConvSlab.planesFitting(g, budget, 0), Math.ceilDiv(g.od(), wanted)));
        ConvSlab slabs = new ConvSlab(g, zs, k);
        int slabCount = Math.ceilDiv(g.od(), zs);
        long slabLength = slabs.length(nr);
        if (slabLength > Integer.MAX_VALUE - 8 || (long) og * ldAcc > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("conv3d: input slab of " + slabLength + " floats is too large for one array");
        }

        // weights of every group, MR-row panels over the whole depth K
        float[] ap = new float[g.groups() * ogPad * k];
        for (int gi = 0; gi < g.groups(); gi++) {
            float[] tmp = new float[ogPad * k];
            Sgemm.packA(ws, wo + (long) gi * og * k, k, 1, k, og, mr, tmp);
            System.arraycopy(tmp, 0, ap, gi * ogPad * k, tmp.length);
        }

        long outPlane = g.outPlane();
        Parallel.forRange(samplesGroups * slabCount, 1, (lo, hi) -> {
            float[] slab = SCRATCH.get(0, slabLength), acc = SCRATCH.get(1, (long) og * ldAcc), tile = new float[ogPad * nr], chunk = new float[KB * nr];
            for (long it = lo; it < hi; it++) {
                int sl = (int) (it % slabCount);
                int ng = (int) (it / slabCount), n = ng / g.groups(), gi = ng % g.groups();
                int z0 = sl * zs, zn = Math.min(zs, g.od() - z0);
                slabs.fill(xs, xo + ((long) n * g.cin() + (long) gi * cg) * g.inPlane(), z0, zn, slab);
                int aBase = gi * ogPad * k;
                long yBase = ((long) n * g.cout() + (long) gi * og) * outPlane;
                for (int zl = 0; zl < zn; zl++) {
                    for (int jp = 0; jp < panels; jp++) {
                        int col = zl * slabs.planeP + jp * nr;
                        // the panel's ogPad x NR accumulators stay together (in L1) while K runs
                        Arrays.fill(tile, 0f);
                        for (int p0 = 0; p0 < k; p0 += KB) {
                            int kb = Math.min(KB, k - p0);
                            // the chunk's B rows, contiguous and aligned: reused by every weight panel from L1
                            kern.gatherRows(kb, slab, slabs.rows, p0, col, chunk, 0);
                            for (int i0 = 0; i0 < ogPad; i0 += mr) {
                                kern.multiplyAdd(kb, ap, aBase + i0 * k + p0 * mr, chunk, 0, tile, i0 * nr, nr);
                            }
                        }
                        for (int o = 0; o < og; o++) System.arraycopy(tile, o * nr, acc, o * ldAcc + jp * nr, nr);
                    }
                    storePlane(g, acc, ldAcc, slabs.wp, og, beta, ys, yBase + (long) (z0 + zl) * g.oh() * g.ow(), outPlane);
                }
            }
        });
    }

    /** y[o, plane] = acc[o, P] (+ y when beta is 1) for the real outputs P = y*wp + x, x < ow. */
    private static void storePlane(ConvGeometry g, float[] acc, int ldAcc, int wp, int og, float beta, MemorySegment y,
                                   long yPlane, long outPlane) {
        int oh = g.oh(), ow = g.ow();
        for (int o = 0; o < og; o++) {
            for (int r = 0; r < oh; r++) {
                int src = o * ldAcc + r * wp;
                long dst = yPlane + o * outPlane + (long) r * ow;
                if (beta == 0f) {
                    MemorySegment.copy(acc, src, y, F, dst * 4, ow);
                } else {
                    for (int i = 0; i < ow; i++) {
                        long at = (dst + i) * 4;
                        y.set(F, at, acc[src + i] + y.get(F, at));
                    }
                }
            }
        }
    }
}
