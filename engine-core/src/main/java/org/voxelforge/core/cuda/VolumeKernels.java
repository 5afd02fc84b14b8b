package org.voxelforge.core.cuda;

import java.util.Arrays;

/**
 * Typed launchers of the volume kernels (edt.cuh, resample.cuh, sliding.cuh) over a
 * {@link KernelLauncher} (the GPU or the host emulator): distance transforms, resampling for
 * spatial augmentation, sliding-window stitching and flips. Arguments are device pointers (0 for
 * an absent optional one); scratch is the caller's, sized by {@link #edtScratchBytes}. Every
 * launch goes on {@code stream} in order. References: EuclideanDistanceTransform (data),
 * {@link org.voxelforge.core.fused.AffineResample} (and through it SpatialTransform, data),
 * SlidingWindow (train) and Tensor.flip. Parameter lists: {@link CudaKernels}' javadoc.
 */
public final class VolumeKernels {
    private final KernelLauncher launcher;

    public VolumeKernels(KernelLauncher launcher) { this.launcher = launcher; }

    public VolumeKernels(CudaKernels kernels) { this(kernels.launcher()); }

    // ---- exact Euclidean distance transform ------------------------------------------------------

    /** Bytes of scratch {@link #edtSquared} needs: per line of the longest strided pass, (n+1) doubles + n ints + n floats. */
    public static long edtScratchBytes(int[] dims) {
        long numel = checkDims("edtSquared", dims), most = 0;
        for (int a = 0; a < dims.length - 1; a++) {
            long n = dims[a], lines = numel / Math.max(1, n);
            most = Math.max(most, lines * (8 * (n + 1) + 8 * n));
        }
        return most;
    }

