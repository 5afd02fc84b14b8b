package org.voxelforge.core.cuda;

import java.util.Arrays;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.MemoryFormat;
import org.voxelforge.core.Shape;

/**
 * Typed launchers of our implicit-GEMM 3D convolution (conv3d.cuh), the fallback when cuDNN is
 * absent or refused, over a {@link KernelLauncher} (the GPU or the host emulator): forward (with
 * an optional bias), backward data and backward weight, float32, activations (x, dx, y, dy) dense
 * NCDHW or dense channels-last NDHWC as {@link Geometry#format} says, weight
 * [Cout, Cin/groups, kD, kH, kW] in both, any stride, padding, dilation and groups. Reference:
 * {@link org.voxelforge.core.Backend#conv3d} and its two backwards. Arguments are device pointers
 * (0 for an absent bias); the backward-weight scratch is the caller's, sized by
 * {@link #backwardWeightScratch}. Every launch goes on {@code stream} in order. All three are
 * deterministic: no atomics, and the split partial sums of backward weight are added in a fixed
 * order.
 */
public final class ConvKernels {
    /** Tile sizes and block size of conv3d.cuh (VF_CONV_BM, VF_CONV_BN, VF_CONV_BK, VF_CONV_THREADS). */
    static final int BM = 64, BN = 64, BK = 8, THREADS = 256;
    /** CUDA's limit on gridDim.y and gridDim.z. */
    private static final int MAX_GRID_YZ = 65535;
    /** Backward weight: at least this many K steps (of BK) per split, so a split's partials are worth writing. */
    static final int MIN_STEPS_PER_SPLIT = 32;

    private final KernelLauncher launcher;

    public ConvKernels(KernelLauncher launcher) { this.launcher = launcher; }

    public ConvKernels(CudaKernels kernels) { this(kernels.launcher()); }

    /**
     * One convolution's shapes: x [n, cin, in], w [cout, cin/groups, kernel], y [n, cout, out], and
     * the memory format of x, dx, y and dy (all four dense in it; the weight is always
     * contiguous). Build it with {@link #of}, which applies {@link Conv3dParams#checkForward}'s rules.
     */
    public record Geometry(int n, int cin, int[] in, int cout, int[] kernel, int[] out, Conv3dParams p, MemoryFormat format) {
        /** {@link #of(String, int[], int[], Conv3dParams, MemoryFormat)} for NCDHW activations. */
        public static Geometry of(String op, int[] x, int[] w, Conv3dParams p) { return of(op, x, w, p, MemoryFormat.CONTIGUOUS); }

        /** Checks x against w under p (the messages name {@code op} and both shapes) and derives the output size. */
        public static Geometry of(String op, int[] x, int[] w, Conv3dParams p, MemoryFormat format) {
            if (format == null) throw new IllegalArgumentException(op + ": memory format is null; expected CONTIGUOUS or CHANNELS_LAST");
            if (p == null) throw new IllegalArgumentException(op + ": conv3d params are null");
            if (x == null || w == null) {
                throw new IllegalArgumentException(op + ": input " + Arrays.toString(x) + " and weight " + Arrays.toString(w)
                        + " must both be given, [N, Cin, D, H, W] and [Cout, Cin/groups, kD, kH, kW]");
            }
            Shape xs = Shape.of(x), ws = Shape.of(w);
            Shape ys = p.checkForward(op, xs, ws, null);
            int[] o = {ys.dim(2), ys.dim(3), ys.dim(4)};
            String shapes = " (input " + xs + ", weight " + ws + ", output " + ys + ")";
            for (int[] s : new int[][] {Conv3dParams.spatial(xs), o}) {
                if ((long) s[0] * s[1] * s[2] >= Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(op + ": a channel of " + Arrays.toString(s) + " voxels" + shapes
                            + " exceeds the kernels' int voxel index; expected fewer than 2^31 voxels per channel");
                }
            }
            if ((long) (x[1] / p.groups()) * w[2] * w[3] * w[4] >= Integer.MAX_VALUE
                    || (long) (w[0] / p.groups()) * w[2] * w[3] * w[4] >= Integer.MAX_VALUE) {
                throw new IllegalArgumentException(op + ": channels per group x kernel volume" + shapes + " must stay below 2^31");
            }
            return new Geometry(x[0], x[1], Conv3dParams.spatial(xs), w[0], Conv3dParams.spatial(ws), o, p, format);
        }

