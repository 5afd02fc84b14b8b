// conv3d.cuh: 3D convolution (cross-correlation, PyTorch's conv3d) as implicit GEMM, float32 in
// and out, float32 accumulation, NCDHW or NDHWC activations, weight [Cout, Cin/G, kD, kH, kW] in
// both; any stride, zero padding, dilation and group count. The fallback when cuDNN is absent or
// refused.
// CPU twin and reference: org.voxelforge.core.Backend#conv3d / conv3dBackwardData /
// conv3dBackwardWeight (the float64 direct loops of core.cpu.Conv3dDirect). Launchers and shape
// checks: org.voxelforge.core.cuda.ConvKernels.
//
// Notation: cg = Cin/G, og = Cout/G input/output channels per group, kvol = kD*kH*kW taps,
// P = D'*H'*W' output voxels, Q = D*H*W input voxels; in(p, t) = p*stride - pad + t*dilation per
// axis (the input voxel that tap t of output voxel p reads; zero outside the input).
//
// Layout (the last geometry parameter CL, one flag for both activations: x/dx and y/dy): element
// (n, c, voxel v) of an activation with Cn channels and V voxels per channel lies at
//   CL = 0, NCDHW: n*Cn*V + c*V + v          (channel stride V, voxel stride 1)
//   CL = 1, NDHWC: n*Cn*V + v*Cn + c         (channel stride 1, voxel stride Cn: channels-last)
// The kernels address every activation through these two strides (vf_conv_layout) and nothing
// else changes: the same tiles, the same K order (ci, t), the same summation order, so a layout
// changes which address a value comes from, never the result. NDHWC is correct, not tuned: the 16
// lanes of a half warp then read and write addresses Cn floats apart instead of adjacent ones.
//
// The three GEMMs (every one a block tile of BM x BN outputs, K walked in steps of BK):
//   forward       y[n, g*og+m, p]  = bias + sum_{k=(ci,t)}  w[g*og+m, ci, t] * x[n, g*cg+ci, in(p, t)]
//                 M = og, N = P, K = cg*kvol; grid (ceil(P/BN), ceil(og/BM), N*G)
//   backward data dx[n, g*cg+m, q] = sum_{k=(co,t)}  w[g*og+co, m, t] * dy[n, g*og+co, p(q, t)]
//                 where p(q, t) is the output voxel with in(p, t) = q: on each axis
//                 (q + pad - t*dil) must be >= 0, divisible by the stride, and /stride < D' (else 0).
//                 A gather over output voxels: every dx element is written once, no atomics.
//                 M = cg, N = Q, K = og*kvol; grid (ceil(Q/BN), ceil(cg/BM), N*G)
//                 (with stride s, only about 1/s^3 of the gathered taps are non-zero: correct, not fast)
//   backward weight partial[s][g*og+m, c=(ci,t)] = sum_{k=(n,p) in split s} dy[n, g*og+m, p] * x[n, g*cg+ci, in(p, t)]
//                 M = og, N = cg*kvol, K = N*P cut into `splits` contiguous ranges of whole BK steps;
//                 grid (ceil(cg*kvol/BN), ceil(og/BM), G*splits). Then vf_conv3d_bwd_weight_reduce_f32
//                 sums the splits of each weight element in split order, in double (deterministic).
//
// Block tile: BM = BN = 64, BK = 8, 256 threads. Thread (ty, tx) = (tid / 16, tid % 16) owns the
// 4x4 register tile rows ty + 16i, columns tx + 16j (i, j < 4): strided, so that the 16 lanes of
// a half warp read 16 consecutive floats of the B tile and store 16 consecutive outputs (adjacent
// in memory for NCDHW).
// Shared memory (static): As[BK][BM] and Bs[BK][BN] floats, 2 * 8 * 64 * 4 = 4096 bytes. Per K
// step every thread stages 2 elements of A and 2 of B: for B, the column (tid % 64) is fixed per
// thread (its voxel's or tap's coordinates are computed once) and the rows are tid / 64 and
// tid / 64 + 4; for A, rows m = tid / 8 and tid / 8 + 32, column tid % 8 (8 consecutive floats of
// K, contiguous in memory for the forward GEMM's weight and, in NCDHW, the weight GEMM's dy).
// Out-of-range rows, columns and K are staged as 0, so edge tiles need no special path; every
// thread reaches every barrier.
// Registers: 16 accumulators + 8 operands + the fixed column's coordinates; ptxas -v (CUDA 13.0,
// target/ptxas-report.txt) gives 56-58 registers and 4096 bytes of static shared memory per
// kernel on sm_80 and sm_90, no spills, so 4 blocks of 256 threads fit an SM's 64K registers
// (no __launch_bounds__: EmulatorRegistryTest finds kernels by VF_KERNEL, then void, then the name).
#pragma once

