package org.voxelforge.core.cuda;

import java.util.Arrays;

/**
 * The VfLayout&lt;K&gt; kernel parameter of tensor_ops.cuh: one shape walked by K operands, each
 * with its own element strides (0 on broadcast axes, negative for flips). {@link #of} coalesces
 * first: size-1 axes go, and two neighbouring axes merge when every operand steps over them as
 * one (stride[d] == stride[d+1] * dims[d+1]), so the kernels divide by as few sizes as possible
 * and ranks above {@link #MAX_RANK} still launch when their views merge down to it.
 *
 * @param dims    the coalesced shape (rank 0 for a single element)
 * @param strides strides[k][d] of operand k
 */
record StridedLayout(long[] dims, long[][] strides) {
    /** VF_MAX_RANK in tensor_ops.cuh. */
    static final int MAX_RANK = 6;

    static StridedLayout of(String op, int[] dims, long[]... strides) {
        int r = dims.length, k = strides.length;
        long[] d = new long[r];
        long[][] s = new long[k][r];
        int n = 0;
        for (int a = 0; a < r; a++) {
            if (dims[a] == 1) continue;
            if (n > 0 && mergeable(d[n - 1], s, n - 1, dims[a], strides, a)) {
                d[n - 1] *= dims[a];
                for (int j = 0; j < k; j++) s[j][n - 1] = strides[j][a];
                continue;
            }
            d[n] = dims[a];
            for (int j = 0; j < k; j++) s[j][n] = strides[j][a];
            n++;
        }
        if (n > MAX_RANK) {
            throw new IllegalArgumentException(op + ": shape " + Arrays.toString(dims) + " with strides " + Arrays.deepToString(strides)
                    + " needs " + n + " axes after merging contiguous ones; the kernels take at most " + MAX_RANK
                    + " (make an operand contiguous first)");
        }
        long[][] out = new long[k][];
        for (int j = 0; j < k; j++) out[j] = Arrays.copyOf(s[j], n);
        return new StridedLayout(Arrays.copyOf(d, n), out);
    }

    /** Outer axis (size dOuter, strides s[.][i]) followed by an inner one (size dInner, strides t[.][a]) act as one axis. */
    private static boolean mergeable(long dOuter, long[][] s, int i, int dInner, long[][] t, int a) {
        for (int j = 0; j < s.length; j++) if (s[j][i] != t[j][a] * dInner) return false;
        return dOuter > 0;
    }

    int rank() { return dims.length; }

    long numel() {
        long n = 1;
        for (long v : dims) n *= v;
        return n;
    }

    /** The struct's int64 fields: rank, dims[6] (padded with 1), then strides[K][6] (padded with 0). */
    long[] pack() {
        int k = strides.length;
        long[] p = new long[1 + MAX_RANK * (1 + k)];
        p[0] = dims.length;
        Arrays.fill(p, 1, 1 + MAX_RANK, 1);
        for (int d = 0; d < dims.length; d++) {
            p[1 + d] = dims[d];
            for (int j = 0; j < k; j++) p[1 + MAX_RANK * (1 + j) + d] = strides[j][d];
        }
        return p;
    }

    /** Row-major strides of a contiguous tensor of {@code dims}. */
    static long[] contiguousStrides(int[] dims) {
        long[] s = new long[dims.length];
        long acc = 1;
        for (int a = dims.length - 1; a >= 0; a--) {
            s[a] = acc;
            acc *= dims[a];
        }
        return s;
    }

    /** NumPy broadcasting of an operand (dims, strides) to {@code out}: aligned from the right, stride 0 where it is 1 or missing. */
    static long[] broadcastStrides(String op, String name, int[] dims, long[] strides, int[] out) {
        if (dims.length > out.length) {
            throw new IllegalArgumentException(op + ": " + name + " " + Arrays.toString(dims) + " has more axes than the result "
                    + Arrays.toString(out));
        }
        long[] s = new long[out.length];
        int lead = out.length - dims.length;
        for (int a = 0; a < dims.length; a++) {
            if (dims[a] == out[lead + a]) s[lead + a] = strides[a];
            else if (dims[a] == 1) s[lead + a] = 0;
            else {
                throw new IllegalArgumentException(op + ": " + name + " " + Arrays.toString(dims) + " does not broadcast to "
                        + Arrays.toString(out) + " (axis " + a + ": " + dims[a] + " vs " + out[lead + a]
                        + "); each axis, aligned from the right, must be equal or 1");
            }
        }
        return s;
    }

    /** The broadcast shape of several operand shapes (NumPy's rule). */
    static int[] broadcastShape(String op, int[]... shapes) {
        int r = 0;
        for (int[] s : shapes) r = Math.max(r, s.length);
        int[] out = new int[r];
        Arrays.fill(out, 1);
        for (int[] s : shapes) {
            for (int a = 0; a < s.length; a++) {
                int j = r - s.length + a;
                if (out[j] == 1) out[j] = s[a];
                else if (s[a] != 1 && s[a] != out[j]) {
                    throw new IllegalArgumentException(op + ": shapes " + Arrays.deepToString(shapes) + " do not broadcast (axis "
                            + (j - r) + ": " + out[j] + " vs " + s[a] + "); each axis, aligned from the right, must be equal or 1");
                }
            }
        }
        return out;
    }
}
