// gemm.cuh: batched float32 GEMM, row-major C[z] = A[z] x B[z] for z < batch (gridDim.z), with
// A [M, K] and B [K, N] read through element strides (row, column, batch; any of them may be 0:
// a batch stride of 0 broadcasts one matrix over the batch) and C contiguous [batch, M, N].
// The fallback where cuBLAS is absent (and the path the host emulator runs), so correctness
// first: no assumption on strides or alignment, every size (M, N, K not multiples of the tile,
// K = 0 writes zeros), accumulation in float in ascending k, the same for every launch.
// CPU twin and reference: org.voxelforge.core.Backend#matmul (core.cpu.CpuMatmul / Sgemm).
// Java launcher: org.voxelforge.core.cuda.GemmKernels.
//
// Block tile BM x BN = 64 x 64 outputs, K walked in steps of BK = 16, 256 threads. Thread
// (ty, tx) = (tid / 16, tid % 16) owns the 4x4 register tile rows 4*ty + i, columns 4*tx + j
// (i, j < 4): four consecutive floats of each staged row, so the reads of As / Bs can be 128-bit
// and a half warp stores 64 consecutive floats of a C row.
// Staging: per K step every thread loads 4 elements of A's 64 x 16 tile and 4 of B's 16 x 64 tile.
// The walk is chosen per operand so that neighbouring threads read neighbouring addresses: along
// K when A's column stride is 1 (row-major A), along M otherwise (a transposed A has row stride 1);
// along N when B's column stride is 1, along K otherwise. Elements outside [M) x [K) and [K) x [N)
// are staged as 0, so edge tiles need no special path and padded K adds exact zeros (0 * 0).
// The next K step's 8 values are loaded into registers before the current step's multiply-adds
// (a register prefetch: global latency overlaps arithmetic with one shared buffer).
// Shared memory (static): As[BK][BM + 4] and Bs[BK][BN + 4] floats (rows stay 16-byte aligned; the
// pad spreads the column-walk stores over banks), 2 * 16 * 68 * 4 = 8704 bytes.
// ptxas -v (CUDA 13.0, target/ptxas-report.txt): 78 registers on sm_80, 80 on sm_90, no spills,
// so 3 blocks of 256 threads per SM; the PTX reads As / Bs with ld.shared.v4 (2 per 16 FMAs).
// Not measured on a GPU yet (none was lent to the session that wrote it).
#pragma once

#define VF_GEMM_BM 64
#define VF_GEMM_BN 64
#define VF_GEMM_BK 16
#define VF_GEMM_PAD 4
#define VF_GEMM_THREADS 256

VF_KERNEL void vf_gemm_f32(const float* __restrict__ a, int64_t aBatch, int64_t aRow, int64_t aCol,
                           const float* __restrict__ b, int64_t bBatch, int64_t bRow, int64_t bCol,
                           float* __restrict__ c, int M, int N, int K) {
    __align__(16) __shared__ float As[VF_GEMM_BK][VF_GEMM_BM + VF_GEMM_PAD];
    __align__(16) __shared__ float Bs[VF_GEMM_BK][VF_GEMM_BN + VF_GEMM_PAD];
    const int tid = threadIdx.x, ty = tid / 16, tx = tid % 16;
    const int m0 = blockIdx.y * VF_GEMM_BM, n0 = blockIdx.x * VF_GEMM_BN;
    const int64_t z = blockIdx.z;
    a += z * aBatch;
    b += z * bBatch;
    c += z * (int64_t)M * N;

    // The tile coordinates this thread stages: A element h is (am + h * amStep, ak + h * akStep)
    // of the tile, B element h is (bk + h * bkStep, bn + h * bnStep).
    const bool aAlongK = aCol == 1, bAlongN = bCol == 1;
    const int am = aAlongK ? tid / VF_GEMM_BK : tid % VF_GEMM_BM, ak = aAlongK ? tid % VF_GEMM_BK : tid / VF_GEMM_BM;
    const int amStep = aAlongK ? 16 : 0, akStep = aAlongK ? 0 : 4;
    const int bn = bAlongN ? tid % VF_GEMM_BN : tid / VF_GEMM_BK, bk = bAlongN ? tid / VF_GEMM_BN : tid % VF_GEMM_BK;
    const int bnStep = bAlongN ? 0 : 16, bkStep = bAlongN ? 4 : 0;

    float ra[4], rb[4];
    // stage(k0): this thread's 8 values of the K step starting at k0, 0 outside the matrices
#define VF_GEMM_LOAD(k0)                                                                          \
    _Pragma("unroll") for (int h = 0; h < 4; h++) {                                               \
        const int m = m0 + am + h * amStep, k = (k0) + ak + h * akStep;                           \
        ra[h] = (m < M && k < K) ? a[(int64_t)m * aRow + (int64_t)k * aCol] : 0.f;                \
        const int kb = (k0) + bk + h * bkStep, n = n0 + bn + h * bnStep;                          \
        rb[h] = (kb < K && n < N) ? b[(int64_t)kb * bRow + (int64_t)n * bCol] : 0.f;              \
    }
#define VF_GEMM_STORE()                                                                           \
    _Pragma("unroll") for (int h = 0; h < 4; h++) {                                               \
        As[ak + h * akStep][am + h * amStep] = ra[h];                                             \
        Bs[bk + h * bkStep][bn + h * bnStep] = rb[h];                                             \
    }

    float acc[4][4] = {};
    if (K > 0) {
        VF_GEMM_LOAD(0)
        VF_GEMM_STORE()
        __syncthreads();
    }
    for (int k0 = 0; k0 < K; k0 += VF_GEMM_BK) {
        const bool more = k0 + VF_GEMM_BK < K;
        if (more) { VF_GEMM_LOAD(k0 + VF_GEMM_BK) }
#pragma unroll
        for (int k = 0; k < VF_GEMM_BK; k++) {
            float x[4], y[4];
#pragma unroll
            for (int i = 0; i < 4; i++) x[i] = As[k][4 * ty + i];
#pragma unroll
            for (int j = 0; j < 4; j++) y[j] = Bs[k][4 * tx + j];
#pragma unroll
            for (int i = 0; i < 4; i++)
#pragma unroll
                for (int j = 0; j < 4; j++) acc[i][j] += x[i] * y[j];
        }
        __syncthreads();
        if (more) {
            VF_GEMM_STORE()
            __syncthreads();
        }
    }
#undef VF_GEMM_LOAD
#undef VF_GEMM_STORE

#pragma unroll
    for (int i = 0; i < 4; i++) {
        const int m = m0 + 4 * ty + i;
        if (m >= M) continue;
#pragma unroll
        for (int j = 0; j < 4; j++) {
            const int n = n0 + 4 * tx + j;
            if (n < N) c[(int64_t)m * N + n] = acc[i][j];
        }
    }
}
