package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.Parallel;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;

/**
 * 3D convolution on the CPU (see {@link org.voxelforge.core.Backend#conv3d}): forward, and the
 * backward passes for data and weight.
 *
 * <p>float32 runs on {@link Sgemm}'s micro-kernels. Deep layers with small planes run as a direct
 * convolution over output rows that skips the taps in the padding ({@link Conv3dRowForward},
 * {@link Conv3dRowWeightGrad}). Otherwise, per sample and group, {@code y = W * col(x)},
 * for stride 1 read in place from a padded input slab ({@link Conv3dSlabForward}), else with the
 * column matrix built one cache-sized tile of output voxels at a time
 * ({@link Conv3dPackedForward}); a 1x1x1 kernel with stride 1 needs no columns (x is already that
 * matrix) and is one plain sgemm. Backward data is {@link Col2Vol}{@code (W^T * gradY)}; backward
 * weight accumulates {@code gradY * col(x)^T} over the batch ({@link Conv3dPackedWeightGrad}).
 * float64 runs the direct loops of {@link Conv3dDirect} (the gradcheck path); bfloat16/float16
 * go through float32. Every output element is summed in a fixed order, whatever the thread count.
 */
final class CpuConv3d {
    private CpuConv3d() {}

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Floats in one column tile (8 MiB): big enough for long GEMM rows, small enough for L3. */
    private static final int TILE_FLOATS = Integer.getInteger("voxelforge.conv.tileFloats", 1 << 21);
    private static final ScratchArrays COLS = new ScratchArrays("conv3d column tile", 1);

    // ---- entry points: checks, dtype dispatch ------------------------------------------------------

    static Tensor forward(Tensor x, Tensor w, Tensor bias, Conv3dParams p) {
        String op = "conv3d";
        Shape y = p.checkForward(op, x.shape(), w.shape(), bias == null ? null : bias.shape());
        DType dt = commonFloat(op, x, w, bias);
        if (dt == DType.BFLOAT16 || dt == DType.FLOAT16) {
            try (Tensor xf = CpuElementwise.cast(x, DType.FLOAT32); Tensor wf = CpuElementwise.cast(w, DType.FLOAT32);
                 Tensor bf = bias == null ? null : CpuElementwise.cast(bias, DType.FLOAT32);
                 Tensor yf = forward(xf, wf, bf, p)) {
                return CpuElementwise.cast(yf, dt);
            }
        }
        ConvGeometry g = ConvGeometry.of(x.shape(), w.shape(), y, p);
        Tensor out = CpuBackend.INSTANCE.zeros(dt, y);
        try (Tensor xc = dense(x); Tensor wc = dense(w); Tensor bc = bias == null ? null : dense(bias)) {
            if (dt == DType.FLOAT64) Conv3dDirect.forward(g, xc, wc, bc, out);
            else forwardFloat(g, xc, wc, bc, out);
        }
        out.storage().bumpVersion();
        return out;
    }

    static Tensor backwardData(Tensor gradY, Tensor w, Shape xShape, Conv3dParams p) {
        String op = "conv3dBackwardData";
        checkGradY(op, gradY, p.checkForward(op, xShape, w.shape(), null), "input " + xShape + ", weight " + w.shape());
        DType dt = commonFloat(op, gradY, w, null);
        if (dt == DType.BFLOAT16 || dt == DType.FLOAT16) {
            try (Tensor gf = CpuElementwise.cast(gradY, DType.FLOAT32); Tensor wf = CpuElementwise.cast(w, DType.FLOAT32);
                 Tensor rf = backwardData(gf, wf, xShape, p)) {
                return CpuElementwise.cast(rf, dt);
            }
        }
        ConvGeometry g = ConvGeometry.of(xShape, w.shape(), gradY.shape(), p);
        Tensor gx = CpuBackend.INSTANCE.zeros(dt, xShape);
        try (Tensor gc = dense(gradY); Tensor wc = dense(w)) {
            if (dt == DType.FLOAT64) Conv3dDirect.backwardData(g, gc, wc, gx);
            else backwardDataFloat(g, gc, wc, gx);
        }
        gx.storage().bumpVersion();
        return gx;
    }

