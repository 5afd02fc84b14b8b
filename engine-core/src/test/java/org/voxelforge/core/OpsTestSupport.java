package org.voxelforge.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random tensors, strided views of them, multi-index walks and dtype-aware comparisons for op tests. */
final class OpsTestSupport {
    private OpsTestSupport() {}

    static final DType[] ALL = DType.values();

    /** Values each dtype can hold exactly enough: small ints, 0/1 for bool, [-3, 3] floats (with 0 and 1 sprinkled in). */
    static Tensor random(Random rng, DType t, int... dims) {
        int n = (int) Shape.of(dims).numel();
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (t) {
                case BOOL -> rng.nextInt(2);
                case UINT8 -> rng.nextInt(256);
                case INT32, INT64 -> rng.nextInt(41) - 20;
                default -> rng.nextInt(10) == 0 ? rng.nextInt(2) : rng.nextDouble() * 6 - 3;
            };
        }
        return Tensor.of(t, v, dims);
    }

    /** The same values as {@code x} in three layouts: contiguous, every-other-element slice, and transposed storage. */
    static List<Tensor> layouts(Tensor x) {
        List<Tensor> out = new ArrayList<>();
        out.add(x);
        if (x.rank() == 0) return out;
        int[] d = x.dims();
        int last = d.length - 1;
        int[] wide = d.clone();
        wide[last] *= 2;
        Tensor sliced = Tensor.zeros(x.dtype(), wide).slice(last, 0, wide[last], 2);
        sliced.copy_(x);
        out.add(sliced);
        if (x.rank() >= 2) {
            int[] order = new int[d.length];
            int[] rev = new int[d.length];
            for (int i = 0; i < d.length; i++) { order[i] = d.length - 1 - i; rev[i] = d[d.length - 1 - i]; }
            Tensor t = Tensor.zeros(x.dtype(), rev).permute(order);
            t.copy_(x);
            out.add(t);
        }
        return out;
    }

    /** Every multi-index of {@code shape} in row-major order. */
    static List<long[]> indices(Shape shape) {
        List<long[]> out = new ArrayList<>();
        int r = shape.rank();
        long n = shape.numel();
        for (long f = 0; f < n; f++) {
            long[] idx = new long[r];
            long rem = f;
            for (int a = r - 1; a >= 0; a--) { idx[a] = rem % shape.dim(a); rem /= shape.dim(a); }
            out.add(idx);
        }
        return out;
    }

    /** The element of {@code t} that {@code idx} of a broadcast output shape reads (right-aligned, size-1 axes pinned to 0). */
    static double at(Tensor t, long[] idx) {
        long[] own = new long[t.rank()];
        for (int i = 0; i < own.length; i++) {
            long v = idx[idx.length - t.rank() + i];
            own[i] = t.dim(i) == 1 ? 0 : v;
        }
        return t.get(own);
    }

    /** {@code v} rounded the way a store into {@code t} rounds it. */
    static double round(DType t, double v) {
        MemorySegment s = MemorySegment.ofArray(new byte[8]);
        t.set(s, 0, v);
        return t.get(s, 0);
    }

    /** Relative tolerance of a result of dtype t computed in double and rounded (a few ulps of the type). */
    static double tol(DType t) {
        return switch (t) {
            case FLOAT32 -> 1e-6;
            case FLOAT64 -> 1e-13;
            case FLOAT16 -> 2e-3;
            case BFLOAT16 -> 1.6e-2;
            default -> 0;
        };
    }

    static void assertClose(double expected, double actual, DType t, String what) {
        if (Double.isNaN(expected) && Double.isNaN(actual)) return;
        if (expected == actual) return;
        double tol = tol(t) * Math.max(1, Math.abs(expected));
        if (!(Math.abs(expected - actual) <= tol)) fail(what + ": expected " + expected + " but got " + actual + " (" + t.label() + ")");
    }

    static void assertShape(Shape expected, Tensor actual) {
        assertEquals(expected, actual.shape(), "shape");
    }
}
