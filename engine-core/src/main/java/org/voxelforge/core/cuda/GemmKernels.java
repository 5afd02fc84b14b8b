package org.voxelforge.core.cuda;

import java.util.Arrays;
import org.voxelforge.core.cuda.TensorKernels.View;

/**
 * Typed launchers of our batched float32 GEMM (gemm.cuh), the fallback where cuBLAS is absent and
 * the path the host emulator runs, over a {@link KernelLauncher}. Reference:
 * {@link org.voxelforge.core.Backend#matmul} ({@code Backends.cpu()}).
 *
 * <p>Kernel parameters, in order:
 * <pre>
 * vf_gemm_f32(const float* a, int64 aBatch, int64 aRow, int64 aCol,
 *             const float* b, int64 bBatch, int64 bRow, int64 bCol,
 *             float* c, int M, int N, int K)
 *   grid (ceil(N / 64), ceil(M / 64), batch), 256 threads, no dynamic shared memory;
 *   C[z] (contiguous, M x N, at c + z*M*N) = A[z] x B[z], A[z][m][k] at a + z*aBatch + m*aRow + k*aCol,
 *   B[z][k][n] at b + z*bBatch + k*bRow + n*bCol (strides in elements, any sign, 0 broadcasts).
 * </pre>
 * Every C element is a float sum over k in ascending order, the same for every launch (no split
 * K, no atomics); K = 0 writes zeros. It is not bit-identical to the CPU's blocked, vectorized
 * sgemm (another order, and nvcc fuses multiply-adds), so tests compare within the float error
 * bound of a dot product.
 */
public final class GemmKernels {
    /** VF_GEMM_BM, VF_GEMM_BN, VF_GEMM_THREADS of gemm.cuh. */
    static final int BM = 64, BN = 64, THREADS = 256;
    /** CUDA's limit on gridDim.y and gridDim.z. */
    private static final int MAX_GRID_YZ = 65535;

    private final KernelLauncher launcher;

    public GemmKernels(KernelLauncher launcher) { this.launcher = launcher; }

    public GemmKernels(CudaKernels kernels) { this(kernels.launcher()); }

    /**
     * {@code c[z] = a[z] x b[z]} for z &lt; batch, each operand given by its element-0 device pointer
     * and element strides (batch, row, column); c is contiguous [batch, m, n] (vf_gemm_f32).
     * Batches beyond the grid's z limit are split into several launches.
     */
    public void gemm(int batch, int m, int n, int k, long a, long aBatch, long aRow, long aCol, long b, long bBatch, long bRow, long bCol,
                     long c, long stream) {
        String op = "gemm (vf_gemm_f32) of batch " + batch + ", A [" + m + ", " + k + "] strides " + Arrays.toString(new long[] {aBatch, aRow, aCol})
                + ", B [" + k + ", " + n + "] strides " + Arrays.toString(new long[] {bBatch, bRow, bCol});
        if (batch < 0 || m < 0 || n < 0 || k < 0) throw new IllegalArgumentException(op + ": sizes must be >= 0");
        if (Math.ceilDiv(m, BM) > MAX_GRID_YZ) {
            throw new IllegalArgumentException(op + ": m = " + m + " needs more than " + MAX_GRID_YZ + " row tiles of " + BM
                    + "; expected m <= " + (long) MAX_GRID_YZ * BM);
        }
        if ((long) batch * m * n == 0) return;
        requirePointer(op, "c", c);
        if (k > 0) {
            requirePointer(op, "a", a);
            requirePointer(op, "b", b);
        }
        int gx = Math.ceilDiv(n, BN), gy = Math.ceilDiv(m, BM);
        long cBatch = (long) m * n;
        for (int z0 = 0; z0 < batch; z0 += MAX_GRID_YZ) {
            int gz = Math.min(MAX_GRID_YZ, batch - z0);
            long ap = a + 4L * z0 * aBatch, bp = b + 4L * z0 * bBatch, cp = c + 4L * z0 * cBatch;
            launcher.launch("vf_gemm_f32", gx, gy, gz, THREADS, 1, 1, 0, stream,
                    kk -> kk.ptr(ap).i64(aBatch).i64(aRow).i64(aCol).ptr(bp).i64(bBatch).i64(bRow).i64(bCol).ptr(cp)
                            .i32(m).i32(n).i32(k));
        }
    }

