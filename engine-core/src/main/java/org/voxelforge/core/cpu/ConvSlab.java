package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.voxelforge.core.Parallel;

/**
 * The input layout of the stride-1 implicit GEMMs ({@link Conv3dSlabForward},
 * {@link Conv3dSlabWeightGrad}): a zero-padded copy of the input planes that {@code zs} output planes
 * of one sample and group read, {@code slab[c, q, y, x]} with padded plane size {@code hp x wp}.
 * Output voxel (z, y, x) of a slab has the padded position {@code P = z*planeP + y*wp + x}, and
 * column-matrix row (channel, kz, ky, kx) of it is slab element {@code rows[r] + P}: every row
 * of the column matrix is a contiguous run of the slab, so nothing is gathered.
 *
 * <p>Positions with x >= ow (the padding between rows) are computed and thrown away; {@link #span}
 * positions cover one output plane.
 */
final class ConvSlab {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    final ConvGeometry g;
    final int hp, wp, planeP, extraZ, zs, chanStride;
    /** Padded positions covering one output plane: [0, (oh-1)*wp + ow). */
    final int span;
    /** Start of column-matrix row r in the slab; rows past k (padding up to whole micro-panels) read row 0. */
    final int[] rows;

    ConvSlab(ConvGeometry g, int zs, int rowsPadded) {
        if (!g.unitStride()) {
            throw new IllegalArgumentException("conv3d slab path: stride must be 1, got " + g.sd() + "x" + g.sh() + "x" + g.sw());
        }
        this.g = g;
        this.hp = g.h() + 2 * g.ph();
        this.wp = g.w() + 2 * g.pw();
        this.planeP = hp * wp;
        this.extraZ = (g.kd() - 1) * g.dd();
        this.zs = zs;
        this.chanStride = (zs + extraZ) * planeP;
        this.span = (g.oh() - 1) * wp + g.ow();
        this.rows = new int[Math.max(g.k(), rowsPadded)];
        for (int r = 0; r < g.k(); r++) {
            int c = r / g.kvol(), t = r % g.kvol();
            int kz = t / (g.kh() * g.kw()), ky = t / g.kw() % g.kh(), kx = t % g.kw();
            rows[r] = c * chanStride + kz * g.dd() * planeP + ky * g.dh() * wp + kx * g.dw();
        }
    }

    /** Padded positions of one plane over which the kernels run. */
    static int span(ConvGeometry g) { return (g.oh() - 1) * (g.w() + 2 * g.pw()) + g.ow(); }

    /** Floats of the slab array: the planes plus {@code tail} floats that reads past the last plane may touch. */
    long length(int tail) { return (long) g.cg() * chanStride + tail; }

    /** Output planes whose slab (plus {@code perOutputPlane} floats of other buffers each) fit {@code budget} floats. */
    static int planesFitting(ConvGeometry g, long budget, long perOutputPlane) {
        long planeP = (long) (g.h() + 2 * g.ph()) * (g.w() + 2 * g.pw());
        long perPlane = g.cg() * planeP;
        long extra = (long) (g.kd() - 1) * g.dd() * perPlane;
        return (int) Math.max(1, Math.min(g.od(), (budget - extra) / (perPlane + perOutputPlane)));
    }

    /** slab[c, q, y, x] = x[c, z0 - pd + q, y - ph, x - pw] for the planes of output planes [z0, z0 + zn), zero outside x. */
    void fill(MemorySegment x, long xBase, int z0, int zn, float[] slab) { fillChannels(x, xBase, z0, zn, slab, 0, g.cg()); }

    /** {@link #fill} with the channels split over the pool's threads (for a slab that all threads then read). */
    void fillParallel(MemorySegment x, long xBase, int z0, int zn, float[] slab) {
        Parallel.forRange(g.cg(), 1, (lo, hi) -> fillChannels(x, xBase, z0, zn, slab, (int) lo, (int) hi));
    }

    private void fillChannels(MemorySegment x, long xBase, int z0, int zn, float[] slab, int c0, int c1) {
        int planes = zn + extraZ;
        for (int c = c0; c < c1; c++) {
            for (int q = 0; q < planes; q++) {
                int dst = c * chanStride + q * planeP;
                Arrays.fill(slab, dst, dst + planeP, 0f);
                int iz = z0 - g.pd() + q;
                if (iz < 0 || iz >= g.d()) continue;
                long src = xBase + ((long) c * g.d() + iz) * g.h() * g.w();
                for (int iy = 0; iy < g.h(); iy++) {
                    MemorySegment.copy(x, F, (src + (long) iy * g.w()) * 4, slab, dst + (iy + g.ph()) * wp + g.pw(), g.w());
                }
            }
        }
    }
}
