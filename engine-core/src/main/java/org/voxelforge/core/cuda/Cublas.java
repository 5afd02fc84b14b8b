package org.voxelforge.core.cuda;

import static org.voxelforge.core.cuda.NativeFunction.INT;
import static org.voxelforge.core.cuda.NativeFunction.LONG;
import static org.voxelforge.core.cuda.NativeFunction.PTR;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;

/**
 * Hand-written FFM bindings to cuBLAS ({@code libcublas.so.13} or {@code .12}): handles, streams,
 * math mode, and float32 / bfloat16 GEMMs.
 *
 * <p>cuBLAS is column-major. The raw methods take column-major arguments exactly as cuBLAS does;
 * the {@code rowMajor*} methods take row-major ones and map them with {@link RowMajorGemm}
 * ({@code C^T = B^T A^T}), which is what a tensor library with row-major storage calls.
 *
 * <p>No cuBLAS header is installed on the build machines, so the prototypes and enum values
 * below are written from NVIDIA's cuBLAS documentation (CUDA 12/13) and are checked only on a
 * GPU machine (CudaSmokeTest): UNVERIFIED here beyond compiling.
 * Alpha and beta are host pointers (the default CUBLAS_POINTER_MODE_HOST).
 */
public final class Cublas {
    public static final int CUBLAS_STATUS_SUCCESS = 0;
    public static final int OP_N = 0, OP_T = 1;
    /** cublasMath_t: CUBLAS_DEFAULT_MATH = 0, CUBLAS_TF32_TENSOR_OP_MATH = 3. */
    public enum MathMode {
        DEFAULT(0), TF32_TENSOR_OP(3);
        final int code;
        MathMode(int code) { this.code = code; }
    }
    /** cudaDataType_t values, from /usr/local/cuda/include/library_types.h. */
    public static final int CUDA_R_32F = 0, CUDA_R_16F = 2, CUDA_R_16BF = 14;
    /** cublasComputeType_t: CUBLAS_COMPUTE_32F = 68, CUBLAS_COMPUTE_32F_FAST_TF32 = 77 (from the docs, unverified). */
    public static final int COMPUTE_32F = 68, COMPUTE_32F_FAST_TF32 = 77;
    /** cublasGemmAlgo_t CUBLAS_GEMM_DEFAULT. */
    public static final int GEMM_DEFAULT = -1;

    private static final String LIB = "cuBLAS";

    private final NativeFunction create, destroy, setStream, setMathMode, sgemm, sgemmStridedBatched, gemmEx,
            gemmStridedBatchedEx, statusName, statusString;

    public Cublas(SymbolLookup lib) {
        create = fn(lib, "cublasCreate_v2", PTR);
        destroy = fn(lib, "cublasDestroy_v2", PTR);
        setStream = fn(lib, "cublasSetStream_v2", PTR, PTR);
        setMathMode = fn(lib, "cublasSetMathMode", PTR, INT);
        // (handle, transa, transb, m, n, k, *alpha, A, lda, B, ldb, *beta, C, ldc)
        sgemm = fn(lib, "cublasSgemm_v2", PTR, INT, INT, INT, INT, INT, PTR, PTR, INT, PTR, INT, PTR, PTR, INT);
        // (..., A, lda, long long strideA, B, ldb, strideB, *beta, C, ldc, strideC, batchCount)
        sgemmStridedBatched = fn(lib, "cublasSgemmStridedBatched", PTR, INT, INT, INT, INT, INT, PTR,
                PTR, INT, LONG, PTR, INT, LONG, PTR, PTR, INT, LONG, INT);
        // (handle, transa, transb, m, n, k, *alpha, A, Atype, lda, B, Btype, ldb, *beta, C, Ctype, ldc, computeType, algo)
        gemmEx = fn(lib, "cublasGemmEx", PTR, INT, INT, INT, INT, INT, PTR, PTR, INT, INT, PTR, INT, INT,
                PTR, PTR, INT, INT, INT, INT);
        // (..., A, Atype, lda, strideA, B, Btype, ldb, strideB, *beta, C, Ctype, ldc, strideC, batchCount, computeType, algo)
        gemmStridedBatchedEx = fn(lib, "cublasGemmStridedBatchedEx", PTR, INT, INT, INT, INT, INT, PTR,
                PTR, INT, INT, LONG, PTR, INT, INT, LONG, PTR, PTR, INT, INT, LONG, INT, INT, INT);
        statusName = new NativeFunction(LIB, lib, FunctionDescriptor.of(PTR, INT), "cublasGetStatusName");
        statusString = new NativeFunction(LIB, lib, FunctionDescriptor.of(PTR, INT), "cublasGetStatusString");
    }

