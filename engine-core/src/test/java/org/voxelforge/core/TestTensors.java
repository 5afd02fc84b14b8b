package org.voxelforge.core;

import java.util.Random;
import java.util.function.Consumer;

/** Small helpers for op tests: seeded tensors of any dtype, strided views of them, and an odometer. */
final class TestTensors {
    private TestTensors() {}

    /** Integer values (exact in every dtype) from a seeded generator; bool gets 0/1, uint8 0..255. */
    static Tensor random(DType dt, long seed, int... dims) {
        Random r = new Random(seed);
        double[] v = new double[(int) Shape.of(dims).numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (dt) {
                case BOOL -> r.nextInt(2);
                case UINT8 -> r.nextInt(256);
                default -> r.nextInt(101) - 50;
            };
        }
        return Tensor.of(dt, v, dims);
    }

    /** The same logical tensor as {@code random(dt, seed, dims)} (other values) laid out transposed in memory. */
    static Tensor transposedView(DType dt, long seed, int... dims) {
        int r = dims.length;
        int[] rev = new int[r];
        int[] order = new int[r];
        for (int i = 0; i < r; i++) {
            rev[i] = dims[r - 1 - i];
            order[i] = r - 1 - i;
        }
        return random(dt, seed, rev).permute(order);
    }

    /** A view with stride 2 on axis 0 (every other row of a twice-as-tall tensor). */
    static Tensor slicedView(DType dt, long seed, int... dims) {
        int[] big = dims.clone();
        big[0] = dims[0] * 2;
        return random(dt, seed, big).slice(0, 0, big[0], 2);
    }

    /** Runs {@code body} on every multi-index of {@code dims} in row-major order. */
    static void forEachIndex(int[] dims, Consumer<long[]> body) {
        OpsTestSupport.indices(Shape.of(dims)).forEach(body);
    }

    /** Sum of products, for adjoint checks (exact for small integer data in float64). */
    static double dot(Tensor a, Tensor b) {
        double[] x = a.toDoubleArray(), y = b.toDoubleArray();
        double s = 0;
        for (int i = 0; i < x.length; i++) s += x[i] * y[i];
        return s;
    }
}
