package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.voxelforge.core.DType;
import org.voxelforge.core.Parallel;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;

/**
 * Matrix products on the CPU with NumPy's matmul rules (see {@link org.voxelforge.core.Backend#matmul}):
 * rank-1 operands are promoted to a row (left) or a column (right) and the added axis is
 * removed from the result; batch axes broadcast.
 *
 * <p>Operands are never copied for layout: each matrix is handed to {@link Sgemm} (float32) or
 * {@link Dgemm} (float64) with its own row and column strides, and packing absorbs
 * transposes, slices and broadcast batch axes. bfloat16/float16 go through float32.
 */
final class CpuMatmul {
    private CpuMatmul() {}

    /** Below this many multiply-adds per matrix, a batch runs one matrix per thread instead. */
    private static final long SMALL_MATRIX_FLOPS = 1L << 18;

    static Tensor matmul(Tensor a, Tensor b) {
        DType dt = a.dtype();
        if (dt == DType.BFLOAT16 || dt == DType.FLOAT16) {
            try (Tensor af = CpuElementwise.cast(a, DType.FLOAT32);
                 Tensor bf = CpuElementwise.cast(b, DType.FLOAT32);
                 Tensor cf = matmul(af, bf)) {
                return CpuElementwise.cast(cf, dt);
            }
        }
        if (dt != DType.FLOAT32 && dt != DType.FLOAT64) {
            throw new IllegalArgumentException("matmul: needs float32, float64, bfloat16 or float16 operands, got "
                    + a.describe() + " and " + b.describe());
        }
        boolean aVec = a.rank() == 1, bVec = b.rank() == 1;
        int[] ad = aVec ? new int[] {1, a.dim(0)} : a.dims();
        long[] as = aVec ? new long[] {0, a.stride(0)} : a.strides();
        int[] bd = bVec ? new int[] {b.dim(0), 1} : b.dims();
        long[] bs = bVec ? new long[] {b.stride(0), 0} : b.strides();
        int ra = ad.length, rb = bd.length;
        int m = ad[ra - 2], k = ad[ra - 1], n = bd[rb - 1];
        if (bd[rb - 2] != k) {
            throw new IllegalArgumentException("matmul: inner sizes differ: " + a.describe() + " x " + b.describe()
                    + " (" + k + " vs " + bd[rb - 2] + "); expected [.., m, k] x [.., k, n]");
        }
        Shape batch = Shape.broadcast("matmul (batch axes)", Shape.of(Arrays.copyOf(ad, ra - 2)), Shape.of(Arrays.copyOf(bd, rb - 2)));
        Tensor out = CpuBackend.INSTANCE.zeros(dt, Shape.of(outDims(batch.dims(), m, n, aVec, bVec)));
        long count = batch.numel();
        if (count == 0 || m == 0 || n == 0 || k == 0) return out; // zeros, as NumPy gives for k == 0

        long[] aBatch = batchStrides(ad, as, batch), bBatch = batchStrides(bd, bs, batch);
        int[] bdims = batch.dims();
        var job = new Job(dt, m, n, k, a.segment(), a.offset(), as[ra - 2], as[ra - 1], aBatch,
                b.segment(), b.offset(), bs[rb - 2], bs[rb - 1], bBatch, out.segment(), bdims);
        if (count > 1 && (long) m * n * k < SMALL_MATRIX_FLOPS) {
            Parallel.forRange(count, Math.max(1, SMALL_MATRIX_FLOPS / ((long) m * n * k)), (lo, hi) -> {
                for (long i = lo; i < hi; i++) job.run(i, 1);
            });
        } else {
            for (long i = 0; i < count; i++) job.run(i, Parallel.threads());
        }
        out.storage().bumpVersion();
        return out;
    }

    /** One matmul call's operands; {@link #run} computes batch entry {@code index}. */
    private record Job(DType dt, int m, int n, int k,
                       MemorySegment a, long aOff, long aRow, long aCol, long[] aBatch,
                       MemorySegment b, long bOff, long bRow, long bCol, long[] bBatch,
                       MemorySegment c, int[] batchDims) {
        void run(long index, int threads) {
            long ao = aOff, bo = bOff, rem = index;
            for (int ax = batchDims.length - 1; ax >= 0; ax--) {
                long i = rem % batchDims[ax];
                rem /= batchDims[ax];
                ao += i * aBatch[ax];
                bo += i * bBatch[ax];
            }
            long co = index * m * n;
            if (dt == DType.FLOAT32) {
                Sgemm.sgemmStrided(m, n, k, 1f, a, ao, aRow, aCol, b, bo, bRow, bCol, 0f, c, co, n, threads);
            } else {
                Dgemm.multiply(m, n, k, a, ao, aRow, aCol, b, bo, bRow, bCol, c, co);
            }
        }
    }

    /** Strides of an operand's batch axes, right-aligned to the broadcast batch shape (0 where broadcast). */
    private static long[] batchStrides(int[] dims, long[] strides, Shape batch) {
        int r = batch.rank(), own = dims.length - 2;
        long[] s = new long[r];
        for (int i = 0; i < r; i++) {
            int src = i - (r - own);
            s[i] = src < 0 || dims[src] == 1 ? 0 : strides[src];
        }
        return s;
    }

    private static int[] outDims(int[] batch, int m, int n, boolean aVec, boolean bVec) {
        int[] d = Arrays.copyOf(batch, batch.length + 2);
        d[batch.length] = m;
        d[batch.length + 1] = n;
        if (aVec && bVec) return batch;
        if (aVec) return dropAxis(d, batch.length);
        if (bVec) return dropAxis(d, batch.length + 1);
        return d;
    }

    private static int[] dropAxis(int[] d, int axis) {
        int[] o = new int[d.length - 1];
        for (int i = 0, j = 0; i < d.length; i++) if (i != axis) o[j++] = d[i];
        return o;
    }
}
