package org.voxelforge.core.cuda;

import java.util.Arrays;
import org.voxelforge.core.cuda.TensorKernels.View;

/**
 * {@code Backend.matmul} through cuBLAS on a GPU, for the layouts cuBLAS takes without a copy:
 * each matrix row-major or transposed (unit stride on one of its two axes), and the batch, if
 * any, one axis of uniform stride per operand (0 broadcasts). Everything else (vectors, batch
 * axes that do not merge, odd strides) is left to our GEMM kernel ({@link #matmul} returns false).
 * TF32 is the handle's math mode ({@link GpuAccelerator}).
 *
 * <p>The layout logic is tested in CI ({@link #plan}); the cuBLAS call itself is UNVERIFIED on a GPU.
 */
final class CublasMatmul {
    private final Accelerator.BlasHandle blas;

    CublasMatmul(Accelerator.BlasHandle blas) { this.blas = blas; }

    /** How one matrix operand is passed: transposed or not, its row stride (lda), its batch stride. */
    record Operand(boolean trans, int ld, long batchStride) {}

    /** A cuBLAS call for C [batch, m, n] (contiguous) = A [batch, m, k] x B [batch, k, n]. */
    record Plan(int batch, int m, int n, int k, Operand a, Operand b) {}

    /** c = a x b when cuBLAS takes the layout; false (nothing launched) otherwise. */
    boolean matmul(View a, View b, long c) {
        Plan p = plan(a, b);
        if (p == null) return false;
        if (p.m() == 0 || p.n() == 0) return true;
        if (p.batch() == 1) {
            blas.cublas().rowMajorSgemm(blas.handle(), p.a().trans(), p.b().trans(), p.m(), p.n(), p.k(), 1f, a.ptr(), p.a().ld(),
                    b.ptr(), p.b().ld(), 0f, c, p.n());
        } else {
            blas.cublas().rowMajorSgemmStridedBatched(blas.handle(), p.a().trans(), p.b().trans(), p.m(), p.n(), p.k(), 1f,
                    a.ptr(), p.a().ld(), p.a().batchStride(), b.ptr(), p.b().ld(), p.b().batchStride(), 0f, c, p.n(), (long) p.m() * p.n(),
                    p.batch());
        }
        return true;
    }

    /** The call for these operands (rank >= 2 each), or null when cuBLAS cannot take them in place. */
    static Plan plan(View a, View b) {
        if (a.rank() < 2 || b.rank() < 2) return null;
        int ra = a.rank(), rb = b.rank();
        int m = a.dims()[ra - 2], k = a.dims()[ra - 1], n = b.dims()[rb - 1];
        if (b.dims()[rb - 2] != k || k == 0) return null;
        int[] batch;
        try {
            batch = StridedLayout.broadcastShape("matmul", Arrays.copyOf(a.dims(), ra - 2), Arrays.copyOf(b.dims(), rb - 2));
        } catch (IllegalArgumentException e) {
            return null;
        }
        long[] aBs = StridedLayout.broadcastStrides("matmul", "a", Arrays.copyOf(a.dims(), ra - 2), Arrays.copyOf(a.strides(), ra - 2), batch);
        long[] bBs = StridedLayout.broadcastStrides("matmul", "b", Arrays.copyOf(b.dims(), rb - 2), Arrays.copyOf(b.strides(), rb - 2), batch);
        long[] cBs = StridedLayout.contiguousStrides(batch);
        for (int i = 0; i < cBs.length; i++) cBs[i] *= (long) m * n;
        StridedLayout l;
        try {
            l = StridedLayout.of("matmul", batch, aBs, bBs, cBs);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (l.rank() > 1) return null; // several batch axes that do not merge: our kernel loops them
        long count = l.numel();
        if (count > Integer.MAX_VALUE) return null;
        long aStride = l.rank() == 0 ? 0 : l.strides()[0][0], bStride = l.rank() == 0 ? 0 : l.strides()[1][0];
        Operand oa = operand(m, k, a.strides()[ra - 2], a.strides()[ra - 1], aStride);
        Operand ob = operand(k, n, b.strides()[rb - 2], b.strides()[rb - 1], bStride);
        if (oa == null || ob == null) return null;
        return new Plan((int) count, m, n, k, oa, ob);
    }

    /** A rows x cols matrix with these strides as cuBLAS sees it, or null when neither axis has unit stride. */
    private static Operand operand(int rows, int cols, long rowStride, long colStride, long batchStride) {
        if (batchStride < 0) return null;
        if (cols == 1 || colStride == 1) {
            long ld = rows == 1 ? Math.max(1, cols) : rowStride;
            if (ld >= Math.max(1, cols) && ld <= Integer.MAX_VALUE) return new Operand(false, (int) ld, batchStride);
        }
        if (rows == 1 || rowStride == 1) {
            long ld = cols == 1 ? Math.max(1, rows) : colStride;
            if (ld >= Math.max(1, rows) && ld <= Integer.MAX_VALUE) return new Operand(true, (int) ld, batchStride);
        }
        return null;
    }
}
