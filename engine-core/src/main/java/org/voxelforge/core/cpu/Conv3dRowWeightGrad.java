package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.voxelforge.core.Parallel;

/**
 * The float32 conv3d weight gradient for stride 1, tap by tap, skipping the output planes and rows
 * whose input lies in the padding: the weight-gradient twin of {@link Conv3dRowForward}.
 *
 * <p>For tap (kz, ky, kx), {@code gradW[o, c, tap] = sum over n, z, y, x of gradY[n, o, z, y, x] *
 * x[n, c, z - pd + kz*dd, y - ph + ky*dh, x - pw + kx*dw]}. The input is copied once per kx with
 * that x-shift applied and zeros where it falls in the x-padding, {@code xk[n, g][kx][c][z][y][x]},
 * rows ow wide; then for a fixed output plane z the rows y whose input row is inside the volume
 * are one contiguous run in both xk and gradY, and that run is the depth of one micro-kernel call
 * ({@link SgemmMicroKernel#multiplyAddRowsA}: MR input channels read in place as A, gradY packed
 * channels-last into NR-wide panels as B). Planes whose input plane is padding are skipped.
 *
 * <p>Threads split (group, output-channel panel, input-channel block, tap) tiles; each tile is
 * summed by one thread in the order sample, plane, row, x, so results do not depend on the thread
 * count.
 */
final class Conv3dRowWeightGrad {
    private Conv3dRowWeightGrad() {}

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Slot 0: the shifted input copies; slot 1: the packed gradY. */
    private static final ScratchArrays SCRATCH = new ScratchArrays("conv3d row weight gradient", 2);

    /** Stride 1 and the conditions of {@link Conv3dRowForward#applies}, with the kw shifted copies fitting one array. */
    static boolean applies(ConvGeometry g) {
        if (!g.unitStride()) return false;
        long panels = (long) g.groups() * Math.ceilDiv(g.og(), SgemmKernels.BEST.nr()) * SgemmKernels.BEST.nr();
        boolean fits = (long) g.n() * g.cin() * g.kw() * g.d() * g.h() * g.ow() < Integer.MAX_VALUE - 8
                && g.n() * panels * g.outPlane() < Integer.MAX_VALUE - 8;
        return fits && Conv3dRowForward.applies(g);
    }

    /** gw (dense float32 [cout, cg, kd, kh, kw], zero or holding a sum to add to) += the gradient. Only stride 1. */
    static void run(ConvGeometry g, MemorySegment gys, long gyo, MemorySegment xs, long xo, MemorySegment gws) {
        if (!g.unitStride()) {
            throw new IllegalArgumentException("conv3d row weight gradient: stride must be 1, got " + g.sd() + "x" + g.sh() + "x" + g.sw());
        }
        SgemmMicroKernel kern = SgemmKernels.BEST;
        int mr = kern.mr(), nr = kern.nr();
        int og = g.og(), cg = g.cg(), kvol = g.kvol(), obs = Math.ceilDiv(og, nr), cbs = Math.ceilDiv(cg, mr);
        int chan = g.d() * g.h() * g.ow(); // floats of one shifted channel in xk
        float[] xk = shiftedInput(g, xs, xo);
        float[] gyT = packGradY(g, gys, gyo, nr);
        // A row i of channel block cb is channel cb*MR + i (the last block repeats its last channel)
        int[] cRows = new int[cbs * mr];
        for (int i = 0; i < cRows.length; i++) cRows[i] = Math.min(i, cg - 1) * chan;

        // consecutive tiles share their gradY panel (B) and input channels (A), and write neighbouring taps of gw
        long items = (long) g.groups() * obs * cbs * kvol;
        Parallel.forRange(items, 1, (lo, hi) -> {
            float[] acc = new float[mr * nr];
            for (long it = lo; it < hi; it++) {
                int t = (int) (it % kvol), cb = (int) (it / kvol % cbs);
                int ob = (int) (it / kvol / cbs % obs), gi = (int) (it / kvol / cbs / obs);
                Arrays.fill(acc, 0f);
                accumulate(g, kern, xk, cRows, gyT, gi, ob, obs, t, cb, acc);
                // gw[gi*og + ob*NR + j, cb*MR + i, t] += acc[i, j]
                int channels = Math.min(nr, og - ob * nr), inputs = Math.min(mr, cg - cb * mr);
                for (int j = 0; j < channels; j++) {
                    long row = ((long) gi * og + ob * nr + j) * cg;
                    for (int i = 0; i < inputs; i++) {
                        long at = ((row + cb * mr + i) * kvol + t) * 4;
                        gws.set(F, at, gws.get(F, at) + acc[i * nr + j]);
                    }
                }
            }
        });
    }

