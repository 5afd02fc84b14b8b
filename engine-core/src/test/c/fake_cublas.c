/* fake_cublas.c: a CPU stand-in for libcublas, for testing the Java cuBLAS bindings and the
 * row-major mapping without a GPU. No cublas_api.h is installed, so the prototypes are written
 * from NVIDIA's cuBLAS documentation, the same source the Java descriptors follow. */
#include <stdint.h>
#include <string.h>

typedef int cublasStatus_t;
typedef void *cublasHandle_t;
typedef void *cudaStream_t;
#define OK 0
#define INVALID_VALUE 7

static int handles, math_mode = -1;
cublasStatus_t cublasCreate_v2(cublasHandle_t *h) { *h = (cublasHandle_t)(uintptr_t)(0x100 + ++handles); return OK; }
cublasStatus_t cublasDestroy_v2(cublasHandle_t h) { (void)h; return OK; }
cublasStatus_t cublasSetStream_v2(cublasHandle_t h, cudaStream_t s) { (void)h; (void)s; return OK; }
cublasStatus_t cublasSetMathMode(cublasHandle_t h, int mode) { (void)h; if (mode != 0 && mode != 3) return INVALID_VALUE; math_mode = mode; return OK; }
int fakecublas_math_mode(void) { return math_mode; }
const char *cublasGetStatusName(cublasStatus_t s) { return s == INVALID_VALUE ? "CUBLAS_STATUS_INVALID_VALUE" : "CUBLAS_STATUS_?"; }
const char *cublasGetStatusString(cublasStatus_t s) { (void)s; return "fake cublas error"; }

/* Column-major C = alpha op(A) op(B) + beta C, as BLAS defines sgemm. */
static void gemm(int ta, int tb, int m, int n, int k, float alpha, const float *A, int lda, const float *B, int ldb,
                 float beta, float *C, int ldc) {
    for (int j = 0; j < n; j++)
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int p = 0; p < k; p++) s += (double)(ta ? A[p + i * lda] : A[i + p * lda]) * (tb ? B[j + p * ldb] : B[p + j * ldb]);
            C[i + j * ldc] = (float)(alpha * s + (beta == 0 ? 0 : beta * C[i + j * ldc]));
        }
}

cublasStatus_t cublasSgemm_v2(cublasHandle_t h, int ta, int tb, int m, int n, int k, const float *alpha, const float *A, int lda,
                              const float *B, int ldb, const float *beta, float *C, int ldc) {
    (void)h;
    if (lda < (ta ? k : m) || ldb < (tb ? n : k) || ldc < m) return INVALID_VALUE;
    gemm(ta, tb, m, n, k, *alpha, A, lda, B, ldb, *beta, C, ldc);
    return OK;
}

cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t h, int ta, int tb, int m, int n, int k, const float *alpha,
                                         const float *A, int lda, long long sA, const float *B, int ldb, long long sB,
                                         const float *beta, float *C, int ldc, long long sC, int batch) {
    for (int b = 0; b < batch; b++) {
        cublasStatus_t r = cublasSgemm_v2(h, ta, tb, m, n, k, alpha, A + b * sA, lda, B + b * sB, ldb, beta, C + b * sC, ldc);
        if (r != OK) return r;
    }
    return OK;
}

/* GemmEx for BF16 (CUDA_R_16BF = 14) A and B, FP32 (0) C, compute CUBLAS_COMPUTE_32F (68). */
static float bf16(uint16_t v) { uint32_t u = (uint32_t)v << 16; float f; memcpy(&f, &u, 4); return f; }
cublasStatus_t cublasGemmEx(cublasHandle_t h, int ta, int tb, int m, int n, int k, const void *alpha, const void *A, int at, int lda,
                            const void *B, int bt, int ldb, const void *beta, void *C, int ct, int ldc, int compute, int algo) {
    (void)h; (void)algo;
    if (at != 14 || bt != 14 || ct != 0 || compute != 68) return INVALID_VALUE;
    const uint16_t *a = A, *b = B; float *c = C;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int p = 0; p < k; p++) s += (double)bf16(ta ? a[p + i * lda] : a[i + p * lda]) * bf16(tb ? b[j + p * ldb] : b[p + j * ldb]);
            c[i + j * ldc] = (float)(*(const float *)alpha * s + *(const float *)beta * c[i + j * ldc]);
        }
    return OK;
}