        public int groups() { return p.groups(); }

        public long inputVoxels() { return (long) in[0] * in[1] * in[2]; }

        public long outputVoxels() { return (long) out[0] * out[1] * out[2]; }

        public int kernelVolume() { return kernel[0] * kernel[1] * kernel[2]; }

        public long xNumel() { return (long) n * cin * inputVoxels(); }

        public long yNumel() { return (long) n * cout * outputVoxels(); }

        public long wNumel() { return (long) cout * (cin / groups()) * kernelVolume(); }

        @Override public String toString() {
            return "x [" + n + ", " + cin + ", " + in[0] + ", " + in[1] + ", " + in[2] + "], w [" + cout + ", " + cin / groups() + ", "
                    + kernel[0] + ", " + kernel[1] + ", " + kernel[2] + "], y [" + n + ", " + cout + ", " + out[0] + ", " + out[1]
                    + ", " + out[2] + "], " + p + (format == MemoryFormat.CHANNELS_LAST ? ", channels-last" : "");
        }

        /**
         * The 23 int parameters every conv3d kernel takes after its pointers (VF_CONV_GEOMETRY_PARAMS):
         * N, C, D, H, W, K, D', H', W', kD, kH, kW, 3 strides, 3 paddings, 3 dilations, groups, and
         * the layout flag CL (0 NCDHW, 1 NDHWC).
         */
        void pack(KernelArgs k) {
            int[] s = p.stride(), pad = p.padding(), d = p.dilation();
            k.i32(n).i32(cin).i32(in[0]).i32(in[1]).i32(in[2]).i32(cout).i32(out[0]).i32(out[1]).i32(out[2])
                    .i32(kernel[0]).i32(kernel[1]).i32(kernel[2]).i32(s[0]).i32(s[1]).i32(s[2])
                    .i32(pad[0]).i32(pad[1]).i32(pad[2]).i32(d[0]).i32(d[1]).i32(d[2]).i32(p.groups())
                    .i32(format == MemoryFormat.CHANNELS_LAST ? 1 : 0);
        }
    }

    /** y = conv3d(x, w) + bias (bias: [cout] or 0 for none). */
    public void forward(Geometry geo, long x, long w, long bias, long y, long stream) {
        String op = "conv3d forward (vf_conv3d_fwd_f32) on " + geo;
        requirePointers(op, "x", x, "w", w, "y", y);
        int og = geo.cout / geo.groups();
        int nz = gridZ(op, "N*groups", (long) geo.n * geo.groups());
        launcher.launch("vf_conv3d_fwd_f32", gridX(geo.outputVoxels()), gridY(op, og), nz, THREADS, 1, 1, 0, stream,
                k -> { k.ptr(x).ptr(w).ptr(bias).ptr(y); geo.pack(k); });
    }

    /** dx = the adjoint of {@link #forward} in x applied to dy (every dx element is written). */
    public void backwardData(Geometry geo, long dy, long w, long dx, long stream) {
        String op = "conv3d backward data (vf_conv3d_bwd_data_f32) on " + geo;
        requirePointers(op, "dy", dy, "w", w, "dx", dx);
        int cg = geo.cin / geo.groups();
        int nz = gridZ(op, "N*groups", (long) geo.n * geo.groups());
        launcher.launch("vf_conv3d_bwd_data_f32", gridX(geo.inputVoxels()), gridY(op, cg), nz, THREADS, 1, 1, 0, stream,
                k -> { k.ptr(dy).ptr(w).ptr(dx); geo.pack(k); });
    }

    /**
     * How many contiguous ranges backward weight cuts its K = N * output voxels into: enough
     * blocks to fill the device about twice (4 blocks of 256 threads fit an SM), each range at
     * least {@link #MIN_STEPS_PER_SPLIT} K steps of {@link #BK}, within the grid's z limit.
     */
    public int backwardWeightSplits(Geometry geo) {
        long tiles = (long) Math.ceilDiv(geo.cin / geo.groups() * geo.kernelVolume(), BN)
                * Math.ceilDiv(geo.cout / geo.groups(), BM) * geo.groups();
        long want = Math.ceilDiv(2L * launcher.multiprocessors() * 4, tiles);
        long most = Math.max(1, kSteps(geo) / MIN_STEPS_PER_SPLIT);
        return effectiveSplits(geo, (int) Math.min(want, most));
    }

