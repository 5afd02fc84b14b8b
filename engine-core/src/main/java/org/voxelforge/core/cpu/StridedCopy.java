package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicReference;
import org.voxelforge.core.Parallel;

/**
 * Bit-exact copies between strided layouts of one dtype, the workhorse of concat, flip, pad and
 * indexSelect. Elements are moved as raw bits (never through double), so int64 values beyond
 * 2^53 and NaN payloads survive. Rows whose source and destination are both unit-stride go
 * through {@link MemorySegment#copy} (a memcpy); everything else moves one element at a time.
 */
final class StridedCopy {
    private StridedCopy() {}

    static final long GRAIN = 1 << 15;

    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;

    /** Copies one element of {@code bytes} bytes: {@code dst[di] = src[si]} (indices in elements). */
    static void copyElement(MemorySegment dst, long di, MemorySegment src, long si, int bytes) {
        switch (bytes) {
            case 1 -> dst.set(ValueLayout.JAVA_BYTE, di, src.get(ValueLayout.JAVA_BYTE, si));
            case 2 -> dst.set(I16, di * 2, src.get(I16, si * 2));
            case 4 -> dst.set(I32, di * 4, src.get(I32, si * 4));
            case 8 -> dst.set(I64, di * 8, src.get(I64, si * 8));
            default -> MemorySegment.copy(src, si * bytes, dst, di * bytes, bytes);
        }
    }

    /** Copies {@code len} elements with the given element strides, using memcpy when both are unit-stride. */
    static void copyRow(MemorySegment dst, long di, long dInc, MemorySegment src, long si, long sInc, int len, int bytes) {
        if (len == 0) return; // an empty row may sit at an offset past an empty storage's end
        if (dInc == 1 && sInc == 1) {
            MemorySegment.copy(src, si * bytes, dst, di * bytes, (long) len * bytes);
            return;
        }
        for (int i = 0; i < len; i++, di += dInc, si += sInc) copyElement(dst, di, src, si, bytes);
    }

    /**
     * {@code dst[idx] = src[idx]} for every multi-index of {@code dims}, each operand addressed
     * as offset + sum(idx[a] * strides[a]) in elements. Strides may be negative (flip) or zero
     * on the source (broadcast); destination elements must not overlap.
     */
    static void copy(int[] dims, MemorySegment dst, long dOff, long[] dStrides,
                     MemorySegment src, long sOff, long[] sStrides, int bytes) {
        long n = 1;
        for (int d : dims) n *= d;
        if (n == 0) return;
        long[][] merged = coalesce(dims, dStrides, sStrides);
        int[] md = toInts(merged[0]);
        long[][] strides = {merged[1], merged[2]};
        long[] bases = {dOff, sOff};
        Parallel.forRange(n, GRAIN, (lo, hi) -> StridedLoop.run(md, strides, bases, lo, hi,
                (flat, len, offs, inc) -> copyRow(dst, offs[0], inc[0], src, offs[1], inc[1], len, bytes)));
    }

    /**
     * Merges adjacent axes that are laid out as one for both operands (stride[a] ==
     * stride[a+1] * dim[a+1]) and drops size-1 axes, so a contiguous copy becomes one long row.
     * Returns {dims, stridesA, stridesB}.
     */
    static long[][] coalesce(int[] dims, long[] sa, long[] sb) {
        int r = dims.length;
        long[] d = new long[r], a = new long[r], b = new long[r];
        int m = 0;
        for (int i = 0; i < r; i++) {
            if (dims[i] == 1) continue;
            if (m > 0 && a[m - 1] == sa[i] * dims[i] && b[m - 1] == sb[i] * dims[i]
                    && d[m - 1] * dims[i] <= Integer.MAX_VALUE) {
                d[m - 1] *= dims[i];
                a[m - 1] = sa[i];
                b[m - 1] = sb[i];
            } else {
                d[m] = dims[i];
                a[m] = sa[i];
                b[m] = sb[i];
                m++;
            }
        }
        if (m == 0) return new long[][] {{1}, {1}, {1}};
        return new long[][] {java.util.Arrays.copyOf(d, m), java.util.Arrays.copyOf(a, m), java.util.Arrays.copyOf(b, m)};
    }

    private static int[] toInts(long[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (int) v[i];
        return out;
    }

    /**
     * {@link Parallel#forRange} that rethrows a worker's exception on the caller with its own
     * message (the fork-join pool would otherwise rebuild it without one).
     */
    static void forRangeRethrowing(long n, long grain, Parallel.RangeBody body) {
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Parallel.forRange(n, grain, (lo, hi) -> {
            if (failure.get() != null) return;
            try {
                body.run(lo, hi);
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        });
        RuntimeException e = failure.get();
        if (e != null) throw e;
    }
}
