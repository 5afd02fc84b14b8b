package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import org.voxelforge.core.DType;
import org.voxelforge.core.Parallel;
import org.voxelforge.core.Tensor;

/**
 * 3D convolution by direct loops, accumulated in double: the float64 path (gradchecks want exact
 * float64 arithmetic, not speed). Each routine is written in gather form so that every output
 * element has one writer: the forward sums over its window, backward data over the outputs
 * whose windows cover an input voxel, backward weight over batch and output voxels.
 * Operands are dense (row-major from their offset).
 */
final class Conv3dDirect {
    private Conv3dDirect() {}

    static void forward(ConvGeometry g, Tensor x, Tensor w, Tensor bias, Tensor y) {
        DType dt = y.dtype();
        MemorySegment xs = x.segment(), ws = w.segment(), ys = y.segment();
        long xo = x.offset(), wo = w.offset();
        int cg = g.cg(), og = g.og();
        long plane = g.inPlane(), outPlane = g.outPlane();
        Parallel.forRange((long) g.n() * g.cout(), 1, (lo, hi) -> {
            for (long nc = lo; nc < hi; nc++) {
                int n = (int) (nc / g.cout()), co = (int) (nc % g.cout());
                int c0 = co / og * cg;
                double b = bias == null ? 0 : dt.get(bias.segment(), bias.offset() + co);
                long yRow = nc * outPlane;
                for (int z = 0; z < g.od(); z++) for (int yy = 0; yy < g.oh(); yy++) for (int xx = 0; xx < g.ow(); xx++) {
                    double s = b;
                    for (int ci = 0; ci < cg; ci++) {
                        long xBase = xo + ((long) n * g.cin() + c0 + ci) * plane;
                        long wBase = wo + ((long) co * cg + ci) * g.kvol();
                        for (int a = 0; a < g.kd(); a++) {
                            int iz = z * g.sd() - g.pd() + a * g.dd();
                            if (iz < 0 || iz >= g.d()) continue;
                            for (int bb = 0; bb < g.kh(); bb++) {
                                int iy = yy * g.sh() - g.ph() + bb * g.dh();
                                if (iy < 0 || iy >= g.h()) continue;
                                for (int c = 0; c < g.kw(); c++) {
                                    int ix = xx * g.sw() - g.pw() + c * g.dw();
                                    if (ix < 0 || ix >= g.w()) continue;
                                    s += dt.get(ws, wBase + ((long) a * g.kh() + bb) * g.kw() + c)
                                            * dt.get(xs, xBase + ((long) iz * g.h() + iy) * g.w() + ix);
                                }
                            }
                        }
                    }
                    dt.set(ys, yRow + ((long) z * g.oh() + yy) * g.ow() + xx, s);
                }
            }
        });
    }

    static void backwardData(ConvGeometry g, Tensor gy, Tensor w, Tensor gx) {
        DType dt = gx.dtype();
        MemorySegment gys = gy.segment(), ws = w.segment(), gxs = gx.segment();
        long gyo = gy.offset(), wo = w.offset();
        int cg = g.cg(), og = g.og();
        long plane = g.inPlane(), outPlane = g.outPlane();
        Parallel.forRange((long) g.n() * g.cin(), 1, (lo, hi) -> {
            for (long nc = lo; nc < hi; nc++) {
                int n = (int) (nc / g.cin()), ci = (int) (nc % g.cin());
                int grp = ci / cg, cil = ci % cg;
                for (int iz = 0; iz < g.d(); iz++) for (int iy = 0; iy < g.h(); iy++) for (int ix = 0; ix < g.w(); ix++) {
                    double s = 0;
                    for (int col = 0; col < og; col++) {
                        int co = grp * og + col;
                        long gyBase = gyo + ((long) n * g.cout() + co) * outPlane;
                        long wBase = wo + ((long) co * cg + cil) * g.kvol();
                        for (int a = 0; a < g.kd(); a++) {
                            int z = outIndex(iz + g.pd() - a * g.dd(), g.sd(), g.od());
                            if (z < 0) continue;
                            for (int b = 0; b < g.kh(); b++) {
                                int yy = outIndex(iy + g.ph() - b * g.dh(), g.sh(), g.oh());
                                if (yy < 0) continue;
                                for (int c = 0; c < g.kw(); c++) {
                                    int xx = outIndex(ix + g.pw() - c * g.dw(), g.sw(), g.ow());
                                    if (xx < 0) continue;
                                    s += dt.get(ws, wBase + ((long) a * g.kh() + b) * g.kw() + c)
                                            * dt.get(gys, gyBase + ((long) z * g.oh() + yy) * g.ow() + xx);
                                }
                            }
                        }
                    }
                    dt.set(gxs, nc * plane + ((long) iz * g.h() + iy) * g.w() + ix, s);
                }
            }
        });
    }

    static void backwardWeight(ConvGeometry g, Tensor gy, Tensor x, Tensor gw) {
        DType dt = gw.dtype();
        MemorySegment gys = gy.segment(), xs = x.segment(), gws = gw.segment();
        long gyo = gy.offset(), xo = x.offset();
        int cg = g.cg(), og = g.og();
        long plane = g.inPlane(), outPlane = g.outPlane();
        Parallel.forRange((long) g.cout() * cg, 1, (lo, hi) -> {
            for (long r = lo; r < hi; r++) {
                int co = (int) (r / cg), cil = (int) (r % cg);
                int ci = co / og * cg + cil;
                for (int a = 0; a < g.kd(); a++) for (int b = 0; b < g.kh(); b++) for (int c = 0; c < g.kw(); c++) {
                    double s = 0;
                    for (int n = 0; n < g.n(); n++) {
                        long gyBase = gyo + ((long) n * g.cout() + co) * outPlane;
                        long xBase = xo + ((long) n * g.cin() + ci) * plane;
                        for (int z = 0; z < g.od(); z++) {
                            int iz = z * g.sd() - g.pd() + a * g.dd();
                            if (iz < 0 || iz >= g.d()) continue;
                            for (int yy = 0; yy < g.oh(); yy++) {
                                int iy = yy * g.sh() - g.ph() + b * g.dh();
                                if (iy < 0 || iy >= g.h()) continue;
                                for (int xx = 0; xx < g.ow(); xx++) {
                                    int ix = xx * g.sw() - g.pw() + c * g.dw();
                                    if (ix < 0 || ix >= g.w()) continue;
                                    s += dt.get(gys, gyBase + ((long) z * g.oh() + yy) * g.ow() + xx)
                                            * dt.get(xs, xBase + ((long) iz * g.h() + iy) * g.w() + ix);
                                }
                            }
                        }
                    }
                    dt.set(gws, r * g.kvol() + ((long) a * g.kh() + b) * g.kw() + c, s);
                }
            }
        });
    }

    /** The output index whose window puts kernel tap at input offset {@code t = o*s}, or -1 when none does. */
    private static int outIndex(int t, int s, int size) {
        if (t < 0 || t % s != 0) return -1;
        int o = t / s;
        return o < size ? o : -1;
    }
}