    /** Floats of scratch {@link #backwardWeight} needs: one partial weight gradient per split. */
    public long backwardWeightScratch(Geometry geo) { return backwardWeightSplits(geo) * geo.wNumel(); }

    /** dw = the gradient of {@link #forward} in w, summed over the batch (the bias gradient is the caller's). */
    public void backwardWeight(Geometry geo, long dy, long x, long dw, long scratch, long stream) {
        backwardWeight(geo, dy, x, dw, scratch, backwardWeightSplits(geo), stream);
    }

    /**
     * {@link #backwardWeight} with K cut into (at most) {@code splits} ranges of whole K steps;
     * scratch must hold {@code effectiveSplits(geo, splits) * wNumel} floats. For tests, which
     * need several splits on small shapes.
     */
    void backwardWeight(Geometry geo, long dy, long x, long dw, long scratch, int splits, long stream) {
        String op = "conv3d backward weight (vf_conv3d_bwd_weight_*_f32) on " + geo;
        requirePointers(op, "dy", dy, "x", x, "dw", dw, "scratch", scratch);
        if (splits < 1) throw new IllegalArgumentException(op + ": splits must be >= 1, got " + splits);
        int used = effectiveSplits(geo, splits);
        int stepsPerSplit = (int) Math.ceilDiv(kSteps(geo), used);
        int cols = geo.cin / geo.groups() * geo.kernelVolume(), og = geo.cout / geo.groups();
        int nz = gridZ(op, "splits*groups", (long) used * geo.groups());
        launcher.launch("vf_conv3d_bwd_weight_partial_f32", gridX(cols), gridY(op, og), nz, THREADS, 1, 1, 0, stream,
                k -> { k.ptr(dy).ptr(x).ptr(scratch).i32(stepsPerSplit); geo.pack(k); });
        long count = geo.wNumel();
        launcher.launch("vf_conv3d_bwd_weight_reduce_f32", LaunchConfig.gridStride(count, launcher.multiprocessors()).blocks(), 1, 1,
                LaunchConfig.THREADS, 1, 1, 0, stream, k -> k.ptr(scratch).ptr(dw).i64(count).i32(used));
    }

    /** K steps of backward weight: ceil(N * output voxels / BK). */
    static long kSteps(Geometry geo) { return Math.ceilDiv((long) geo.n * geo.outputVoxels(), BK); }

    /**
     * The splits actually launched for a wish of {@code splits}: ranges of ceil(steps / splits)
     * steps, so that none is empty (10 steps asked in 4 become 3 + 3 + 3 + 1, 9 in 4 become 3 x 3).
     */
    static int effectiveSplits(Geometry geo, int splits) {
        long steps = Math.max(1, kSteps(geo));
        long perSplit = Math.ceilDiv(steps, Math.max(1, Math.min(splits, steps)));
        if (perSplit > Integer.MAX_VALUE) throw new IllegalArgumentException("conv3d backward weight on " + geo + ": " + steps + " K steps need more splits");
        return (int) Math.ceilDiv(steps, perSplit);
    }

    // ---- checks ---------------------------------------------------------------------------------

    private static int gridX(long columns) { return (int) Math.max(1, Math.ceilDiv(columns, BN)); }

    private static int gridY(String op, int rows) {
        int y = Math.ceilDiv(rows, BM);
        if (y > MAX_GRID_YZ) throw new IllegalArgumentException(op + ": " + rows + " channels per group need more than " + MAX_GRID_YZ + " row tiles");
        return y;
    }

    private static int gridZ(String op, String what, long count) {
        if (count > MAX_GRID_YZ) {
            throw new IllegalArgumentException(op + ": " + what + " = " + count + " exceeds the grid's z limit " + MAX_GRID_YZ);
        }
        return (int) count;
    }

    private static void requirePointers(String op, Object... nameThenPointer) {
        for (int i = 0; i < nameThenPointer.length; i += 2) {
            if ((long) nameThenPointer[i + 1] == 0) {
                throw new IllegalArgumentException(op + ": " + nameThenPointer[i] + " is a null device pointer");
            }
        }
    }
}
