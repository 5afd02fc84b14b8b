package org.voxelforge.core.cuda;

import java.util.Arrays;
import java.util.function.Consumer;
import org.voxelforge.core.DType;
import org.voxelforge.core.MemoryFormat;
import org.voxelforge.core.Pool3dParams;
import org.voxelforge.core.Shape;
import org.voxelforge.core.ShapeMismatchException;
import org.voxelforge.core.UpsampleMode;

/**
 * Typed launchers of the 3D pooling and resizing kernels (pool3d.cuh, upsample3d.cuh) over a
 * {@link KernelLauncher} (the GPU or the host emulator): max pool (values and INT64 indices),
 * average pool, adaptive average pool and nearest/trilinear resize, each forward and backward,
 * float32, every operand a dense buffer at a device pointer in one {@link MemoryFormat}: NCDHW
 * (CONTIGUOUS, the default) or, for the launchers of {@link #in in(CHANNELS_LAST)}, NDHWC (the
 * stored order of a channels-last tensor, element (n, c, voxel q) at (n * Q + q) * C + c). Max pool
 * indices mean the same in both (the flat (z * H + y) * W + x within the plane) and lie like y.
 * The references are
 * {@code Backends.cpu()}'s ops of the same names (org.voxelforge.core.Backend's javadoc gives the
 * semantics; CpuPool3d and CpuUpsample3d implement them); shapes are checked with the same rules
 * and messages ({@link Pool3dParams#checkForward} and the CPU's rank, plane and output-size checks).
 *
 * <p>Every backward is a gather (one thread per input voxel summing, in ascending output order,
 * what the outputs read from it): no atomics, so the result is the same on every run, and every
 * element of the gradient is written (no zero-fill needed first). Max pool backward therefore
 * needs the {@link Pool3dParams} of the forward, which {@code Backend#maxPool3dBackward} does not
 * take: the caller must keep them with the indices.
 *
 * <p>Launches go on {@code stream} in order; nothing here reads device memory. One thread per
 * output (forward) or input (backward) element in that tensor's memory order (NDHWC: consecutive
 * threads on consecutive channels), 1-D grid-stride ({@link LaunchConfig#gridStride}).
 *
 * <p>Kernel parameter lists, to be matched by {@link KernelArgs} ({@code VfPool3d}: one struct of
 * 18 int64 {planes = N*C, D, H, W, D', H', W', kD, kH, kW, sD, sH, sW, pD, pH, pW, C, ndhwc};
 * {@code VfResize3d}: 9 int64 {planes, D, H, W, D', H', W', C, ndhwc}; ndhwc is 1 for CHANNELS_LAST,
 * 0 for CONTIGUOUS; mode: {@link UpsampleMode#ordinal()}):
 * <pre>
 *   vf_maxpool3d_fwd_f32          (const float* x, float* y, int64_t* indices, VfPool3d g)
 *   vf_maxpool3d_bwd_f32          (const float* dy, const int64_t* indices, float* dx, VfPool3d g)
 *   vf_avgpool3d_fwd_f32          (const float* x, float* y, VfPool3d g, int countIncludePad)
 *   vf_avgpool3d_bwd_f32          (const float* dy, float* dx, VfPool3d g, int countIncludePad)
 *   vf_adaptive_avgpool3d_fwd_f32 (const float* x, float* y, VfPool3d g)          (window fields unused)
 *   vf_adaptive_avgpool3d_bwd_f32 (const float* dy, float* dx, VfPool3d g)        (window fields unused)
 *   vf_upsample3d_fwd_f32         (const float* x, float* y, VfResize3d g, int mode, int alignCorners)
 *   vf_upsample3d_bwd_f32         (const float* dy, float* dx, VfResize3d g, int mode, int alignCorners)
 * </pre>
 */
public final class PoolKernels {
    private final KernelLauncher launcher;
    private final MemoryFormat format;

    /** Launchers for NCDHW operands. */
    public PoolKernels(KernelLauncher launcher) { this(launcher, MemoryFormat.CONTIGUOUS); }

    public PoolKernels(CudaKernels kernels) { this(kernels.launcher()); }