    private static NativeFunction fn(SymbolLookup lib, String name, ValueLayout... args) {
        return NativeFunction.status(LIB, lib, name, args);
    }

    private void check(NativeFunction fn, int status) {
        if (status != CUBLAS_STATUS_SUCCESS) throw new CudaException(fn.name(), status, text(statusName, status, "cublasStatus " + status), text(statusString, status, ""));
    }

    private static String text(NativeFunction fn, int status, String fallback) {
        try {
            MemorySegment s = (MemorySegment) fn.handle().invokeExact(status);
            return s.address() == 0 ? fallback : s.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            return fallback;
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    private static MemorySegment p(long address) { return MemorySegment.ofAddress(address); }

    /** A cuBLAS handle for the current context. */
    public long create() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(PTR);
            check(create, (int) create.handle().invokeExact(out));
            return out.get(ValueLayout.ADDRESS, 0).address();
        } catch (Throwable t) { throw rethrow(t); }
    }

    public void destroy(long handle) {
        try { check(destroy, (int) destroy.handle().invokeExact(p(handle))); } catch (Throwable t) { throw rethrow(t); }
    }

    public void setStream(long handle, long stream) {
        try { check(setStream, (int) setStream.handle().invokeExact(p(handle), p(stream))); } catch (Throwable t) { throw rethrow(t); }
    }

    /** DEFAULT keeps float32 GEMMs in full float32; TF32_TENSOR_OP lets them use TF32 tensor cores. */
    public void setMathMode(long handle, MathMode mode) {
        try { check(setMathMode, (int) setMathMode.handle().invokeExact(p(handle), mode.code)); } catch (Throwable t) { throw rethrow(t); }
    }

    // ---- column-major, as cuBLAS defines them -------------------------------------------------

    public void sgemm(long handle, boolean transA, boolean transB, int m, int n, int k, float alpha, long A, int lda,
                      long B, int ldb, float beta, long C, int ldc) {
        try (Arena a = Arena.ofConfined()) {
            check(sgemm, (int) sgemm.handle().invokeExact(p(handle), op(transA), op(transB), m, n, k,
                    a.allocateFrom(ValueLayout.JAVA_FLOAT, alpha), p(A), lda, p(B), ldb,
                    a.allocateFrom(ValueLayout.JAVA_FLOAT, beta), p(C), ldc));
        } catch (Throwable t) { throw rethrow(t); }
    }

    public void sgemmStridedBatched(long handle, boolean transA, boolean transB, int m, int n, int k, float alpha,
                                    long A, int lda, long strideA, long B, int ldb, long strideB, float beta,
                                    long C, int ldc, long strideC, int batch) {
        try (Arena a = Arena.ofConfined()) {
            check(sgemmStridedBatched, (int) sgemmStridedBatched.handle().invokeExact(p(handle), op(transA), op(transB), m, n, k,
                    a.allocateFrom(ValueLayout.JAVA_FLOAT, alpha), p(A), lda, strideA, p(B), ldb, strideB,
                    a.allocateFrom(ValueLayout.JAVA_FLOAT, beta), p(C), ldc, strideC, batch));
        } catch (Throwable t) { throw rethrow(t); }
    }

    /** GemmEx with float alpha/beta (computeType COMPUTE_32F or COMPUTE_32F_FAST_TF32), e.g. BF16 inputs and a BF16 or F32 output. */
    public void gemmEx(long handle, boolean transA, boolean transB, int m, int n, int k, float alpha,
                       long A, int aType, int lda, long B, int bType, int ldb, float beta, long C, int cType, int ldc,
                       int computeType) {
        try (Arena a = Arena.ofConfined()) {
            check(gemmEx, (int) gemmEx.handle().invokeExact(p(handle), op(transA), op(transB), m, n, k,
                    a.allocateFrom(ValueLayout.JAVA_FLOAT, alpha), p(A), aType, lda, p(B), bType, ldb,
                    a.allocateFrom(ValueLayout.JAVA_FLOAT, beta), p(C), cType, ldc, computeType, GEMM_DEFAULT));
        } catch (Throwable t) { throw rethrow(t); }
    }

