package org.voxelforge.core.fused;

/**
 * How the two-level reductions cut a row of {@code n} elements (one (sample, group), channel or
 * sample) into chunks, one CUDA block per chunk: chunks of at least {@link #MIN_CHUNK} elements
 * (8 per thread of a 256-thread block), and no more than {@link #MAX_CHUNKS} of them, so that the
 * float sum inside a chunk stays short and the double combination of chunks stays cheap. The
 * launcher and the CPU twin both call this, so they sum the same ranges.
 *
 * <p>MAX_CHUNKS bounds the grid of the reductions that cover a whole sample per row (the NDHWC
 * group norm: grid (chunks, N); the fused losses: (chunks, N, class tiles)). At 64 a batch of 2
 * made 128 blocks of 256 threads, under one per SM on an H100/H200 (132 SMs) and about an eighth
 * of the threads a memory-bound kernel needs resident to reach the copy bandwidth. At 256 a
 * 2 x 128^3 batch makes 512 blocks (about four per SM). Not more, because the finalize kernels
 * sum a row's partials serially in one thread (in double, in the twins' order): 256 chunks keep
 * that loop short next to the pass over the data. Both are guesses until a GPU measures them
 * ({@code voxelforge bench norm-loss}).
 */
public final class Chunking {
    public static final int THREADS = 256;
    public static final long MIN_CHUNK = 8L * THREADS;
    public static final int MAX_CHUNKS = 256;

    private Chunking() {}

    /** The chunk length for a row of n elements (a multiple of THREADS, at least MIN_CHUNK). */
    public static long chunkLength(long n) {
        long len = Math.max(MIN_CHUNK, Math.ceilDiv(Math.max(n, 1), MAX_CHUNKS));
        return Math.ceilDiv(len, THREADS) * THREADS;
    }

    /** The number of chunks of length {@code chunkLength} covering n elements (at least 1). */
    public static int chunks(long n, long chunkLength) {
        return (int) Math.max(1, Math.ceilDiv(n, chunkLength));
    }
}