    private PoolKernels(KernelLauncher launcher, MemoryFormat format) {
        if (format == null) throw new IllegalArgumentException("PoolKernels: memory format is null; expected CONTIGUOUS or CHANNELS_LAST");
        this.launcher = launcher;
        this.format = format;
    }

    /** The same launchers for operands dense in {@code format} (every operand of a launch in that one format). */
    public PoolKernels in(MemoryFormat format) { return format == this.format ? this : new PoolKernels(launcher, format); }

    /** The memory format every operand of these launchers is dense in. */
    public MemoryFormat format() { return format; }

    // ---- output sizes ------------------------------------------------------------------------------

    /**
     * The output dims [N, C, D', H', W'] of max or average pooling of an input {@code xDims5} with
     * {@code p}; refuses what the CPU refuses, with its message ({@code op} names the op there).
     */
    public static int[] poolOutputDims(String op, int[] xDims5, Pool3dParams p) {
        if (p == null) throw new IllegalArgumentException(op + ": pool3d params are null");
        return p.checkForward(op, shape(op, "input", xDims5)).dims();
    }

    /**
     * The output dims [N, C, outSize] of adaptive average pooling or resizing of {@code xDims5}:
     * x must be rank 5 and outSize three positive sizes (CpuPool3d's rule and message).
     */
    public static int[] resizeOutputDims(String op, int[] xDims5, int[] outSize) {
        Shape x = rank5(op, xDims5);
        if (outSize == null || outSize.length != 3 || Arrays.stream(outSize).anyMatch(v -> v < 1)) {
            throw new IllegalArgumentException(op + ": output size must be 3 positive values (D, H, W), got "
                    + Arrays.toString(outSize) + " for input " + x);
        }
        return new int[] {x.dim(0), x.dim(1), outSize[0], outSize[1], outSize[2]};
    }

    // ---- max pool ------------------------------------------------------------------------------------

    /** y [N, C, D', H', W'] = window maxima of x, indices (int64, same shape) = their flat index within the input plane. */
    public void maxPool3d(int[] xDims5, Pool3dParams p, long x, long y, long indices, long stream) {
        String op = "maxPool3d";
        int[] yDims = poolOutputDims(op, xDims5, p);
        requirePointers(op + " (vf_maxpool3d_fwd_f32)", "x", x, "y", y, "indices", indices);
        launch("vf_maxpool3d_fwd_f32", numel(yDims), stream, k -> k.ptr(x).ptr(y).ptr(indices).i64s(pool(xDims5, yDims, p)));
    }

    /**
     * dx [xDims5] = the sum of gradY over the windows (of {@code p}, the forward's) whose index is
     * that input voxel; gradY and indices are [yDims5] = {@link #poolOutputDims} of xDims5 and p.
     */
    public void maxPool3dBackward(int[] xDims5, int[] yDims5, Pool3dParams p, long gradY, long indices, long gradX, long stream) {
        String op = "maxPool3dBackward";
        checkBackwardPool(op, xDims5, yDims5, p);
        requirePointers(op + " (vf_maxpool3d_bwd_f32)", "gradY", gradY, "indices", indices, "gradX", gradX);
        launch("vf_maxpool3d_bwd_f32", numel(xDims5), stream,
                k -> k.ptr(gradY).ptr(indices).ptr(gradX).i64s(pool(xDims5, yDims5, p)));
    }

    // ---- average pool ----------------------------------------------------------------------------------

    /** y = window means of x; countIncludePad divides by the window size counting zero padding, else by its real voxels. */
    public void avgPool3d(int[] xDims5, Pool3dParams p, boolean countIncludePad, long x, long y, long stream) {
        String op = "avgPool3d";
        int[] yDims = poolOutputDims(op, xDims5, p);
        requirePointers(op + " (vf_avgpool3d_fwd_f32)", "x", x, "y", y);
        launch("vf_avgpool3d_fwd_f32", numel(yDims), stream,
                k -> k.ptr(x).ptr(y).i64s(pool(xDims5, yDims, p)).i32(countIncludePad ? 1 : 0));
    }