    /**
     * NumPy's matmul of two float32 views, as {@link org.voxelforge.core.Backend#matmul}:
     * [.., m, k] x [.., k, n] -&gt; c [.., m, n] (contiguous), batch axes broadcast, a rank-1 a is a
     * row and a rank-1 b a column, whose added axis is dropped from the result. Returns c's shape.
     * Batch axes that merge (StridedLayout) go to one launch's grid; the others loop here.
     */
    public int[] matmul(View a, View b, long c, long stream) {
        String op = "matmul (vf_gemm_f32) of a " + a + " and b " + b;
        if (a.rank() == 0 || b.rank() == 0) throw new IllegalArgumentException(op + ": operands must have at least one axis");
        boolean aVec = a.rank() == 1, bVec = b.rank() == 1;
        int[] ad = aVec ? new int[] {1, a.dims()[0]} : a.dims();
        long[] as = aVec ? new long[] {0, a.strides()[0]} : a.strides();
        int[] bd = bVec ? new int[] {b.dims()[0], 1} : b.dims();
        long[] bs = bVec ? new long[] {b.strides()[0], 0} : b.strides();
        int ra = ad.length, rb = bd.length;
        int m = ad[ra - 2], k = ad[ra - 1], n = bd[rb - 1];
        if (bd[rb - 2] != k) {
            throw new IllegalArgumentException(op + ": inner sizes differ (" + k + " vs " + bd[rb - 2] + "); expected [.., m, k] x [.., k, n]");
        }
        int[] aBatchDims = Arrays.copyOf(ad, ra - 2), bBatchDims = Arrays.copyOf(bd, rb - 2);
        int[] batch = StridedLayout.broadcastShape(op + " (batch axes)", aBatchDims, bBatchDims);
        long[] aBs = StridedLayout.broadcastStrides(op, "a's batch", aBatchDims, Arrays.copyOf(as, ra - 2), batch);
        long[] bBs = StridedLayout.broadcastStrides(op, "b's batch", bBatchDims, Arrays.copyOf(bs, rb - 2), batch);
        long[] cBs = StridedLayout.contiguousStrides(batch);
        for (int i = 0; i < cBs.length; i++) cBs[i] *= (long) m * n;
        int[] out = outDims(batch, m, n, aVec, bVec);

        StridedLayout l = StridedLayout.of(op, batch, aBs, bBs, cBs);
        long count = l.numel();
        if (count == 0 || m == 0 || n == 0) return out;
        int r = l.rank();
        // the innermost merged batch axis is the grid's z; the outer ones (if any) loop here
        int inner = r == 0 ? 1 : Math.toIntExact(l.dims()[r - 1]);
        long aIn = r == 0 ? 0 : l.strides()[0][r - 1], bIn = r == 0 ? 0 : l.strides()[1][r - 1];
        long outer = count / inner;
        long aRow = as[ra - 2], aCol = as[ra - 1], bRow = bs[rb - 2], bCol = bs[rb - 1];
        for (long o = 0; o < outer; o++) {
            long rem = o, ao = 0, bo = 0, co = 0;
            for (int d = r - 2; d >= 0; d--) {
                long i = rem % l.dims()[d];
                rem /= l.dims()[d];
                ao += i * l.strides()[0][d];
                bo += i * l.strides()[1][d];
                co += i * l.strides()[2][d];
            }
            gemm(inner, m, n, k, a.ptr() + 4 * ao, aIn, aRow, aCol, b.ptr() + 4 * bo, bIn, bRow, bCol, c + 4 * co, stream);
        }
        return out;
    }

    /** The shape {@link #matmul} gives for operands of these shapes (checked as there). */
    public static int[] matmulShape(int[] a, int[] b) {
        String op = "matmul of " + Arrays.toString(a) + " and " + Arrays.toString(b);
        if (a.length == 0 || b.length == 0) throw new IllegalArgumentException(op + ": operands must have at least one axis");
        boolean aVec = a.length == 1, bVec = b.length == 1;
        int[] ad = aVec ? new int[] {1, a[0]} : a, bd = bVec ? new int[] {b[0], 1} : b;
        int[] batch = StridedLayout.broadcastShape(op + " (batch axes)", Arrays.copyOf(ad, ad.length - 2), Arrays.copyOf(bd, bd.length - 2));
        return outDims(batch, ad[ad.length - 2], bd[bd.length - 1], aVec, bVec);
    }

    private static int[] outDims(int[] batch, int m, int n, boolean aVec, boolean bVec) {
        int[] d = Arrays.copyOf(batch, batch.length + 2);
        d[batch.length] = m;
        d[batch.length + 1] = n;
        if (aVec && bVec) return batch;
        if (aVec || bVec) {
            int drop = aVec ? batch.length : batch.length + 1;
            int[] o = new int[d.length - 1];
            for (int i = 0, j = 0; i < d.length; i++) if (i != drop) o[j++] = d[i];
            return o;
        }
        return d;
    }

    private static void requirePointer(String op, String name, long p) {
        if (p == 0) throw new IllegalArgumentException(op + ": " + name + " is a null device pointer");
    }
}
