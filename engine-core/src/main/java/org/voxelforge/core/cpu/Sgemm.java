package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.voxelforge.core.Parallel;

/**
 * float32 GEMM, {@code C = alpha * op(A) * op(B) + beta * C}, row-major like
 * {@code cblas_sgemm(CblasRowMajor, ...)}, on {@code float[]} or {@link MemorySegment} operands.
 *
 * <p>Structure (BLIS / GotoBLAS): loop over NC-wide column blocks of C; within, over KC-deep
 * slices of K, packing B's KC x NC block into NR-wide micro-panels (kept in L3, each micro-panel
 * in L1); within, over MC-tall row blocks of A packed into MR-tall micro-panels (kept in L2);
 * then the {@link SgemmMicroKernel} computes MR x NR tiles in registers. Packing also absorbs
 * transposes and arbitrary strides, so views never need a contiguous copy.
 *
 * <p>Threads split only output tiles (row blocks, then groups of micro-panels), never K, and the
 * blocking does not depend on the thread count, so C is bitwise identical for any thread count.
 *
 * <p>The slow, obviously right twin is {@link SgemmReference}.
 */
public final class Sgemm {
    private Sgemm() {}

    /**
     * Depth of a K slice. Measured on Zen 4 (1024^3, 6x32 kernel): 384..512 beat 256 by ~5-10%
     * (fewer passes over C), although a 512 x 32 B micro-panel (64 KiB) no longer fits in L1.
     */
    static final int KC = Integer.getInteger("voxelforge.sgemm.kc", 512);
    /** Rows of A packed at once (MC x KC floats in L2). Rounded to a multiple of MR. */
    static final int MC = Integer.getInteger("voxelforge.sgemm.mc", 96);
    /** Columns of B packed at once (KC x NC floats in L3). Rounded to a multiple of NR. */
    static final int NC = Integer.getInteger("voxelforge.sgemm.nc", 4096);

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Slot 0: a packed block of A (per worker); slot 1: a packed block of B (the calling thread's). */
    private static final ScratchArrays PACKS = new ScratchArrays("sgemm", 2);

    /** What the fast path runs on this JVM, e.g. "vector 6x32 (512-bit)". */
    public static String kernelName() { return SgemmKernels.BEST.describe(); }

    // ---- BLAS-style entry points --------------------------------------------------------------

    /** Row-major sgemm on arrays with offsets and leading dimensions, on all pool threads. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, Parallel.threads());
    }

    /** As above on at most {@code threads} threads of the shared pool. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc, int threads) {
        sgemm(transA, transB, m, n, k, alpha, MemorySegment.ofArray(a), aOff, lda, MemorySegment.ofArray(b), bOff, ldb,
                beta, MemorySegment.ofArray(c), cOff, ldc, threads);
    }

    /** Row-major sgemm on memory segments; offsets and leading dimensions are in floats. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             MemorySegment a, long aOff, long lda, MemorySegment b, long bOff, long ldb,
                             float beta, MemorySegment c, long cOff, long ldc, int threads) {
        checkLd("A", transA ? m : k, lda);
        checkLd("B", transB ? k : n, ldb);
        checkLd("C", n, ldc);
        sgemmStrided(m, n, k, alpha,
                a, aOff, transA ? 1 : lda, transA ? lda : 1,
                b, bOff, transB ? 1 : ldb, transB ? ldb : 1,
                beta, c, cOff, ldc, threads);
    }

    /**
     * The general form: op(A)(i, p) is float element {@code aOff + i*aRow + p*aCol} of {@code a},
     * op(B)(p, j) is {@code bOff + p*bRow + j*bCol} of {@code b}, and C(i, j) is
     * {@code cOff + i*ldc + j} of {@code c}. Any strides work for A and B (a transposed or sliced
     * tensor view is passed as it is); C's rows must be contiguous.
     */
    public static void sgemmStrided(int m, int n, int k, float alpha,
                                    MemorySegment a, long aOff, long aRow, long aCol,
                                    MemorySegment b, long bOff, long bRow, long bCol,
                                    float beta, MemorySegment c, long cOff, long ldc, int threads) {
        run(SgemmKernels.BEST, m, n, k, alpha, a, aOff, aRow, aCol, b, bOff, bRow, bCol, beta, c, cOff, ldc, threads);
    }

    // ---- driver -------------------------------------------------------------------------------

    static void run(SgemmMicroKernel kern, int m, int n, int k, float alpha,
                    MemorySegment a, long aOff, long aRow, long aCol,
                    MemorySegment b, long bOff, long bRow, long bCol,
                    float beta, MemorySegment c, long cOff, long ldc, int threads) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: sizes must be >= 0, got m=" + m + ", n=" + n + ", k=" + k);
        }
        if (threads < 1) throw new IllegalArgumentException("sgemm: threads must be >= 1, got " + threads);
        if (ldc < n) throw new IllegalArgumentException("sgemm: ldc=" + ldc + " is smaller than n=" + n);
        checkBounds("A", a, aOff, m, aRow, k, aCol);
        checkBounds("B", b, bOff, k, bRow, n, bCol);
        checkBounds("C", c, cOff, m, ldc, n, 1);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            scaleC(m, n, beta, c, cOff, ldc);
            return;
        }
        final int mr = kern.mr(), nr = kern.nr();
        final int mc = Math.max(mr, MC / mr * mr);
        final int ncMax = Math.max(nr, NC / nr * nr);
        // a segment confined to the calling thread cannot be read by pool threads
        final int T = confined(a) || confined(b) || confined(c) ? 1 : Math.min(threads, Parallel.threads());

        for (int jc = 0; jc < n; jc += ncMax) {
            final int nc = Math.min(ncMax, n - jc);
            final int nPanels = (nc + nr - 1) / nr;
            for (int pc = 0; pc < k; pc += KC) {
                final int kc = Math.min(KC, k - pc);
                final float[] bp = PACKS.get(1, (long) nPanels * nr * kc);
                final long bBase = bOff + pc * bRow + jc * bCol;
                // pack B's micro-panels in parallel; the second loop below needs all of them
                int packers = Math.min(T, nPanels);
                final int jcF = jc;
                Parallel.forRange(packers, 1, (lo, hi) -> {
                    for (long w = lo; w < hi; w++) {
                        int p0 = (int) (w * nPanels / packers), p1 = (int) ((w + 1) * nPanels / packers);
                        for (int jp = p0; jp < p1; jp++) {
                            packB(b, bBase + (long) jp * nr * bCol, bRow, bCol, kc, Math.min(nr, nc - jp * nr), nr, bp, jp * nr * kc);
                        }
                    }
                });
                final float betaK = pc == 0 ? beta : 1f; // later K slices accumulate onto C
                final long aBase = aOff + pc * aCol;
                final int mBlocks = (m + mc - 1) / mc;
                // when there are fewer row blocks than threads, also split each block's micro-panels
                final int nSplit = mBlocks >= T ? 1 : Math.min(nPanels, (T + mBlocks - 1) / mBlocks);
                final int items = mBlocks * nSplit;
                final int workers = Math.min(T, items);
                Parallel.forRange(workers, 1, (lo, hi) -> {
                    float[] tile = new float[mr * nr];
                    for (long w = lo; w < hi; w++) {
                        float[] ap = PACKS.get(0, (long) mc * kc);
                        int lastBlock = -1;
                        int i0 = (int) (w * items / workers), i1 = (int) ((w + 1) * items / workers);
                        for (int item = i0; item < i1; item++) {
                            int blk = item / nSplit, part = item % nSplit;
                            int ic = blk * mc, mcur = Math.min(mc, m - ic);
                            if (blk != lastBlock) {
                                packA(a, aBase + ic * aRow, aRow, aCol, kc, mcur, mr, ap);
                                lastBlock = blk;
                            }
                            int jp0 = part * nPanels / nSplit, jp1 = (part + 1) * nPanels / nSplit;
                            macroKernel(kern, kc, mcur, nc, jp0, jp1, ap, bp, tile, alpha, betaK,
                                    c, cOff + ic * ldc + jcF, ldc);
                        }
                    }
                });
            }
        }
    }

    /** Runs the micro-kernel over B micro-panels [jp0, jp1) and all A micro-panels of a block. */
    private static void macroKernel(SgemmMicroKernel kern, int kc, int mcur, int nc, int jp0, int jp1,
                                    float[] ap, float[] bp, float[] tile, float alpha, float beta,
                                    MemorySegment c, long cBlock, long ldc) {
        int mr = kern.mr(), nr = kern.nr();
        for (int jp = jp0; jp < jp1; jp++) {
            int j0 = jp * nr, cols = Math.min(nr, nc - j0);
            for (int i0 = 0; i0 < mcur; i0 += mr) {
                int rows = Math.min(mr, mcur - i0);
                kern.multiplyInto(kc, ap, i0 * kc, bp, j0 * kc, tile, rows, cols, alpha, beta, c, cBlock + i0 * ldc + j0, ldc);
            }
        }
    }

    /** Packs rows [0, mcur) x depth [0, kc) of A into MR-tall micro-panels, zero-padding the last. */
    static void packA(MemorySegment a, long base, long aRow, long aCol, int kc, int mcur, int mr, float[] ap) {
        for (int i0 = 0; i0 < mcur; i0 += mr) {
            int rows = Math.min(mr, mcur - i0);
            int dst = i0 * kc;
            if (aRow == 1 && rows == mr) {
                // A stored transposed: each depth step is MR contiguous floats
                for (int p = 0; p < kc; p++) {
                    MemorySegment.copy(a, F, (base + i0 + p * aCol) * 4, ap, dst + p * mr, mr);
                }
            } else if (aCol == 1) {
                // A row-major: bulk-copy each row, then spread it over the micro-panel
                float[] row = new float[kc];
                for (int r = 0; r < rows; r++) {
                    MemorySegment.copy(a, F, (base + (i0 + r) * aRow) * 4, row, 0, kc);
                    for (int p = 0, d = dst + r; p < kc; p++, d += mr) ap[d] = row[p];
                }
                for (int r = rows; r < mr; r++) {
                    for (int p = 0; p < kc; p++) ap[dst + p * mr + r] = 0f;
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    long src = base + (i0 + r) * aRow;
                    for (int p = 0; p < kc; p++) ap[dst + p * mr + r] = a.getAtIndex(F, src + p * aCol);
                }
                for (int r = rows; r < mr; r++) {
                    for (int p = 0; p < kc; p++) ap[dst + p * mr + r] = 0f;
                }
            }
        }
    }

    /** Packs depth [0, kc) x columns [0, cols) of B into one NR-wide micro-panel at {@code dst}. */
    static void packB(MemorySegment b, long base, long bRow, long bCol, int kc, int cols, int nr, float[] bp, int dst) {
        if (bCol == 1) {
            for (int p = 0; p < kc; p++) {
                MemorySegment.copy(b, F, (base + p * bRow) * 4, bp, dst + p * nr, cols);
                for (int j = cols; j < nr; j++) bp[dst + p * nr + j] = 0f;
            }
        } else {
            for (int j = 0; j < cols; j++) {
                long src = base + j * bCol;
                for (int p = 0; p < kc; p++) bp[dst + p * nr + j] = b.getAtIndex(F, src + p * bRow);
            }
            for (int j = cols; j < nr; j++) {
                for (int p = 0; p < kc; p++) bp[dst + p * nr + j] = 0f;
            }
        }
    }

    private static void scaleC(int m, int n, float beta, MemorySegment c, long cOff, long ldc) {
        for (int i = 0; i < m; i++) {
            long row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                long at = row + j;
                c.setAtIndex(F, at, beta == 0f ? 0f : beta * c.getAtIndex(F, at));
            }
        }
    }

    /** Stands in for "any other thread": confined segments are accessible by their owner only. */
    private static final Thread OTHER_THREAD = new Thread(() -> {});

    private static boolean confined(MemorySegment s) { return !s.isAccessibleBy(OTHER_THREAD); }

    private static void checkLd(String which, int cols, long ld) {
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("sgemm: leading dimension of " + which + " is " + ld
                    + " but its stored rows have " + cols + " columns; expected ld >= " + Math.max(1, cols));
        }
    }

    /** Fails naming the operand when its last (or first) element lies outside the segment. */
    private static void checkBounds(String which, MemorySegment s, long off, int rows, long rowStride, int cols, long colStride) {
        if (rows == 0 || cols == 0) return;
        long lo = off + Math.min(0, (rows - 1) * rowStride) + Math.min(0, (cols - 1) * colStride);
        long hi = off + Math.max(0, (rows - 1) * rowStride) + Math.max(0, (cols - 1) * colStride);
        long have = s.byteSize() / 4;
        if (lo < 0 || hi >= have) {
            throw new IndexOutOfBoundsException("sgemm: operand " + which + " (" + rows + " x " + cols + ", offset " + off
                    + ", strides " + rowStride + ", " + colStride + ") reaches float elements [" + lo + ", " + hi
                    + "] but its storage holds " + have + " floats");
        }
    }
}