    static Tensor backwardWeight(Tensor gradY, Tensor x, Shape wShape, Conv3dParams p) {
        String op = "conv3dBackwardWeight";
        checkGradY(op, gradY, p.checkForward(op, x.shape(), wShape, null), "input " + x.shape() + ", weight " + wShape);
        DType dt = commonFloat(op, gradY, x, null);
        if (dt == DType.BFLOAT16 || dt == DType.FLOAT16) {
            try (Tensor gf = CpuElementwise.cast(gradY, DType.FLOAT32); Tensor xf = CpuElementwise.cast(x, DType.FLOAT32);
                 Tensor rf = backwardWeight(gf, xf, wShape, p)) {
                return CpuElementwise.cast(rf, dt);
            }
        }
        ConvGeometry g = ConvGeometry.of(x.shape(), wShape, gradY.shape(), p);
        Tensor gw = CpuBackend.INSTANCE.zeros(dt, wShape);
        try (Tensor gc = dense(gradY); Tensor xc = dense(x)) {
            if (dt == DType.FLOAT64) Conv3dDirect.backwardWeight(g, gc, xc, gw);
            else backwardWeightFloat(g, gc, xc, gw);
        }
        gw.storage().bumpVersion();
        return gw;
    }

    // ---- float32: GEMM paths ------------------------------------------------------------------------

    private static void forwardFloat(ConvGeometry g, Tensor x, Tensor w, Tensor bias, Tensor y) {
        MemorySegment xs = x.segment(), ws = w.segment(), ys = y.segment();
        long xo = x.offset(), wo = w.offset();
        int og = g.og(), cg = g.cg(), k = g.k();
        long plane = g.inPlane(), outPlane = g.outPlane();
        float beta = 0f;
        if (bias != null) {
            // start every output row at its bias and let the GEMM accumulate onto it
            float[] b = bias.toFloatArray();
            Parallel.forRange((long) g.n() * g.cout(), Math.max(1, 65536 / outPlane), (lo, hi) -> {
                for (long r = lo; r < hi; r++) {
                    float v = b[(int) (r % g.cout())];
                    for (long i = 0; i < outPlane; i++) ys.setAtIndex(F, r * outPlane + i, v);
                }
            });
            beta = 1f;
        }
        final float b0 = beta;
        if (g.pointwise()) {
            for (int n = 0; n < g.n(); n++) {
                for (int gi = 0; gi < g.groups(); gi++) {
                    Sgemm.sgemm(false, false, og, (int) outPlane, cg, 1f, ws, wo + (long) gi * og * cg, cg,
                            xs, xo + ((long) n * g.cin() + (long) gi * cg) * plane, plane,
                            b0, ys, ((long) n * g.cout() + (long) gi * og) * outPlane, outPlane, Parallel.threads());
                }
            }
            return;
        }
        forwardGemm(g, xs, xo, ws, wo, ys, b0);
    }

    /** The implicit GEMM over an input slab where stride 1 allows it and little work is wasted. */
    private static boolean useSlab(ConvGeometry g) { return Conv3dSlabForward.applies(g, SgemmKernels.BEST.nr()); }

    /** The row path for deep layers with small planes, the slab path where {@link #useSlab} says so, else vol2col + GEMM. */
    private static void forwardGemm(ConvGeometry g, MemorySegment xs, long xo, MemorySegment ws, long wo, MemorySegment ys,
                                    float beta) {
        if (Conv3dRowForward.applies(g)) Conv3dRowForward.run(g, xs, xo, ws, wo, ys, beta);
        else if (useSlab(g)) Conv3dSlabForward.run(g, xs, xo, ws, wo, ys, beta, TILE_FLOATS);
        else Conv3dPackedForward.run(g, xs, xo, ws, wo, ys, beta, TILE_FLOATS);
    }

