package org.voxelforge.core.cpu;

import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;

/**
 * Walks several strided operands over one logical shape in row-major order, handing the body
 * one innermost run at a time: {@code body.run(flatStart, len, offsets, innerStrides)} where
 * {@code offsets[k]} is operand k's storage index (in elements) of the run's first element.
 * Kernels put their tight loop inside the body, so the odometer cost is paid once per row.
 */
public final class StridedLoop {
    private StridedLoop() {}

    @FunctionalInterface
    public interface Body {
        void run(long flatStart, int len, long[] offsets, long[] innerStrides);
    }

    /** Strides of {@code t} broadcast to {@code out} (0 on broadcast axes), right-aligned. */
    public static long[] broadcastStrides(Tensor t, Shape out) {
        int r = out.rank(), tr = t.rank();
        long[] s = new long[r];
        long[] ts = t.strides();
        for (int i = 0; i < r; i++) {
            int src = i - (r - tr);
            s[i] = (src < 0 || t.dim(src) == 1) ? 0 : ts[src];
        }
        return s;
    }

    /** Runs over flat indices {@code [flatStart, flatEnd)} of {@code dims}. */
    public static void run(int[] dims, long[][] strides, long[] bases, long flatStart, long flatEnd, Body body) {
        int k = strides.length;
        int r = dims.length;
        if (flatEnd <= flatStart) return;
        if (r == 0) {
            body.run(flatStart, 1, bases.clone(), new long[k]);
            return;
        }
        int inner = dims[r - 1];
        long[] innerStrides = new long[k];
        for (int j = 0; j < k; j++) innerStrides[j] = strides[j][r - 1];
        if (inner == 0) return;
        // odometer position of flatStart
        int[] idx = new int[r];
        long rem = flatStart;
        for (int a = r - 1; a >= 0; a--) {
            idx[a] = (int) (rem % dims[a]);
            rem /= dims[a];
        }
        long[] offs = new long[k];
        for (int j = 0; j < k; j++) {
            long o = bases[j];
            for (int a = 0; a < r; a++) o += idx[a] * strides[j][a];
            offs[j] = o;
        }
        long flat = flatStart;
        long[] scratch = new long[k];
        while (flat < flatEnd) {
            int len = (int) Math.min(inner - idx[r - 1], flatEnd - flat);
            System.arraycopy(offs, 0, scratch, 0, k);
            body.run(flat, len, scratch, innerStrides);
            flat += len;
            if (flat >= flatEnd) break;
            // advance the odometer by len along the last axis, carrying into outer axes
            for (int j = 0; j < k; j++) offs[j] += len * innerStrides[j];
            idx[r - 1] += len;
            for (int a = r - 1; a > 0 && idx[a] == dims[a]; a--) {
                for (int j = 0; j < k; j++) offs[j] += strides[j][a - 1] - (long) dims[a] * strides[j][a];
                idx[a] = 0;
                idx[a - 1]++;
            }
        }
    }
}