#define VF_CONV_BM 64
#define VF_CONV_BN 64
#define VF_CONV_BK 8
#define VF_CONV_THREADS 256

// The shape and layout of one convolution, as kernel parameters; every kernel below takes these
// 23 ints in this order after its pointers (ConvKernels.Geometry packs them). CL: 0 NCDHW, 1 NDHWC.
#define VF_CONV_GEOMETRY_PARAMS                                                                  \
    int N, int C, int D, int H, int W, int K, int OD, int OH, int OW, int KD, int KH, int KW,    \
        int SD, int SH, int SW, int PD, int PH, int PW, int DD, int DH, int DW, int G, int CL

// The channel and voxel strides of an activation with `channels` channels of `voxels` voxels each.
struct VfConvLayout {
    int64_t channel, voxel;
};
__device__ __forceinline__ VfConvLayout vf_conv_layout(int cl, int channels, int64_t voxels) {
    return cl ? VfConvLayout{1, channels} : VfConvLayout{voxels, 1};
}

// The 4x4 multiply-accumulate of one K step from the staged tiles.
__device__ __forceinline__ void vf_conv_tile_fma(const float (*As)[VF_CONV_BM], const float (*Bs)[VF_CONV_BN],
                                                 int ty, int tx, float acc[4][4]) {
#pragma unroll
    for (int k = 0; k < VF_CONV_BK; k++) {
        float a[4], b[4];
#pragma unroll
        for (int i = 0; i < 4; i++) a[i] = As[k][ty + 16 * i];
#pragma unroll
        for (int j = 0; j < 4; j++) b[j] = Bs[k][tx + 16 * j];
#pragma unroll
        for (int i = 0; i < 4; i++)
#pragma unroll
            for (int j = 0; j < 4; j++) acc[i][j] += a[i] * b[j];
    }
}

// ---- forward ----------------------------------------------------------------------------------

VF_KERNEL void vf_conv3d_fwd_f32(const float* __restrict__ x, const float* __restrict__ w, const float* __restrict__ bias,
                                 float* __restrict__ y, VF_CONV_GEOMETRY_PARAMS) {
    __shared__ float As[VF_CONV_BK][VF_CONV_BM];
    __shared__ float Bs[VF_CONV_BK][VF_CONV_BN];
    const int tid = threadIdx.x, ty = tid / 16, tx = tid % 16;
    const int cg = C / G, og = K / G, kvol = KD * KH * KW, kdim = cg * kvol;
    const int P = OD * OH * OW, HW = H * W;
    const int64_t Q = (int64_t)D * HW;
    const int n = blockIdx.z / G, g = blockIdx.z % G;  // the grid's z is N*G
    (void)N;
    const int m0 = blockIdx.y * VF_CONV_BM, p0 = blockIdx.x * VF_CONV_BN;
    const VfConvLayout xl = vf_conv_layout(CL, C, Q), yl = vf_conv_layout(CL, K, P);
    const float* xg = x + (int64_t)n * C * Q + (int64_t)g * cg * xl.channel;
    const float* wg = w + (int64_t)g * og * kdim;

    // this thread's B column: output voxel p0 + tid % 64, as the input corner it reads from
    const int bcol = tid % VF_CONV_BN, bp = p0 + bcol;
    const bool bvalid = bp < P;
    const int oz = bvalid ? bp / (OH * OW) : 0, oy = bvalid ? bp / OW % OH : 0, ox = bvalid ? bp % OW : 0;
    const int iz0 = oz * SD - PD, iy0 = oy * SH - PH, ix0 = ox * SW - PW;
    const int arow = tid / VF_CONV_BK, acol = tid % VF_CONV_BK, brow = tid / VF_CONV_BN;

    float acc[4][4] = {};
    for (int k0 = 0; k0 < kdim; k0 += VF_CONV_BK) {
#pragma unroll
        for (int h = 0; h < 2; h++) {
            const int m = m0 + arow + 32 * h, k = k0 + acol;
            As[acol][arow + 32 * h] = (m < og && k < kdim) ? wg[(int64_t)m * kdim + k] : 0.f;
        }
#pragma unroll
        for (int h = 0; h < 2; h++) {
            const int k = k0 + brow + 4 * h;
            float v = 0.f;
            if (bvalid && k < kdim) {
                const int ci = k / kvol, t = k % kvol;
                const int iz = iz0 + t / (KH * KW) * DD, iy = iy0 + t / KW % KH * DH, ix = ix0 + t % KW * DW;
                if ((unsigned)iz < (unsigned)D && (unsigned)iy < (unsigned)H && (unsigned)ix < (unsigned)W)
                    v = xg[ci * xl.channel + ((int64_t)iz * HW + iy * W + ix) * xl.voxel];
            }
            Bs[brow + 4 * h][bcol] = v;
        }
        __syncthreads();
        vf_conv_tile_fma(As, Bs, ty, tx, acc);
        __syncthreads();
    }
    float* yn = y + (int64_t)n * K * P + (int64_t)g * og * yl.channel;
#pragma unroll
    for (int i = 0; i < 4; i++) {
        const int m = m0 + ty + 16 * i;
        if (m >= og) continue;
        const float b = bias ? bias[g * og + m] : 0.f;
#pragma unroll
        for (int j = 0; j < 4; j++) {
            const int p = p0 + tx + 16 * j;
            if (p < P) yn[m * yl.channel + p * yl.voxel] = acc[i][j] + b;
        }
    }
}