    /** dx [xDims5] = the adjoint of {@link #avgPool3d} applied to gradY [yDims5]. */
    public void avgPool3dBackward(int[] xDims5, int[] yDims5, Pool3dParams p, boolean countIncludePad, long gradY, long gradX,
                                  long stream) {
        String op = "avgPool3dBackward";
        Shape ys = rank5(op, yDims5);
        if (p == null) throw new IllegalArgumentException(op + ": pool3d params are null");
        Shape xs = shape(op, "input shape", xDims5);
        Shape want = p.checkForward(op, xs);
        if (!ys.equals(want)) {
            throw new ShapeMismatchException(op + ": gradY is " + ys + " but avgPool3d of " + xs + " with " + p + " gives " + want);
        }
        requirePointers(op + " (vf_avgpool3d_bwd_f32)", "gradY", gradY, "gradX", gradX);
        launch("vf_avgpool3d_bwd_f32", numel(xDims5), stream,
                k -> k.ptr(gradY).ptr(gradX).i64s(pool(xDims5, yDims5, p)).i32(countIncludePad ? 1 : 0));
    }

    // ---- adaptive average pool ------------------------------------------------------------------------

    /** y [N, C, outSize] = means over PyTorch's adaptive windows [floor(i*in/out), ceil((i+1)*in/out)). */
    public void adaptiveAvgPool3d(int[] xDims5, int[] outSize, long x, long y, long stream) {
        String op = "adaptiveAvgPool3d";
        int[] yDims = resizeOutputDims(op, xDims5, outSize);
        requirePointers(op + " (vf_adaptive_avgpool3d_fwd_f32)", "x", x, "y", y);
        launch("vf_adaptive_avgpool3d_fwd_f32", numel(yDims), stream, k -> k.ptr(x).ptr(y).i64s(pool(xDims5, yDims, null)));
    }

    /** dx [xDims5] = the adjoint of {@link #adaptiveAvgPool3d} applied to gradY [yDims5]. */
    public void adaptiveAvgPool3dBackward(int[] xDims5, int[] yDims5, long gradY, long gradX, long stream) {
        String op = "adaptiveAvgPool3dBackward";
        checkPlanes(op, rank5(op, yDims5), xDims5);
        requirePointers(op + " (vf_adaptive_avgpool3d_bwd_f32)", "gradY", gradY, "gradX", gradX);
        launch("vf_adaptive_avgpool3d_bwd_f32", numel(xDims5), stream, k -> k.ptr(gradY).ptr(gradX).i64s(pool(xDims5, yDims5, null)));
    }

    // ---- resize ------------------------------------------------------------------------------------------

    /** y [N, C, outSize] = x resized like {@code interpolate(size=outSize)}; alignCorners matters for TRILINEAR only. */
    public void upsample3d(int[] xDims5, int[] outSize, UpsampleMode mode, boolean alignCorners, long x, long y, long stream) {
        String op = "upsample3d";
        int[] yDims = resizeOutputDims(op, xDims5, outSize);
        requireResizable(xDims5, mode);
        requirePointers(op + " (vf_upsample3d_fwd_f32)", "x", x, "y", y);
        launch("vf_upsample3d_fwd_f32", numel(yDims), stream,
                k -> k.ptr(x).ptr(y).i64s(resize(xDims5, yDims)).i32(mode.ordinal()).i32(alignCorners ? 1 : 0));
    }

    /** dx [xDims5] = the adjoint of {@link #upsample3d} applied to gradY [yDims5]. */
    public void upsample3dBackward(int[] xDims5, int[] yDims5, UpsampleMode mode, boolean alignCorners, long gradY, long gradX,
                                   long stream) {
        String op = "upsample3dBackward";
        checkPlanes(op, rank5(op, yDims5), xDims5);
        requireResizable(xDims5, mode);
        requirePointers(op + " (vf_upsample3d_bwd_f32)", "gradY", gradY, "gradX", gradX);
        launch("vf_upsample3d_bwd_f32", numel(xDims5), stream,
                k -> k.ptr(gradY).ptr(gradX).i64s(resize(xDims5, yDims5)).i32(mode.ordinal()).i32(alignCorners ? 1 : 0));
    }

    // ---- checks and packing -----------------------------------------------------------------------------

