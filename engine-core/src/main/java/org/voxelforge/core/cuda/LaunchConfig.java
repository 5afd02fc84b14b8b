package org.voxelforge.core.cuda;

/**
 * A 1-D launch shape for the grid-stride kernels (VF_FOR_EACH in kernels/src/main/cuda/common.cuh):
 * 256 threads per block and no more blocks than 32 per SM, since each thread loops over
 * several elements anyway and more blocks only add scheduling cost.
 */
public record LaunchConfig(int blocks, int threads) {
    public static final int THREADS = 256;
    public static final int BLOCKS_PER_SM = 32;

    /** blocks = min(ceil(n / 256), SMs * 32), at least 1. */
    public static LaunchConfig gridStride(long n, int multiprocessors) {
        if (n < 0) throw new IllegalArgumentException("launch config: element count must be >= 0, got " + n);
        if (multiprocessors <= 0) throw new IllegalArgumentException("launch config: SM count must be > 0, got " + multiprocessors);
        long blocks = Math.min(Math.ceilDiv(n, THREADS), (long) multiprocessors * BLOCKS_PER_SM);
        return new LaunchConfig((int) Math.max(1, blocks), THREADS);
    }
}