// ---- backward data ----------------------------------------------------------------------------

VF_KERNEL void vf_conv3d_bwd_data_f32(const float* __restrict__ dy, const float* __restrict__ w, float* __restrict__ dx,
                                      VF_CONV_GEOMETRY_PARAMS) {
    __shared__ float As[VF_CONV_BK][VF_CONV_BM];
    __shared__ float Bs[VF_CONV_BK][VF_CONV_BN];
    const int tid = threadIdx.x, ty = tid / 16, tx = tid % 16;
    const int cg = C / G, og = K / G, kvol = KD * KH * KW, kdim = og * kvol;
    const int P = OD * OH * OW, OHW = OH * OW, HW = H * W, Q = D * HW;
    const int n = blockIdx.z / G, g = blockIdx.z % G;  // the grid's z is N*G
    (void)N;
    const int m0 = blockIdx.y * VF_CONV_BM, q0 = blockIdx.x * VF_CONV_BN;
    const VfConvLayout xl = vf_conv_layout(CL, C, Q), yl = vf_conv_layout(CL, K, P);
    const float* dyg = dy + (int64_t)n * K * P + (int64_t)g * og * yl.channel;
    const float* wg = w + (int64_t)g * og * cg * kvol;

    // this thread's B column: input voxel q0 + tid % 64, shifted by the padding
    const int bcol = tid % VF_CONV_BN, bq = q0 + bcol;
    const bool bvalid = bq < Q;
    const int qz = bvalid ? bq / HW + PD : 0, qy = bvalid ? bq / W % H + PH : 0, qx = bvalid ? bq % W + PW : 0;
    const int arow = tid / VF_CONV_BK, acol = tid % VF_CONV_BK, brow = tid / VF_CONV_BN;

    float acc[4][4] = {};
    for (int k0 = 0; k0 < kdim; k0 += VF_CONV_BK) {
#pragma unroll
        for (int h = 0; h < 2; h++) {
            const int m = m0 + arow + 32 * h, k = k0 + acol;  // A[m = ci][k = (co, t)] = w[g*og+co, ci, t]
            As[acol][arow + 32 * h] = (m < cg && k < kdim) ? wg[((int64_t)(k / kvol) * cg + m) * kvol + k % kvol] : 0.f;
        }
#pragma unroll
        for (int h = 0; h < 2; h++) {
            const int k = k0 + brow + 4 * h;
            float v = 0.f;
            if (bvalid && k < kdim) {
                const int co = k / kvol, t = k % kvol;
                const int tz = qz - t / (KH * KW) * DD, tyy = qy - t / KW % KH * DH, txx = qx - t % KW * DW;
                if (tz >= 0 && tyy >= 0 && txx >= 0 && tz % SD == 0 && tyy % SH == 0 && txx % SW == 0) {
                    const int oz = tz / SD, oy = tyy / SH, ox = txx / SW;
                    if (oz < OD && oy < OH && ox < OW) v = dyg[co * yl.channel + (int64_t)(oz * OHW + oy * OW + ox) * yl.voxel];
                }
            }
            Bs[brow + 4 * h][bcol] = v;
        }
        __syncthreads();
        vf_conv_tile_fma(As, Bs, ty, tx, acc);
        __syncthreads();
    }
    float* dxn = dx + (int64_t)n * C * Q + (int64_t)g * cg * xl.channel;
#pragma unroll
    for (int i = 0; i < 4; i++) {
        const int m = m0 + ty + 16 * i;
        if (m >= cg) continue;
#pragma unroll
        for (int j = 0; j < 4; j++) {
            const int q = q0 + tx + 16 * j;
            if (q < Q) dxn[m * xl.channel + q * xl.voxel] = acc[i][j];
        }
    }
}

