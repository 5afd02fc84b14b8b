package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.voxelforge.core.DType;
import org.voxelforge.core.Parallel;
import org.voxelforge.core.Shape;
import org.voxelforge.core.ShapeMismatchException;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.UpsampleMode;

/**
 * 3D resizing on the CPU with PyTorch's {@code interpolate(size=...)} coordinate rules, and its
 * adjoint. Each output voxel reads at most two source positions per axis, precomputed once per
 * axis as {@link Taps}; the backward pass scatters with the same taps, plane by plane.
 */
final class CpuUpsample3d {
    private CpuUpsample3d() {}

    /** For each output index along one axis: source indices i0, i1 and weights l0, l1 (nearest: i1 = i0, l1 = 0). */
    record Taps(int[] i0, int[] i1, double[] l0, double[] l1) {
        static Taps of(UpsampleMode mode, boolean alignCorners, int in, int out) {
            int[] a = new int[out], b = new int[out];
            double[] la = new double[out], lb = new double[out];
            for (int o = 0; o < out; o++) {
                if (mode == UpsampleMode.NEAREST) {
                    a[o] = b[o] = nearest(o, in, out);
                    la[o] = 1;
                } else if (in == out) {
                    a[o] = b[o] = o;
                    la[o] = 1;
                } else {
                    double src = linearSource(o, in, out, alignCorners);
                    int i = (int) src; // src >= 0, so truncation is floor
                    a[o] = i;
                    b[o] = i < in - 1 ? i + 1 : i;
                    lb[o] = src - i;
                    la[o] = 1 - lb[o];
                }
            }
            return new Taps(a, b, la, lb);
        }
    }

    /**
     * PyTorch's legacy nearest rule, {@code min(floor(dst * (in/out)), in-1)}, computed in float as
     * PyTorch does (so sizes where the float product rounds across an integer agree with it).
     */
    static int nearest(int dst, int in, int out) {
        if (out == in) return dst;
        if (out == 2 * in) return dst >> 1;
        float scale = (float) in / out;
        return Math.min((int) Math.floor((float) dst * scale), in - 1);
    }

    /** Source coordinate of output index {@code dst}: align_corners maps corner centres onto each other, else pixel areas. */
    static double linearSource(int dst, int in, int out, boolean alignCorners) {
        if (alignCorners) {
            double scale = out > 1 ? (double) (in - 1) / (out - 1) : 0;
            return scale * dst;
        }
        double scale = (double) in / out;
        return Math.max(scale * (dst + 0.5) - 0.5, 0);
    }

    static Tensor forward(Tensor x, int[] outSize, UpsampleMode mode, boolean alignCorners) {
        String op = "upsample3d";
        DType dt = CpuPool3d.floating(op, x);
        Shape ys = CpuPool3d.adaptiveShape(op, x.shape(), outSize);
        Plan plan = Plan.of(x.shape(), ys, mode, alignCorners);
        Tensor out = CpuBackend.INSTANCE.zeros(dt, ys);
        try (Tensor xc = CpuConv3d.dense(x)) {
            MemorySegment xs = xc.segment(), os = out.segment();
            plan.forPlanes(plane -> {
                long inBase = xc.offset() + plane * plan.inPlane(), outBase = plane * plan.outPlane();
                plan.forEachTap((o, in, weight) -> {
                    dt.set(os, outBase + o, dt.get(os, outBase + o) + weight * dt.get(xs, inBase + in));
                });
            });
        }
        out.storage().bumpVersion();
        return out;
    }

    static Tensor backward(Tensor gradY, Shape xShape, UpsampleMode mode, boolean alignCorners) {
        String op = "upsample3dBackward";
        DType dt = CpuPool3d.floating(op, gradY);
        CpuPool3d.checkPlanes(op, gradY.shape(), xShape);
        Plan plan = Plan.of(xShape, gradY.shape(), mode, alignCorners);
        Tensor gx = CpuBackend.INSTANCE.zeros(dt, xShape);
        try (Tensor gc = CpuConv3d.dense(gradY)) {
            MemorySegment gs = gc.segment(), xs = gx.segment();
            plan.forPlanes(plane -> {
                long inBase = plane * plan.inPlane(), outBase = gc.offset() + plane * plan.outPlane();
                plan.forEachTap((o, in, weight) -> {
                    dt.set(xs, inBase + in, dt.get(xs, inBase + in) + weight * dt.get(gs, outBase + o));
                });
            });
        }
        gx.storage().bumpVersion();
        return gx;
    }

    @FunctionalInterface
    private interface TapBody {
        /** Output voxel {@code o} takes {@code weight} times input voxel {@code in} (both flat within a plane). */
        void run(long o, long in, double weight);
    }

    @FunctionalInterface
    private interface PlaneBody {
        void run(long plane);
    }

    private record Plan(int planes, int d, int h, int w, int od, int oh, int ow, Taps tz, Taps ty, Taps tx) {
        static Plan of(Shape x, Shape y, UpsampleMode mode, boolean align) {
            if (y.rank() != 5 || x.rank() != 5) {
                throw new ShapeMismatchException("upsample3d: shapes " + x + " and " + y + " must be rank 5 [N, C, D, H, W]");
            }
            for (int a = 2; a < 5; a++) {
                if (x.dim(a) < 1) {
                    throw new IllegalArgumentException("upsample3d: input " + x + " has an empty spatial axis; "
                            + "expected sizes >= 1 " + Arrays.toString(x.dims()));
                }
            }
            return new Plan(x.dim(0) * x.dim(1), x.dim(2), x.dim(3), x.dim(4), y.dim(2), y.dim(3), y.dim(4),
                    Taps.of(mode, align, x.dim(2), y.dim(2)), Taps.of(mode, align, x.dim(3), y.dim(3)),
                    Taps.of(mode, align, x.dim(4), y.dim(4)));
        }

        long inPlane() { return (long) d * h * w; }

        long outPlane() { return (long) od * oh * ow; }

        /** Visits the (up to 8) weighted taps of every output voxel of one plane, skipping zero weights. */
        void forEachTap(TapBody body) {
            long o = 0;
            for (int z = 0; z < od; z++) {
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++, o++) {
                        for (int cz = 0; cz < 2; cz++) {
                            double wz = cz == 0 ? tz.l0()[z] : tz.l1()[z];
                            if (wz == 0) continue;
                            int iz = cz == 0 ? tz.i0()[z] : tz.i1()[z];
                            for (int cy = 0; cy < 2; cy++) {
                                double wy = cy == 0 ? ty.l0()[y] : ty.l1()[y];
                                if (wy == 0) continue;
                                int iy = cy == 0 ? ty.i0()[y] : ty.i1()[y];
                                for (int cx = 0; cx < 2; cx++) {
                                    double wx = cx == 0 ? tx.l0()[x] : tx.l1()[x];
                                    if (wx == 0) continue;
                                    int ix = cx == 0 ? tx.i0()[x] : tx.i1()[x];
                                    body.run(o, ((long) iz * h + iy) * w + ix, wz * wy * wx);
                                }
                            }
                        }
                    }
                }
            }
        }

        void forPlanes(PlaneBody body) {
            Parallel.forRange(planes, Math.max(1, 32768 / Math.max(1, outPlane())), (lo, hi) -> {
                for (long p = lo; p < hi; p++) body.run(p);
            });
        }
    }
}
