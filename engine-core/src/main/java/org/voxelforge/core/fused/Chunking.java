package org.voxelforge.core.fused;

/**
 * How the two-level reductions cut a row of {@code n} elements (one (sample, group), channel or
 * sample) into chunks, one CUDA block per chunk: chunks of at least {@link #MIN_CHUNK} elements
 * (8 per thread of a 256-thread block), and no more than {@link #MAX_CHUNKS} of them, so that the
 * float sum inside a chunk stays short and the double combination of chunks stays cheap. The
 * launcher and the CPU twin both call this, so they sum the same ranges.
 */
public final class Chunking {
    public static final int THREADS = 256;
    public static final long MIN_CHUNK = 8L * THREADS;
    public static final int MAX_CHUNKS = 64;

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
