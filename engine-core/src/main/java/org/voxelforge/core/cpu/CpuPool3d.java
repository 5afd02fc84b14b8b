package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.voxelforge.core.DType;
import org.voxelforge.core.MaxPool3dResult;
import org.voxelforge.core.Parallel;
import org.voxelforge.core.Pool3dParams;
import org.voxelforge.core.Shape;
import org.voxelforge.core.ShapeMismatchException;
import org.voxelforge.core.Tensor;

/**
 * 3D max, average and adaptive average pooling on the CPU, forward and backward, with PyTorch's
 * window rules (see the javadoc of {@link org.voxelforge.core.Backend#maxPool3d} and neighbours).
 * Each (sample, channel) plane is independent, so threads split planes; values are read and
 * accumulated as double and stored in the input's floating dtype.
 */
final class CpuPool3d {
    private CpuPool3d() {}

    // ---- max -----------------------------------------------------------------------------------------

    static MaxPool3dResult maxPool(Tensor x, Pool3dParams p) {
        String op = "maxPool3d";
        Shape ys = p.checkForward(op, x.shape());
        DType dt = floating(op, x);
        Win win = new Win(x.shape(), ys, p.kernel(), p.stride(), p.padding());
        Tensor out = CpuBackend.INSTANCE.zeros(dt, ys);
        Tensor idx = CpuBackend.INSTANCE.zeros(DType.INT64, ys);
        try (Tensor xc = CpuConv3d.dense(x)) {
            MemorySegment xs = xc.segment(), os = out.segment(), is = idx.segment();
            long xo = xc.offset();
            forPlanes(win, (plane) -> {
                long inBase = xo + plane * win.inPlane(), outBase = plane * win.outPlane();
                win.forEachWindow((o, z0, z1, y0, y1, x0, x1, size) -> {
                    double best = Double.NEGATIVE_INFINITY;
                    long at = ((long) z0 * win.h + y0) * win.w + x0; // PyTorch starts from the first real voxel
                    scan:
                    for (int z = z0; z < z1; z++) for (int y = y0; y < y1; y++) for (int xx = x0; xx < x1; xx++) {
                        long i = ((long) z * win.h + y) * win.w + xx;
                        double v = dt.get(xs, inBase + i);
                        if (v > best || Double.isNaN(v)) {
                            best = v;
                            at = i;
                            if (Double.isNaN(v)) break scan; // the first NaN wins, as in PyTorch
                        }
                    }
                    dt.set(os, outBase + o, best);
                    is.setAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, outBase + o, at);
                });
            });
        }
        out.storage().bumpVersion();
        idx.storage().bumpVersion();
        return new MaxPool3dResult(out, idx);
    }

    static Tensor maxPoolBackward(Tensor gradY, Tensor indices, Shape xShape) {
        String op = "maxPool3dBackward";
        DType dt = floating(op, gradY);
        checkPlanes(op, gradY.shape(), xShape);
        if (!indices.shape().equals(gradY.shape()) || indices.dtype() != DType.INT64) {
            throw new ShapeMismatchException(op + ": indices " + indices.describe() + " must be int64 of gradY's shape "
                    + gradY.shape());
        }
        Tensor gx = CpuBackend.INSTANCE.zeros(dt, xShape);
        Win win = new Win(xShape, gradY.shape(), new int[] {1, 1, 1}, new int[] {1, 1, 1}, new int[] {0, 0, 0});
        try (Tensor gc = CpuConv3d.dense(gradY); Tensor ic = CpuConv3d.dense(indices)) {
            MemorySegment gs = gc.segment(), is = ic.segment(), xs = gx.segment();
            long inPlane = win.inPlane(), outPlane = win.outPlane();
            forPlanes(win, plane -> {
                for (long o = 0; o < outPlane; o++) {
                    long at = DType.INT64.getLong(is, ic.offset() + plane * outPlane + o);
                    if (at < 0 || at >= inPlane) {
                        throw new IndexOutOfBoundsException(op + ": index " + at + " is outside an input plane of "
                                + inPlane + " voxels (input " + xShape + ")");
                    }
                    long dst = plane * inPlane + at;
                    dt.set(xs, dst, dt.get(xs, dst) + dt.get(gs, gc.offset() + plane * outPlane + o));
                }
            });
        }
        gx.storage().bumpVersion();
        return gx;
    }

    // ---- average ----------------------------------------------------------------------------------------

    static Tensor avgPool(Tensor x, Pool3dParams p, boolean countIncludePad) {
        String op = "avgPool3d";
        Shape ys = p.checkForward(op, x.shape());
        DType dt = floating(op, x);
        Win win = new Win(x.shape(), ys, p.kernel(), p.stride(), p.padding());
        Tensor out = CpuBackend.INSTANCE.zeros(dt, ys);
        try (Tensor xc = CpuConv3d.dense(x)) {
            MemorySegment xs = xc.segment(), os = out.segment();
            forPlanes(win, plane -> {
                long inBase = xc.offset() + plane * win.inPlane(), outBase = plane * win.outPlane();
                win.forEachWindow((o, z0, z1, y0, y1, x0, x1, padded) -> {
                    double s = 0;
                    for (int z = z0; z < z1; z++) for (int y = y0; y < y1; y++) for (int xx = x0; xx < x1; xx++) {
                        s += dt.get(xs, inBase + ((long) z * win.h + y) * win.w + xx);
                    }
                    long real = (long) (z1 - z0) * (y1 - y0) * (x1 - x0);
                    dt.set(os, outBase + o, s / (countIncludePad ? padded : real));
                });
            });
        }
        out.storage().bumpVersion();
        return out;
    }

    static Tensor avgPoolBackward(Tensor gradY, Shape xShape, Pool3dParams p, boolean countIncludePad) {
        String op = "avgPool3dBackward";
        DType dt = floating(op, gradY);
        Shape ys = p.checkForward(op, xShape);
        if (!gradY.shape().equals(ys)) {
            throw new ShapeMismatchException(op + ": gradY is " + gradY.shape() + " but avgPool3d of " + xShape
                    + " with " + p + " gives " + ys);
        }
        Win win = new Win(xShape, ys, p.kernel(), p.stride(), p.padding());
        Tensor gx = CpuBackend.INSTANCE.zeros(dt, xShape);
        try (Tensor gc = CpuConv3d.dense(gradY)) {
            MemorySegment gs = gc.segment(), xs = gx.segment();
            forPlanes(win, plane -> {
                long inBase = plane * win.inPlane(), outBase = gc.offset() + plane * win.outPlane();
                win.forEachWindow((o, z0, z1, y0, y1, x0, x1, padded) -> {
                    long real = (long) (z1 - z0) * (y1 - y0) * (x1 - x0);
                    double g = dt.get(gs, outBase + o) / (countIncludePad ? padded : real);
                    for (int z = z0; z < z1; z++) for (int y = y0; y < y1; y++) for (int xx = x0; xx < x1; xx++) {
                        long at = inBase + ((long) z * win.h + y) * win.w + xx;
                        dt.set(xs, at, dt.get(xs, at) + g);
                    }
                });
            });
        }
        gx.storage().bumpVersion();
        return gx;
    }

    // ---- adaptive average ----------------------------------------------------------------------------------

    static Tensor adaptiveAvgPool(Tensor x, int[] outSize) {
        String op = "adaptiveAvgPool3d";
        DType dt = floating(op, x);
        Shape ys = adaptiveShape(op, x.shape(), outSize);
        Win win = new Win(x.shape(), ys, null, null, null);
        Tensor out = CpuBackend.INSTANCE.zeros(dt, ys);
        try (Tensor xc = CpuConv3d.dense(x)) {
            MemorySegment xs = xc.segment(), os = out.segment();
            forPlanes(win, plane -> {
                long inBase = xc.offset() + plane * win.inPlane(), outBase = plane * win.outPlane();
                win.forEachAdaptiveWindow((o, z0, z1, y0, y1, x0, x1, size) -> {
                    double s = 0;
                    for (int z = z0; z < z1; z++) for (int y = y0; y < y1; y++) for (int xx = x0; xx < x1; xx++) {
                        s += dt.get(xs, inBase + ((long) z * win.h + y) * win.w + xx);
                    }
                    dt.set(os, outBase + o, s / size);
                });
            });
        }
        out.storage().bumpVersion();
        return out;
    }

    static Tensor adaptiveAvgPoolBackward(Tensor gradY, Shape xShape) {
        String op = "adaptiveAvgPool3dBackward";
        DType dt = floating(op, gradY);
        checkPlanes(op, gradY.shape(), xShape);
        Win win = new Win(xShape, gradY.shape(), null, null, null);
        Tensor gx = CpuBackend.INSTANCE.zeros(dt, xShape);
        try (Tensor gc = CpuConv3d.dense(gradY)) {
            MemorySegment gs = gc.segment(), xs = gx.segment();
            forPlanes(win, plane -> {
                long inBase = plane * win.inPlane(), outBase = gc.offset() + plane * win.outPlane();
                win.forEachAdaptiveWindow((o, z0, z1, y0, y1, x0, x1, size) -> {
                    double g = dt.get(gs, outBase + o) / size;
                    for (int z = z0; z < z1; z++) for (int y = y0; y < y1; y++) for (int xx = x0; xx < x1; xx++) {
                        long at = inBase + ((long) z * win.h + y) * win.w + xx;
                        dt.set(xs, at, dt.get(xs, at) + g);
                    }
                });
            });
        }
        gx.storage().bumpVersion();
        return gx;
    }

    static Shape adaptiveShape(String op, Shape x, int[] outSize) {
        if (x.rank() != 5) throw new IllegalArgumentException(op + ": input must have rank 5 [N, C, D, H, W], got " + x);
        if (outSize == null || outSize.length != 3 || Arrays.stream(outSize).anyMatch(v -> v < 1)) {
            throw new IllegalArgumentException(op + ": output size must be 3 positive values (D, H, W), got "
                    + Arrays.toString(outSize) + " for input " + x);
        }
        return Shape.of(x.dim(0), x.dim(1), outSize[0], outSize[1], outSize[2]);
    }

    // ---- shared ----------------------------------------------------------------------------------------

    /** One window's bounds on the real input, [z0, z1) x [y0, y1) x [x0, x1), and its size counting padding. */
    @FunctionalInterface
    interface WindowBody {
        void run(long o, int z0, int z1, int y0, int y1, int x0, int x1, long size);
    }

    /** Input and output sizes of one plane and the window rule that connects them. */
    private record Win(int d, int h, int w, int od, int oh, int ow, int planes, int[] k, int[] s, int[] p) {
        Win(Shape x, Shape y, int[] k, int[] s, int[] p) {
            this(x.dim(2), x.dim(3), x.dim(4), y.dim(2), y.dim(3), y.dim(4), x.dim(0) * x.dim(1), k, s, p);
        }

        long inPlane() { return (long) d * h * w; }

        long outPlane() { return (long) od * oh * ow; }

        /** PyTorch's avg/max pool windows: start o*s - p, end min(start + k, in + p), then clipped to the input. */
        void forEachWindow(WindowBody body) {
            long o = 0;
            for (int z = 0; z < od; z++) {
                int zs = z * s[0] - p[0], ze = Math.min(zs + k[0], d + p[0]);
                for (int y = 0; y < oh; y++) {
                    int ys = y * s[1] - p[1], ye = Math.min(ys + k[1], h + p[1]);
                    for (int x = 0; x < ow; x++, o++) {
                        int xs = x * s[2] - p[2], xe = Math.min(xs + k[2], w + p[2]);
                        long padded = (long) (ze - zs) * (ye - ys) * (xe - xs);
                        body.run(o, Math.max(zs, 0), Math.min(ze, d), Math.max(ys, 0), Math.min(ye, h),
                                Math.max(xs, 0), Math.min(xe, w), padded);
                    }
                }
            }
        }

        /** Adaptive windows: output i covers [floor(i*in/out), ceil((i+1)*in/out)). */
        void forEachAdaptiveWindow(WindowBody body) {
            long o = 0;
            for (int z = 0; z < od; z++) {
                int z0 = start(z, od, d), z1 = end(z, od, d);
                for (int y = 0; y < oh; y++) {
                    int y0 = start(y, oh, h), y1 = end(y, oh, h);
                    for (int x = 0; x < ow; x++, o++) {
                        int x0 = start(x, ow, w), x1 = end(x, ow, w);
                        body.run(o, z0, z1, y0, y1, x0, x1, (long) (z1 - z0) * (y1 - y0) * (x1 - x0));
                    }
                }
            }
        }

        private static int start(int i, int out, int in) { return (int) ((long) i * in / out); }

        private static int end(int i, int out, int in) { return (int) (((long) (i + 1) * in + out - 1) / out); }
    }

    @FunctionalInterface
    private interface PlaneBody {
        void run(long plane);
    }

    private static void forPlanes(Win win, PlaneBody body) {
        long work = Math.max(1, win.inPlane() + win.outPlane());
        Parallel.forRange(win.planes(), Math.max(1, 32768 / work), (lo, hi) -> {
            for (long pl = lo; pl < hi; pl++) body.run(pl);
        });
    }

    static DType floating(String op, Tensor x) {
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": needs a floating tensor, got " + x.describe());
        }
        if (x.rank() != 5) {
            throw new IllegalArgumentException(op + ": tensor must have rank 5 [N, C, D, H, W], got " + x.describe());
        }
        return x.dtype();
    }

    /** gradY and xShape must both be rank 5 with the same N and C. */
    static void checkPlanes(String op, Shape gradY, Shape xShape) {
        if (xShape.rank() != 5 || gradY.dim(0) != xShape.dim(0) || gradY.dim(1) != xShape.dim(1)) {
            throw new ShapeMismatchException(op + ": gradY " + gradY + " and input shape " + xShape
                    + " must both be [N, C, ...] with the same N and C");
        }
    }
}