    private void launch(String kernel, long n, long stream, Consumer<KernelArgs> args) {
        LaunchConfig cfg = LaunchConfig.gridStride(n, launcher.multiprocessors());
        launcher.launch(kernel, cfg.blocks(), 1, 1, cfg.threads(), 1, 1, 0, stream, args);
    }

    /** maxPool3dBackward: gradY rank 5 with x's N and C, and the size p makes of x. */
    private static void checkBackwardPool(String op, int[] xDims5, int[] yDims5, Pool3dParams p) {
        Shape ys = rank5(op, yDims5);
        checkPlanes(op, ys, xDims5);
        if (p == null) throw new IllegalArgumentException(op + ": pool3d params are null");
        Shape xs = Shape.of(xDims5), want = p.checkForward(op, xs);
        if (!ys.equals(want)) {
            throw new ShapeMismatchException(op + ": gradY and indices are " + ys + " but maxPool3d of " + xs + " with " + p
                    + " gives " + want);
        }
    }

    /** The CPU's check of a float32 operand's rank (its message names the tensor as dtype + shape). */
    private static Shape rank5(String op, int[] dims) {
        if (dims == null) throw new IllegalArgumentException(op + ": tensor dims are null; expected [N, C, D, H, W]");
        Shape s = Shape.of(dims);
        if (s.rank() != 5) {
            throw new IllegalArgumentException(op + ": tensor must have rank 5 [N, C, D, H, W], got " + DType.FLOAT32.label() + s);
        }
        return s;
    }

    private static Shape shape(String op, String what, int[] dims) {
        if (dims == null) throw new IllegalArgumentException(op + ": " + what + " dims are null; expected [N, C, D, H, W]");
        return Shape.of(dims);
    }

    /** CpuPool3d.checkPlanes: gradY and xShape both rank 5 with the same N and C. */
    private static void checkPlanes(String op, Shape gradY, int[] xDims5) {
        Shape x = shape(op, "input shape", xDims5);
        if (x.rank() != 5 || gradY.dim(0) != x.dim(0) || gradY.dim(1) != x.dim(1)) {
            throw new ShapeMismatchException(op + ": gradY " + gradY + " and input shape " + x
                    + " must both be [N, C, ...] with the same N and C");
        }
    }

    /** CpuUpsample3d's rule: no empty spatial axis in the input. */
    private static void requireResizable(int[] xDims5, UpsampleMode mode) {
        if (mode == null) throw new IllegalArgumentException("upsample3d: mode is null; expected NEAREST or TRILINEAR");
        for (int a = 2; a < 5; a++) {
            if (xDims5[a] < 1) {
                throw new IllegalArgumentException("upsample3d: input " + Shape.of(xDims5) + " has an empty spatial axis; "
                        + "expected sizes >= 1 " + Arrays.toString(xDims5));
            }
        }
    }

    /** VfPool3d. */
    private long[] pool(int[] x, int[] y, Pool3dParams p) {
        int[] k = p == null ? new int[3] : p.kernel(), s = p == null ? new int[3] : p.stride(), pad = p == null ? new int[3] : p.padding();
        return new long[] {(long) x[0] * x[1], x[2], x[3], x[4], y[2], y[3], y[4],
                k[0], k[1], k[2], s[0], s[1], s[2], pad[0], pad[1], pad[2], x[1], ndhwc()};
    }

    /** VfResize3d. */
    private long[] resize(int[] x, int[] y) {
        return new long[] {(long) x[0] * x[1], x[2], x[3], x[4], y[2], y[3], y[4], x[1], ndhwc()};
    }

    private long ndhwc() { return format == MemoryFormat.CHANNELS_LAST ? 1 : 0; }

    private static long numel(int[] dims) {
        long n = 1;
        for (int d : dims) n = Math.multiplyExact(n, d);
        return n;
    }

    private static void requirePointers(String op, Object... nameThenPointer) {
        for (int i = 0; i < nameThenPointer.length; i += 2) {
            if ((long) nameThenPointer[i + 1] == 0) {
                throw new IllegalArgumentException(op + ": " + nameThenPointer[i] + " is a null device pointer");
            }
        }
    }
}