    private static void backwardDataFloat(ConvGeometry g, Tensor gy, Tensor w, Tensor gx) {
        MemorySegment gys = gy.segment(), ws = w.segment(), gxs = gx.segment();
        long gyo = gy.offset(), wo = w.offset();
        int og = g.og(), cg = g.cg(), k = g.k(), kvol = g.kvol();
        long plane = g.inPlane(), outPlane = g.outPlane();
        if (g.pointwise()) {
            for (int n = 0; n < g.n(); n++) {
                for (int gi = 0; gi < g.groups(); gi++) {
                    Sgemm.sgemm(true, false, cg, (int) plane, og, 1f, ws, wo + (long) gi * og * cg, cg,
                            gys, gyo + ((long) n * g.cout() + (long) gi * og) * outPlane, outPlane,
                            0f, gxs, ((long) n * g.cin() + (long) gi * cg) * plane, plane, Parallel.threads());
                }
            }
            return;
        }
        if (g.unitStride() && flippedPadding(g) != null) {
            backwardDataAsForward(g, gys, gyo, ws, wo, gxs);
            return;
        }
        // tiles of one sample overlap in gx, so they run one after another; within a tile the GEMM
        // splits output blocks and col2vol splits input channels (disjoint planes of gx)
        int cols = tileColumns(k, outPlane);
        float[] col = COLS.get(0, (long) k * cols);
        MemorySegment colSeg = MemorySegment.ofArray(col);
        for (int n = 0; n < g.n(); n++) {
            for (int gi = 0; gi < g.groups(); gi++) {
                long gyBase = gyo + ((long) n * g.cout() + (long) gi * og) * outPlane;
                long gxBase = ((long) n * g.cin() + (long) gi * cg) * plane;
                for (long p0 = 0; p0 < outPlane; p0 += cols) {
                    int len = (int) Math.min(cols, outPlane - p0);
                    final long pStart = p0;
                    Sgemm.sgemm(true, false, k, len, og, 1f, ws, wo + (long) gi * og * k, k,
                            gys, gyBase + p0, outPlane, 0f, colSeg, 0, len, Parallel.threads());
                    Parallel.forRange(cg, 1, (c0, c1) ->
                            Col2Vol.col2vol(g, col, pStart, len, (int) c0 * kvol, (int) c1 * kvol, gxs, gxBase));
                }
            }
        }
    }

    /**
     * With stride 1, gradX is the forward convolution of gradY with the weights flipped in space and
     * with in/out channels swapped, padded by dilation*(kernel-1) - padding. Running it through
     * {@link Conv3dPackedForward} sums over og*kvol per column (not og) and never writes a column
     * matrix for col2vol to read back, which at few channels costs more than the arithmetic.
     */
    private static void backwardDataAsForward(ConvGeometry g, MemorySegment gys, long gyo, MemorySegment ws, long wo,
                                              MemorySegment gxs) {
        int og = g.og(), cg = g.cg(), kd = g.kd(), kh = g.kh(), kw = g.kw(), kvol = g.kvol();
        int[] pad = flippedPadding(g);
        ConvGeometry flipped = new ConvGeometry(g.n(), g.cout(), g.od(), g.oh(), g.ow(), g.cin(), kd, kh, kw,
                g.d(), g.h(), g.w(), 1, 1, 1, pad[0], pad[1], pad[2], g.dd(), g.dh(), g.dw(), g.groups());
        if (Conv3dRowForward.applies(flipped)) {
            // the row path packs the flipped weights straight from w
            float[] bp = Conv3dRowForward.packWeights(flipped, ws, wo, SgemmKernels.BEST.nr(), true);
            Conv3dRowForward.run(flipped, gys, gyo, bp, gxs, 0f);
            return;
        }
        // wt[gi*cg + c, o, a, b, e] = w[gi*og + o, c, kd-1-a, kh-1-b, kw-1-e]
        float[] wt = new float[g.cout() * cg * kvol];
        // one (group, input channel) per task: it writes one contiguous run of wt
        Parallel.forRange((long) g.groups() * cg, 8, (lo, hi) -> {
            float[] taps = new float[kvol];
            for (long task = lo; task < hi; task++) {
                int gi = (int) (task / cg), c = (int) (task % cg);
                for (int o = 0; o < og; o++) {
                    MemorySegment.copy(ws, F, (wo + ((long) (gi * og + o) * cg + c) * kvol) * 4, taps, 0, kvol);
                    int dst = ((gi * cg + c) * og + o) * kvol;
                    for (int tap = 0; tap < kvol; tap++) wt[dst + kvol - 1 - tap] = taps[tap];
                }
            }
        });
        forwardGemm(flipped, gys, gyo, MemorySegment.ofArray(wt), 0, gxs, 0f);
    }

