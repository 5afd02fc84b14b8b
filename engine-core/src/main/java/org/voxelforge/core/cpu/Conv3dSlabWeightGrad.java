package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.voxelforge.core.Parallel;

/**
 * The float32 conv3d weight gradient for stride 1 as an implicit GEMM over the padded input slab
 * ({@link ConvSlab}): {@code gradW^T[r, o] = sum_P slab[rows[r] + P] * gradY[o, P]}, so the
 * transposed column matrix that {@link Conv3dPackedWeightGrad} gathers is read in place as the A
 * operand ({@link SgemmMicroKernel#multiplyAddRowsA}); only gradY is packed, into NR-wide panels
 * over the output channels with zeros at the thrown-away padding positions.
 *
 * <p>Threads split the rows r of gradW^T (MR at a time); each row block is accumulated by one thread
 * in the fixed order sample, plane, position, so results do not depend on the thread count.
 */
final class Conv3dSlabWeightGrad {
    private Conv3dSlabWeightGrad() {}

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** gw (dense float32 [cout, cg, kd, kh, kw], zero or holding a sum to add to) += the gradient. Only stride 1. */
    static void run(ConvGeometry g, MemorySegment gys, long gyo, MemorySegment xs, long xo, MemorySegment gws, int slabFloats) {
        SgemmMicroKernel kern = SgemmKernels.BEST;
        int mr = kern.mr(), nr = kern.nr();
        int og = g.og(), cg = g.cg(), k = g.k();
        int kPad = (k + mr - 1) / mr * mr, oPanels = Math.ceilDiv(og, nr), ogW = oPanels * nr;
        int span = ConvSlab.span(g);
        int zs = ConvSlab.planesFitting(g, slabFloats, (long) span * ogW);
        ConvSlab slabs = new ConvSlab(g, zs, kPad);
        long slabLength = slabs.length(0); // A reads end inside the last plane: no tail
        long packedLength = (long) zs * span * ogW;
        if (slabLength > Integer.MAX_VALUE - 8 || packedLength > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("conv3d: input slab of " + slabLength + " floats is too large for one array");
        }
        float[] slab = new float[(int) slabLength], gyT = new float[(int) packedLength];
        float[] accT = new float[kPad * ogW];
        long outPlane = g.outPlane();
        int blocks = kPad / mr;
        for (int gi = 0; gi < g.groups(); gi++) {
            Arrays.fill(accT, 0f);
            for (int n = 0; n < g.n(); n++) {
                long xBase = xo + ((long) n * g.cin() + (long) gi * cg) * g.inPlane();
                long gyBase = gyo + ((long) n * g.cout() + (long) gi * og) * outPlane;
                for (int z0 = 0; z0 < g.od(); z0 += zs) {
                    int zn = Math.min(zs, g.od() - z0), z0f = z0;
                    slabs.fillParallel(xs, xBase, z0, zn, slab);
                    packGradY(g, gys, gyBase, z0, zn, span, slabs.wp, nr, oPanels, gyT);
                    Parallel.forRange(blocks, 1, (lo, hi) -> {
                        for (long b = lo; b < hi; b++) {
                            int r0 = (int) b * mr;
                            for (int zl = 0; zl < zn; zl++) {
                                for (int jp = 0; jp < oPanels; jp++) {
                                    kern.multiplyAddRowsA(span, slab, slabs.rows, r0, zl * slabs.planeP, gyT,
                                            (zl * oPanels + jp) * span * nr, accT, r0 * ogW + jp * nr, ogW);
                                }
                            }
                        }
                    });
                }
            }
            // gw[gi*og + o, r] += gradW^T[r, o]
            for (int o = 0; o < og; o++) {
                long row = ((long) gi * og + o) * k;
                for (int r = 0; r < k; r++) {
                    long at = (row + r) * 4;
                    gws.set(F, at, gws.get(F, at) + accT[r * ogW + o]);
                }
            }
        }
    }

    /**
     * gyT[zl, panel jp, P, j] = gradY[jp*nr + j, z0 + zl, y, x] at P = y*wp + x, zero where x >= ow
     * (padding positions) or the channel is past og (the last panel's padding).
     */
    private static void packGradY(ConvGeometry g, MemorySegment gy, long gyBase, int z0, int zn, int span, int wp, int nr,
                                  int oPanels, float[] gyT) {
        int og = g.og(), oh = g.oh(), ow = g.ow();
        long outPlane = g.outPlane();
        Arrays.fill(gyT, 0, zn * oPanels * span * nr, 0f);
        // each output channel fills its own lane of the panels: threads never write the same element
        Parallel.forRange(og, 1, (lo, hi) -> {
            float[] row = new float[ow];
            for (int zl = 0; zl < zn; zl++) {
                int planeBase = zl * oPanels * span * nr;
                for (int o = (int) lo; o < hi; o++) {
                    int panel = planeBase + (o / nr) * span * nr, j = o % nr;
                    for (int y = 0; y < oh; y++) {
                        MemorySegment.copy(gy, F, (gyBase + o * outPlane + ((long) (z0 + zl) * oh + y) * ow) * 4, row, 0, ow);
                        int d = panel + y * wp * nr + j;
                        for (int x = 0; x < ow; x++, d += nr) gyT[d] = row[x];
                    }
                }
            }
        });
    }
}
