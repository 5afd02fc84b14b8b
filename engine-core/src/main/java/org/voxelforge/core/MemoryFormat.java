package org.voxelforge.core;

/**
 * How the elements of an activation [N, C, spatial...] lie in memory; the logical shape and
 * indexing are the same in every format, only the strides differ (PyTorch's memory_format).
 *
 * <ul>
 *   <li>{@link #CONTIGUOUS}: row-major NCDHW, a voxel's neighbour along W is the next element.
 *   <li>{@link #CHANNELS_LAST}: stored as [N, spatial..., C] (NDHWC for 3D), the channels of one
 *       voxel adjacent: strides {S*C, 1, H*W*C, W*C, C} for [N, C, D, H, W]. What cuDNN's fast
 *       3D convolutions and the NDHWC group-norm kernels read and write.
 * </ul>
 *
 * <p>A CUDA backend keeps an op's output in the format of its leading input ({@link #of}), so
 * that a network fed a channels-last input stays channels-last end to end; the CPU backend reads
 * any strides and writes CONTIGUOUS.
 */
public enum MemoryFormat {
    CONTIGUOUS,
    CHANNELS_LAST;

    /**
     * The axes of a rank-{@code rank} tensor from slowest to fastest in memory: CONTIGUOUS is
     * 0..rank-1, CHANNELS_LAST is [0, 2, ..., rank-1, 1]. {@code x.permute(storedOrder(r))} of a
     * tensor dense in this format is contiguous.
     */
    public int[] storedOrder(int rank) {
        int[] order = new int[rank];
        for (int i = 0; i < rank; i++) order[i] = i;
        if (this == CHANNELS_LAST) {
            requireActivation(rank);
            for (int i = 1; i < rank - 1; i++) order[i] = i + 1;
            order[rank - 1] = 1;
        }
        return order;
    }

    /** The inverse of {@link #storedOrder}: {@code y.permute(logicalOrder(r))} turns a stored-order tensor back into [N, C, ...]. */
    public int[] logicalOrder(int rank) {
        int[] stored = storedOrder(rank), inverse = new int[rank];
        for (int i = 0; i < rank; i++) inverse[stored[i]] = i;
        return inverse;
    }

    /** The dims in stored order: [N, spatial..., C] for CHANNELS_LAST. */
    public int[] storedDims(int[] dims) {
        int[] order = storedOrder(dims.length), out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) out[i] = dims[order[i]];
        return out;
    }

    /** The strides of a dense tensor of {@code dims} in this format. */
    public long[] strides(int[] dims) {
        int[] order = storedOrder(dims.length);
        long[] st = new long[dims.length];
        long acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            st[order[i]] = acc;
            acc *= dims[order[i]];
        }
        return st;
    }

    /** Whether x's elements are densely packed in this format (size-1 axes may have any stride). */
    public boolean isDense(Tensor x) {
        if (this == CHANNELS_LAST && x.rank() < 3) return false;
        int[] d = x.dims(), order = storedOrder(d.length);
        long[] st = x.strides();
        long expected = 1;
        for (int i = d.length - 1; i >= 0; i--) {
            int a = order[i];
            if (d[a] == 1) continue;
            if (st[a] != expected) return false;
            expected *= d[a];
        }
        return true;
    }

    /**
     * The format x's strides follow (PyTorch's suggest_memory_format): CHANNELS_LAST when x has
     * rank of at least 3 and either has exactly the strides {@link #strides} gives channels-last
     * (which tells a packed [N, 1, D, H, W] or [N, C, 1, 1, 1] apart, dense in both formats), or is
     * not dense CONTIGUOUS and its axes of size above 1 have positive strides increasing in the
     * order C, then the spatial axes from the last, then N. A channel slice of a channels-last
     * tensor (concat's backward) is CHANNELS_LAST though not dense.
     */
    public static MemoryFormat of(Tensor x) {
        if (x.rank() < 3) return CONTIGUOUS;
        int[] d = x.dims();
        long[] st = x.strides();
        if (java.util.Arrays.equals(st, CHANNELS_LAST.strides(d)) && !java.util.Arrays.equals(st, CONTIGUOUS.strides(d))) {
            return CHANNELS_LAST;
        }
        if (x.isContiguous()) return CONTIGUOUS;
        int[] fastestFirst = reversed(CHANNELS_LAST.storedOrder(d.length));
        long previous = 0;
        for (int a : fastestFirst) {
            if (d[a] == 1) continue;
            if (st[a] <= previous) return CONTIGUOUS;
            previous = st[a];
        }
        return CHANNELS_LAST;
    }

    private static int[] reversed(int[] a) {
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[a.length - 1 - i];
        return r;
    }

    private static void requireActivation(int rank) {
        if (rank < 3) {
            throw new IllegalArgumentException("channels-last needs an activation [N, C, spatial...] of rank 3 or more, got rank " + rank);
        }
    }

    /** "contiguous" or "channels-last", as the CLI spells it. */
    public String label() { return this == CONTIGUOUS ? "contiguous" : "channels-last"; }
}