    private static void accumulate(ConvGeometry g, SgemmMicroKernel kern, float[] xk, int[] cRows, float[] gyT,
                                   int gi, int ob, int obs, int t, int cb, float[] acc) {
        int mr = kern.mr(), nr = kern.nr(), cg = g.cg(), ow = g.ow(), oh = g.oh();
        int kz = t / (g.kh() * g.kw()), ky = t / g.kw() % g.kh(), kx = t % g.kw();
        // output rows y whose input row y - ph + ky*dh is inside [0, h)
        int yLo = Math.max(0, g.ph() - ky * g.dh()), yHi = Math.min(oh, g.h() + g.ph() - ky * g.dh());
        if (yLo >= yHi) return;
        int chan = g.d() * g.h() * ow;
        long ov = g.outPlane();
        for (int n = 0; n < g.n(); n++) {
            int ng = n * g.groups() + gi;
            int xkBase = (ng * g.kw() + kx) * cg * chan;
            int gyBase = (int) ((ng * obs + ob) * ov) * nr;
            for (int z = 0; z < g.od(); z++) {
                int iz = z - g.pd() + kz * g.dd();
                if (iz < 0 || iz >= g.d()) continue;
                int iy = yLo - g.ph() + ky * g.dh();
                int col = xkBase + (iz * g.h() + iy) * ow;
                kern.multiplyAddRowsA((yHi - yLo) * ow, xk, cRows, cb * mr, col, gyT, gyBase + (z * oh + yLo) * ow * nr,
                        acc, 0, nr);
            }
        }
    }

    /** xk[(n*groups + gi), kx, c, z, y, x] = x[n, gi*cg + c, z, y, x - pw + kx*dw], zero outside [0, w). */
    private static float[] shiftedInput(ConvGeometry g, MemorySegment xs, long xo) {
        int cg = g.cg(), d = g.d(), h = g.h(), w = g.w(), ow = g.ow(), kw = g.kw();
        int chan = d * h * ow;
        float[] xk = SCRATCH.get(0, (long) g.n() * g.cin() * kw * chan);
        // one input channel of one sample per task: disjoint slices of xk
        Parallel.forRange((long) g.n() * g.cin(), 1, (lo, hi) -> {
            float[] row = new float[w];
            for (long task = lo; task < hi; task++) {
                int n = (int) (task / g.cin()), ci = (int) (task % g.cin());
                int ng = n * g.groups() + ci / cg, c = ci % cg;
                long src = xo + task * g.inPlane();
                for (int zy = 0; zy < d * h; zy++) {
                    MemorySegment.copy(xs, F, (src + (long) zy * w) * 4, row, 0, w);
                    for (int kx = 0; kx < kw; kx++) {
                        int dst = ((ng * kw + kx) * cg + c) * chan + zy * ow;
                        int shift = kx * g.dw() - g.pw();
                        // x in [lo, hi) reads row[x + shift] inside the row; the rest stays zero
                        int x0 = Math.max(0, -shift), x1 = Math.min(ow, w - shift);
                        if (x0 < x1) System.arraycopy(row, x0 + shift, xk, dst + x0, x1 - x0);
                        Arrays.fill(xk, dst, dst + Math.min(ow, x0), 0f);
                        Arrays.fill(xk, dst + Math.min(ow, Math.max(x0, x1)), dst + ow, 0f);
                    }
                }
            }
        });
        return xk;
    }

    /** gyT[(n*groups + gi), ob, v, j] = gradY[n, gi*og + ob*NR + j, v], zero for channels past og. */
    private static float[] packGradY(ConvGeometry g, MemorySegment gys, long gyo, int nr) {
        int og = g.og(), obs = Math.ceilDiv(og, nr);
        long ov = g.outPlane();
        int lanes = obs * nr;
        float[] gyT = SCRATCH.get(1, (long) g.n() * g.groups() * lanes * ov);
        // one lane (output channel, or a zero lane past og) of one sample and group per task
        Parallel.forRange((long) g.n() * g.groups() * lanes, 1, (lo, hi) -> {
            float[] plane = new float[(int) ov];
            for (long task = lo; task < hi; task++) {
                int ng = (int) (task / lanes), lane = (int) (task % lanes), ob = lane / nr, j = lane % nr;
                int n = ng / g.groups(), gi = ng % g.groups();
                if (lane < og) {
                    long src = gyo + ((long) n * g.cout() + (long) gi * og + lane) * ov;
                    MemorySegment.copy(gys, F, src * 4, plane, 0, (int) ov);
                } else {
                    Arrays.fill(plane, 0f);
                }
                int dst = (int) ((ng * obs + ob) * ov) * nr + j;
                for (int v = 0; v < ov; v++, dst += nr) gyT[dst] = plane[v];
            }
        });
        return gyT;
    }
}