    public void gemmStridedBatchedEx(long handle, boolean transA, boolean transB, int m, int n, int k, float alpha,
                                     long A, int aType, int lda, long strideA, long B, int bType, int ldb, long strideB,
                                     float beta, long C, int cType, int ldc, long strideC, int batch, int computeType) {
        try (Arena a = Arena.ofConfined()) {
            check(gemmStridedBatchedEx, (int) gemmStridedBatchedEx.handle().invokeExact(p(handle), op(transA), op(transB), m, n, k,
                    a.allocateFrom(ValueLayout.JAVA_FLOAT, alpha), p(A), aType, lda, strideA, p(B), bType, ldb, strideB,
                    a.allocateFrom(ValueLayout.JAVA_FLOAT, beta), p(C), cType, ldc, strideC, batch, computeType, GEMM_DEFAULT));
        } catch (Throwable t) { throw rethrow(t); }
    }

    private static int op(boolean trans) { return trans ? OP_T : OP_N; }

    // ---- row-major: what a tensor library calls ---------------------------------------------------

    /** Row-major {@code C[m,n] = alpha op(A) op(B) + beta C} in float32 (lda/ldb/ldc are row strides). */
    public void rowMajorSgemm(long handle, boolean transA, boolean transB, int m, int n, int k, float alpha,
                              long A, int lda, long B, int ldb, float beta, long C, int ldc) {
        RowMajorGemm g = RowMajorGemm.of(transA, transB, m, n, k, lda, ldb, ldc);
        sgemm(handle, g.transFirst(), g.transSecond(), g.m(), g.n(), g.k(), alpha, B, g.ldFirst(), A, g.ldSecond(), beta, C, g.ldc());
    }

    /** Row-major batched float32 GEMM; strides between matrices are in elements. */
    public void rowMajorSgemmStridedBatched(long handle, boolean transA, boolean transB, int m, int n, int k, float alpha,
                                            long A, int lda, long strideA, long B, int ldb, long strideB, float beta,
                                            long C, int ldc, long strideC, int batch) {
        RowMajorGemm g = RowMajorGemm.of(transA, transB, m, n, k, lda, ldb, ldc);
        sgemmStridedBatched(handle, g.transFirst(), g.transSecond(), g.m(), g.n(), g.k(), alpha,
                B, g.ldFirst(), strideB, A, g.ldSecond(), strideA, beta, C, g.ldc(), strideC, batch);
    }

    /** Row-major GEMM with BF16 inputs, FP32 accumulation, and a C of {@code cType} (CUDA_R_16BF or CUDA_R_32F). */
    public void rowMajorGemmBf16(long handle, boolean transA, boolean transB, int m, int n, int k, float alpha,
                                 long A, int lda, long B, int ldb, float beta, long C, int cType, int ldc) {
        RowMajorGemm g = RowMajorGemm.of(transA, transB, m, n, k, lda, ldb, ldc);
        gemmEx(handle, g.transFirst(), g.transSecond(), g.m(), g.n(), g.k(), alpha, B, CUDA_R_16BF, g.ldFirst(),
                A, CUDA_R_16BF, g.ldSecond(), beta, C, cType, g.ldc(), COMPUTE_32F);
    }

    public void rowMajorGemmBf16StridedBatched(long handle, boolean transA, boolean transB, int m, int n, int k, float alpha,
                                               long A, int lda, long strideA, long B, int ldb, long strideB, float beta,
                                               long C, int cType, int ldc, long strideC, int batch) {
        RowMajorGemm g = RowMajorGemm.of(transA, transB, m, n, k, lda, ldb, ldc);
        gemmStridedBatchedEx(handle, g.transFirst(), g.transSecond(), g.m(), g.n(), g.k(), alpha,
                B, CUDA_R_16BF, g.ldFirst(), strideB, A, CUDA_R_16BF, g.ldSecond(), strideA, beta,
                C, cType, g.ldc(), strideC, batch, COMPUTE_32F);
    }
}