// ---- backward weight ----------------------------------------------------------------------------

// partial: [splits][Cout][cg*kvol]; split s (blockIdx.z / G) covers K steps [s*stepsPerSplit, (s+1)*stepsPerSplit).
VF_KERNEL void vf_conv3d_bwd_weight_partial_f32(const float* __restrict__ dy, const float* __restrict__ x, float* __restrict__ partial,
                                                int stepsPerSplit, VF_CONV_GEOMETRY_PARAMS) {
    __shared__ float As[VF_CONV_BK][VF_CONV_BM];
    __shared__ float Bs[VF_CONV_BK][VF_CONV_BN];
    const int tid = threadIdx.x, ty = tid / 16, tx = tid % 16;
    const int cg = C / G, og = K / G, kvol = KD * KH * KW, ncols = cg * kvol;
    const int P = OD * OH * OW, OHW = OH * OW, HW = H * W;
    const int64_t Q = (int64_t)D * HW, kdim = (int64_t)N * P;
    const int s = blockIdx.z / G, g = blockIdx.z % G;
    const int m0 = blockIdx.y * VF_CONV_BM, c0 = blockIdx.x * VF_CONV_BN;
    const int64_t kbegin = (int64_t)s * stepsPerSplit * VF_CONV_BK;
    const int64_t kend = kbegin + (int64_t)stepsPerSplit * VF_CONV_BK < kdim ? kbegin + (int64_t)stepsPerSplit * VF_CONV_BK : kdim;
    const VfConvLayout xl = vf_conv_layout(CL, C, Q), yl = vf_conv_layout(CL, K, P);

    // this thread's B column: (ci, tap) = c0 + tid % 64, as its channel and the tap's offsets
    const int bcol = tid % VF_CONV_BN, bc = c0 + bcol;
    const bool bvalid = bc < ncols;
    const int ci = bvalid ? bc / kvol : 0, t = bvalid ? bc % kvol : 0;
    const int tz = t / (KH * KW) * DD - PD, tyy = t / KW % KH * DH - PH, txx = t % KW * DW - PW;
    const int arow = tid / VF_CONV_BK, acol = tid % VF_CONV_BK, brow = tid / VF_CONV_BN;

    float acc[4][4] = {};
    for (int64_t k0 = kbegin; k0 < kend; k0 += VF_CONV_BK) {
#pragma unroll
        for (int h = 0; h < 2; h++) {
            const int m = m0 + arow + 32 * h;  // A[m = co][k = (n, p)] = dy[n, g*og+co, p]
            const int64_t k = k0 + acol;
            As[acol][arow + 32 * h] = (m < og && k < kend) ? dy[k / P * K * P + (g * og + m) * yl.channel + k % P * yl.voxel] : 0.f;
        }
#pragma unroll
        for (int h = 0; h < 2; h++) {
            const int64_t k = k0 + brow + 4 * h;
            float v = 0.f;
            if (bvalid && k < kend) {
                const int64_t nn = k / P;
                const int p = (int)(k % P);
                const int iz = p / OHW * SD + tz, iy = p / OW % OH * SH + tyy, ix = p % OW * SW + txx;
                if ((unsigned)iz < (unsigned)D && (unsigned)iy < (unsigned)H && (unsigned)ix < (unsigned)W)
                    v = x[nn * C * Q + (g * cg + ci) * xl.channel + ((int64_t)iz * HW + iy * W + ix) * xl.voxel];
            }
            Bs[brow + 4 * h][bcol] = v;
        }
        __syncthreads();
        vf_conv_tile_fma(As, Bs, ty, tx, acc);
        __syncthreads();
    }
    float* out = partial + ((int64_t)s * K + (int64_t)g * og) * ncols;
#pragma unroll
    for (int i = 0; i < 4; i++) {
        const int m = m0 + ty + 16 * i;
        if (m >= og) continue;
#pragma unroll
        for (int j = 0; j < 4; j++) {
            const int c = c0 + tx + 16 * j;
            if (c < ncols) out[(int64_t)m * ncols + c] = acc[i][j];
        }
    }
}

// dw[i] = sum over splits s = 0, 1, ... of partial[s][i], in double, i < count = numel(w).
VF_KERNEL void vf_conv3d_bwd_weight_reduce_f32(const float* __restrict__ partial, float* __restrict__ dw,
                                               int64_t count, int splits) {
    VF_FOR_EACH(i, count) {
        double sum = 0;
        for (int s = 0; s < splits; s++) sum += partial[(int64_t)s * count + i];
        dw[i] = (float)sum;
    }
}