    /** The padding of the stride-1 backward-data-as-forward convolution, or null where it would be negative. */
    private static int[] flippedPadding(ConvGeometry g) {
        int[] p = {g.dd() * (g.kd() - 1) - g.pd(), g.dh() * (g.kh() - 1) - g.ph(), g.dw() * (g.kw() - 1) - g.pw()};
        return p[0] < 0 || p[1] < 0 || p[2] < 0 ? null : p;
    }

    private static void backwardWeightFloat(ConvGeometry g, Tensor gy, Tensor x, Tensor gw) {
        MemorySegment gys = gy.segment(), xs = x.segment(), gws = gw.segment();
        long gyo = gy.offset(), xo = x.offset();
        int og = g.og(), cg = g.cg(), k = g.k(), kvol = g.kvol();
        long plane = g.inPlane(), outPlane = g.outPlane();
        if (g.pointwise()) {
            for (int n = 0; n < g.n(); n++) {
                for (int gi = 0; gi < g.groups(); gi++) {
                    Sgemm.sgemm(false, true, og, cg, (int) plane, 1f,
                            gys, gyo + ((long) n * g.cout() + (long) gi * og) * outPlane, outPlane,
                            xs, xo + ((long) n * g.cin() + (long) gi * cg) * plane, plane,
                            1f, gws, (long) gi * og * cg, cg, Parallel.threads());
                }
            }
            return;
        }
        if (Conv3dRowWeightGrad.applies(g)) Conv3dRowWeightGrad.run(g, gys, gyo, xs, xo, gws);
        else if (useSlab(g)) Conv3dSlabWeightGrad.run(g, gys, gyo, xs, xo, gws, TILE_FLOATS);
        else Conv3dPackedWeightGrad.run(g, gys, gyo, xs, xo, gws, TILE_FLOATS);
    }

    // ---- helpers --------------------------------------------------------------------------------------

    /** Output voxels per column tile: the tile budget over the column height, at least 256. */
    private static int tileColumns(int k, long outPlane) {
        return (int) Math.min(outPlane, Math.max(256, TILE_FLOATS / k));
    }

    /** A row-major tensor with {@code t}'s values: a view of it when its layout already is, else a copy. */
    static Tensor dense(Tensor t) {
        // a fresh view, so that closing ours leaves the caller's tensor open
        return t.isContiguous() ? t.view(t.dims()) : CpuElementwise.cast(t, t.dtype());
    }

    private static DType commonFloat(String op, Tensor a, Tensor b, Tensor c) {
        DType dt = a.dtype();
        if (!dt.isFloatingPoint() || b.dtype() != dt || (c != null && c.dtype() != dt)) {
            throw new IllegalArgumentException(op + ": operands must share one floating dtype, got " + a.describe()
                    + " and " + b.describe() + (c == null ? "" : " and bias " + c.describe()));
        }
        return dt;
    }

    private static void checkGradY(String op, Tensor gradY, Shape expected, String context) {
        if (!gradY.shape().equals(expected)) {
            throw new org.voxelforge.core.ShapeMismatchException(op + ": gradY is " + gradY.shape() + " but conv3d of "
                    + context + " gives " + expected);
        }
    }
}