    /**
     * Squared physical distances (float) of a row-major uint8 mask of shape {@code dims} (any rank
     * >= 1) into {@code sq}: foreground (non-zero) gets the squared distance to the nearest
     * background voxel, background 0, and every voxel +inf when there is no background
     * (EuclideanDistanceTransform.squaredDistances). spacing: one positive value per axis, or null for 1.
     */
    public void edtSquared(int[] dims, double[] spacing, long mask, long sq, long scratch, long stream) {
        String op = "edtSquared (vf_edt_*_f32) on mask " + Arrays.toString(dims);
        long numel = checkDims(op, dims);
        double[] w = spacing == null ? filled(dims.length) : spacing.clone();
        if (w.length != dims.length) {
            throw new IllegalArgumentException(op + ": spacing " + Arrays.toString(spacing) + " has " + w.length
                    + " entries; expected one positive spacing per axis");
        }
        for (double v : w) {
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(op + ": spacing " + Arrays.toString(spacing) + " must be finite and positive on every axis");
            }
        }
        requirePointers(op, "mask", mask, "sq", sq);
        if (numel == 0) return;
        if (dims.length > 1) requirePointers(op, "scratch", scratch);
        int rank = dims.length, last = dims[rank - 1];
        long lines = numel / last;
        launcher.launch("vf_edt_nearest_f32", blocks(lines), 1, 1, LaunchConfig.THREADS, 1, 1, 0, stream,
                k -> k.ptr(mask).ptr(sq).i64(lines).i32(last).f64(w[rank - 1] * w[rank - 1]));
        for (int axis = rank - 2; axis >= 0; axis--) {
            int n = dims[axis];
            long inner = 1, outer = 1;
            for (int a = axis + 1; a < rank; a++) inner *= dims[a];
            for (int a = 0; a < axis; a++) outer *= dims[a];
            long axisLines = outer * inner;
            long bounds = scratch, roots = bounds + 8L * axisLines * (n + 1), values = roots + 4L * axisLines * n;
            long o = outer, in = inner;
            double w2 = w[axis] * w[axis];
            launcher.launch("vf_edt_envelope_f32", blocks(axisLines), 1, 1, LaunchConfig.THREADS, 1, 1, 0, stream,
                    k -> k.ptr(sq).ptr(bounds).ptr(roots).ptr(values).i64(o).i32(n).i64(in).f64(w2));
        }
    }

    // ---- resampling for spatial augmentation -------------------------------------------------------

    /**
     * Resamples {@code channels} image channels [C, in] (trilinear, {@code fill} outside) and
     * {@code labelChannels} int32 label channels [L, in] (nearest, {@code labelFill} outside) onto
     * the grid {@code out} as {@link org.voxelforge.core.fused.AffineResample} describes: src =
     * M[:, 0:3] (p - origin + disp[:, p]) + M[:, 3]. matrix: 12 values, row-major 3x4; disp:
     * [3, out] floats or 0; image/imageOut 0 when C = 0, labels/labelsOut 0 when L = 0.
     */
    public void resample(int[] in, int[] out, double[] matrix, double[] origin, long disp,
                         long image, long imageOut, int channels, float fill,
                         long labels, long labelsOut, int labelChannels, int labelFill, long stream) {
        String op = "resample (vf_resample_f32_i32) from " + Arrays.toString(in) + " to " + Arrays.toString(out)
                + " with " + channels + " image and " + labelChannels + " label channels";
        if (in == null || out == null || in.length != 3 || out.length != 3) {
            throw new IllegalArgumentException(op + ": input and output grids must be 3 sizes [X, Y, Z]");
        }
        checkDims(op, in);
        long nOut = checkDims(op, out);
        if (matrix == null || matrix.length != 12 || origin == null || origin.length != 3) {
            throw new IllegalArgumentException(op + ": expected a row-major 3x4 matrix (12 values) and a 3-value origin, got "
                    + (matrix == null ? "null" : matrix.length + " values") + " and " + (origin == null ? "null" : origin.length + " values"));
        }
        if (channels < 0 || labelChannels < 0) throw new IllegalArgumentException(op + ": channel counts must be >= 0");
        if (channels > 0) requirePointers(op, "image", image, "imageOut", imageOut);
        if (labelChannels > 0) requirePointers(op, "labels", labels, "labelsOut", labelsOut);
        if (nOut == 0 || channels + labelChannels == 0) return;
        launcher.launch("vf_resample_f32_i32", blocks(nOut), 1, 1, LaunchConfig.THREADS, 1, 1, 0, stream, k -> {
            k.ptr(image).ptr(imageOut).i32(channels).ptr(labels).ptr(labelsOut).i32(labelChannels).ptr(disp)
                    .i32(in[0]).i32(in[1]).i32(in[2]).i32(out[0]).i32(out[1]).i32(out[2]);
            for (double m : matrix) k.f64(m);
            k.f64(origin[0]).f64(origin[1]).f64(origin[2]).f32(fill).i32(labelFill);
        });
    }

    // ---- sliding-window stitching and flips ------------------------------------------------------

    /**
     * acc [K, vol] += probs [K, patch] * weight [patch], weightSum [vol] += weight, for the window
     * whose voxel 0 sits at {@code offset} of the volume (negative or past the end: clipped).
     */
    public void slidingAccumulate(int[] patch, int[] vol, int[] offset, int classes, long probs, long weight,
                                  long acc, long weightSum, long stream) {
        String op = "slidingAccumulate (vf_sliding_accumulate_f32) of window " + Arrays.toString(patch) + " at "
                + Arrays.toString(offset) + " into " + Arrays.toString(vol) + ", " + classes + " classes";
        if (patch == null || vol == null || offset == null || patch.length != 3 || vol.length != 3 || offset.length != 3) {
            throw new IllegalArgumentException(op + ": patch, volume and offset must be 3 values [X, Y, Z] each");
        }
        long nPatch = checkDims(op, patch);
        checkDims(op, vol);
        if (classes < 1) throw new IllegalArgumentException(op + ": need at least one class");
        requirePointers(op, "probs", probs, "weight", weight, "acc", acc, "weightSum", weightSum);
        if (nPatch == 0) return;
        launcher.launch("vf_sliding_accumulate_f32", blocks(nPatch), 1, 1, LaunchConfig.THREADS, 1, 1, 0, stream,
                k -> k.ptr(probs).ptr(weight).ptr(acc).ptr(weightSum).i32(classes).i32(patch[0]).i32(patch[1]).i32(patch[2])
                        .i32(vol[0]).i32(vol[1]).i32(vol[2]).i32(offset[0]).i32(offset[1]).i32(offset[2]));
    }

    /** out [K, vol] = acc / weightSum (out may be acc). */
    public void slidingFinalize(int classes, long voxels, long acc, long weightSum, long out, long stream) {
        String op = "slidingFinalize (vf_sliding_finalize_f32) of " + classes + " classes x " + voxels + " voxels";
        if (classes < 1 || voxels < 0) throw new IllegalArgumentException(op + ": need classes >= 1 and voxels >= 0");
        requirePointers(op, "acc", acc, "weightSum", weightSum, "out", out);
        if (voxels == 0) return;
        launcher.launch("vf_sliding_finalize_f32", blocks(classes * voxels), 1, 1, LaunchConfig.THREADS, 1, 1, 0, stream,
                k -> k.ptr(acc).ptr(weightSum).ptr(out).i32(classes).i64(voxels));
    }

    /**
     * out = in [C, X, Y, Z] flipped along the spatial axes listed in {@code axes} (1, 2, 3 as in
     * Tensor.flip on the 4-D tensor); out must not overlap in.
     */
    public void flip(int[] dims, int[] axes, long in, long out, long stream) {
        String op = "flip (vf_flip3_f32) of " + Arrays.toString(dims) + " along " + Arrays.toString(axes);
        if (dims == null || dims.length != 4) throw new IllegalArgumentException(op + ": expected a [C, X, Y, Z] tensor");
        long numel = checkDims(op, dims);
        int bits = 0;
        for (int a : axes) {
            if (a < 1 || a > 3) throw new IllegalArgumentException(op + ": axis " + a + " is not a spatial axis 1, 2 or 3");
            bits |= 1 << (a - 1);
        }
        requirePointers(op, "in", in, "out", out);
        if (numel == 0) return;
        int flags = bits;
        launcher.launch("vf_flip3_f32", blocks(numel), 1, 1, LaunchConfig.THREADS, 1, 1, 0, stream,
                k -> k.ptr(in).ptr(out).i32(dims[0]).i32(dims[1]).i32(dims[2]).i32(dims[3]).i32(flags));
    }

    // ---- checks ---------------------------------------------------------------------------------

    private int blocks(long n) { return LaunchConfig.gridStride(n, launcher.multiprocessors()).blocks(); }

    /** Voxel count; every size in [0, 2^24) (line lengths are ints, counts exact in float). */
    private static long checkDims(String op, int[] dims) {
        if (dims == null || dims.length == 0) throw new IllegalArgumentException(op + ": needs at least one axis, got " + Arrays.toString(dims));
        long n = 1;
        for (int d : dims) {
            if (d < 0 || d >= 1 << 24) {
                throw new IllegalArgumentException(op + ": size " + d + " in " + Arrays.toString(dims) + " must be in [0, 2^24)");
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static double[] filled(int n) {
        double[] a = new double[n];
        Arrays.fill(a, 1.0);
        return a;
    }

    private static void requirePointers(String op, Object... nameThenPointer) {
        for (int i = 0; i < nameThenPointer.length; i += 2) {
            if ((long) nameThenPointer[i + 1] == 0) {
                throw new IllegalArgumentException(op + ": " + nameThenPointer[i] + " is a null device pointer");
            }
        }
    }
}
