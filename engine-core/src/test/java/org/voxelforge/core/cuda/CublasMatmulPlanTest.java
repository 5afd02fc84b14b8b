package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.cuda.TensorKernels.View;

/**
 * The layout half of the cuBLAS matmul path, without a GPU: for each operand view, the plan's
 * (transpose, leading dimension, batch stride) read through the row-major GEMM definition cuBLAS
 * is asked for (C[b] = op(A[b]) op(B[b]), element (i, k) of op(A) at A + b*sA + (trans ? k*lda + i
 * : i*lda + k)) must give the CPU's matmul; layouts cuBLAS cannot take must get no plan.
 */
class CublasMatmulPlanTest {
    private final SplittableRandom rnd = new SplittableRandom(9);

    private Tensor rand(int... dims) {
        int n = 1;
        for (int d : dims) n *= d;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rnd.nextInt(-4, 5);
        return Tensor.of(v, dims);
    }

    private static View view(Tensor t) { return new View(t.offset(), t.dims(), t.strides()); } // element offsets, not addresses

    /** What cuBLAS computes for the plan, on host arrays (exact: small integers). */
    private static float[] simulate(CublasMatmul.Plan p, Tensor a, Tensor b) {
        float[] av = a.segment().toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT), bv = b.segment().toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT);
        float[] c = new float[p.batch() * p.m() * p.n()];
        for (int z = 0; z < p.batch(); z++)
            for (int i = 0; i < p.m(); i++)
                for (int j = 0; j < p.n(); j++) {
                    float s = 0;
                    for (int k = 0; k < p.k(); k++) {
                        long ai = a.offset() + z * p.a().batchStride() + (p.a().trans() ? (long) k * p.a().ld() + i : (long) i * p.a().ld() + k);
                        long bi = b.offset() + z * p.b().batchStride() + (p.b().trans() ? (long) j * p.b().ld() + k : (long) k * p.b().ld() + j);
                        s += av[(int) ai] * bv[(int) bi];
                    }
                    c[(z * p.m() + i) * p.n() + j] = s;
                }
        return c;
    }

    private void planned(String what, Tensor a, Tensor b) {
        CublasMatmul.Plan p = CublasMatmul.plan(view(a), view(b));
        assertNotNull(p, what + ": cuBLAS should take this layout");
        assertArrayEquals(a.matmul(b).toFloatArray(), simulate(p, a, b), what);
    }

    @Test void rowMajorTransposedBatchedAndBroadcastOperands() {
        try (TensorScope s = new TensorScope()) {
            planned("plain", rand(5, 7), rand(7, 3));
            planned("a transposed", rand(7, 5).permute(1, 0), rand(7, 3));
            planned("b transposed", rand(5, 7), rand(3, 7).permute(1, 0));
            planned("both transposed, sliced rows", rand(9, 5).slice(0, 1, 8).permute(1, 0), rand(3, 7).permute(1, 0));
            planned("batched", rand(4, 5, 7), rand(4, 7, 3));
            planned("batched with a shared b", rand(4, 5, 7), rand(7, 3));
            planned("batch axes that merge", rand(2, 3, 5, 7), rand(2, 3, 7, 3));
            planned("expanded a", rand(1, 5, 7).expand(4, 5, 7), rand(4, 7, 3));
            planned("one row", rand(1, 7), rand(7, 3));
            planned("one column", rand(5, 7), rand(7, 1));
        }
    }

    @Test void layoutsWithoutAUnitStrideAxisOrUnmergeableBatchesAreLeftToOurKernel() {
        try (TensorScope s = new TensorScope()) {
            assertNull(CublasMatmul.plan(view(rand(10, 14).slice(0, 0, 10, 2).slice(1, 0, 14, 2)), view(rand(7, 3))), "strided both ways");
            assertNull(CublasMatmul.plan(view(rand(3, 2, 5, 7).permute(1, 0, 2, 3)), view(rand(7, 3))), "batch axes that do not merge");
            assertNull(CublasMatmul.plan(view(rand(7)), view(rand(7, 3))), "a vector");
        }
    }
}
