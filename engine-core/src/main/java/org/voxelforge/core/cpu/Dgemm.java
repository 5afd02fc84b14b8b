package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.voxelforge.core.Parallel;

/**
 * float64 matrix product for gradchecks: correct and simple rather than fast. B is copied once
 * into a dense row-major double[] (absorbing any strides), then each output row is built by
 * the i-p-j loop, whose inner loop C2 vectorizes. Rows are split across threads; each row's
 * arithmetic is the same whichever thread runs it.
 */
final class Dgemm {
    private Dgemm() {}

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    /** C(i, j) = sum_p A(i, p) B(p, j), written to {@code cOff + i*n + j} (C dense, overwritten). */
    static void multiply(int m, int n, int k,
                         MemorySegment a, long aOff, long aRow, long aCol,
                         MemorySegment b, long bOff, long bRow, long bCol,
                         MemorySegment c, long cOff) {
        if ((long) k * n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("matmul: float64 operand B of " + k + " x " + n + " is too large for the float64 path");
        }
        double[] bd = new double[k * n];
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) bd[p * n + j] = b.getAtIndex(D, bOff + p * bRow + j * bCol);
        }
        long grain = Math.max(1, (1L << 16) / Math.max(1, (long) n * k));
        Parallel.forRange(m, grain, (lo, hi) -> {
            double[] row = new double[n];
            for (long i = lo; i < hi; i++) {
                java.util.Arrays.fill(row, 0);
                long ai = aOff + i * aRow;
                for (int p = 0; p < k; p++) {
                    double av = a.getAtIndex(D, ai + p * aCol);
                    int bi = p * n;
                    for (int j = 0; j < n; j++) row[j] += av * bd[bi + j];
                }
                MemorySegment.copy(row, 0, c, D, (cOff + i * n) * 8, n);
            }
        });
    }
}
