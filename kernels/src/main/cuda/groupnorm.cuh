// groupnorm.cuh: group norm fused with the per-channel affine and LeakyReLU, float32 NCDHW and
// NDHWC (channels last, at the end of this file), forward and backward. Instance norm is groups == channels; slope 1 means no activation.
// CPU twin and reference: org.voxelforge.core.fused.GroupNormAct (same chunks, same shifted
// partial sums, same finalize formulas; only the order of float additions inside a chunk differs).
//
// x is [N, C, S] (S = D*H*W); group g of sample n is the contiguous range of M = (C/G)*S
// elements starting at (n*C + g*C/G)*S. Forward:
//   vf_gn_stats_partial_f32  grid (chunks, N*G): per block, float sums of (x - K) and (x - K)^2
//                            over one chunk of the group, K = the group's first element (the
//                            shift keeps E[d^2] - E[d]^2 from cancelling when |mean| >> std)
//   vf_gn_stats_finalize_f32 one thread per (n, g): chunk partials summed in double ->
//                            mean = K + s1/M, biased var = s2/M - (s1/M)^2, rstd = 1/sqrt(var + eps)
//   vf_gn_forward_f32        grid (.., N*C): pre = (x - mean) * (rstd*gamma) + beta, y = leaky(pre)
// Backward (saved: mean, rstd per (n, g); pre-activation recomputed from x):
//   vf_gn_backward_reduce_f32   grid (chunks, N*C): d = dy * leaky'(pre), float block sums of d
//                               and d*xhat over a chunk of the channel
//   vf_gn_backward_finalize_f32 dgamma[c], dbeta[c] (sums over n and chunks, in double) and per
//                               (n, g): A/M = sum_c gamma_c sum d / M, B/M = sum_c gamma_c sum d*xhat / M
//   vf_gn_backward_dx_f32       dx = rstd * (d*gamma - A/M - xhat * B/M)
#pragma once

// The activation after the affine: LeakyReLU, and for slope 0 exactly relu's values (+0, not
// -0, below zero; NaN kept), so that a fused norm + relu equals the two ops bit for bit.
__device__ __forceinline__ float vf_gn_act(float pre, float slope) {
    return pre > 0.f ? pre : (slope == 0.f ? (isnan(pre) ? pre : 0.f) : pre * slope);
}

// The gradient through the activation: dy where pre > 0, else dy * slope.
__device__ __forceinline__ float vf_gn_dact(float pre, float dy, float slope) {
    return pre > 0.f ? dy : dy * slope;
}

// dx of one element: rstd * (d*gamma - A/M - xhat * B/M), with centered = x - mean.
__device__ __forceinline__ float vf_gn_dx(float d, float centered, float r, float gm, float ca, float cb) {
    return r * (d * gm - ca - centered * r * cb);
}

// mean = K + s1/M, biased var = s2/M - (s1/M)^2 clamped at 0, rstd = 1/sqrt(var + eps), from the
// double sums s1, s2 of d = x - K over the M elements of one (n, g).
__device__ __forceinline__ void vf_gn_finish_stats(double s1, double s2, double M, float shift, double eps,
                                                   float* mean, float* rstd) {
    double m = s1 / M;
    double var = s2 / M - m * m;
    if (var < 0) var = 0;
    *mean = (float)((double)shift + m);
    *rstd = (float)(1.0 / sqrt(var + eps));
}

VF_KERNEL void vf_gn_stats_partial_f32(const float* __restrict__ x, float* __restrict__ partials,
                                       int64_t groupLen, int64_t chunkLen) {
    __shared__ float scratch[32];
    const int64_t ng = blockIdx.y;
    const float* g = x + ng * groupLen;
    const float shift = g[0];
    VF_CHUNK_BOUNDS(lo, hi, blockIdx.x, chunkLen, groupLen);
    float s1 = 0.f, s2 = 0.f;
    for (int64_t i = lo + threadIdx.x; i < hi; i += blockDim.x) {
        float d = g[i] - shift;
        s1 += d;
        s2 += d * d;
    }
    s1 = vf_block_sum_f32(s1, scratch);
    s2 = vf_block_sum_f32(s2, scratch);
    if (threadIdx.x == 0) {
        float* p = partials + (ng * gridDim.x + blockIdx.x) * 2;
        p[0] = s1;
        p[1] = s2;
    }
}

VF_KERNEL void vf_gn_stats_finalize_f32(const float* __restrict__ x, const float* __restrict__ partials,
                                        float* __restrict__ mean, float* __restrict__ rstd,
                                        int64_t groupLen, int chunks, int groupCount, double eps) {
    VF_FOR_EACH(ng, groupCount) {
        double s1 = 0, s2 = 0;
        for (int k = 0; k < chunks; k++) {
            s1 += partials[(ng * chunks + k) * 2];
            s2 += partials[(ng * chunks + k) * 2 + 1];
        }
        vf_gn_finish_stats(s1, s2, (double)groupLen, x[ng * groupLen], eps, mean + ng, rstd + ng);
    }
}

// The 2-D grid-stride loops below: y walks the N*C channels, x the S voxels of one channel.
#define VF_FOR_EACH_CHANNEL(nc, count) for (int64_t nc = blockIdx.y; nc < (count); nc += gridDim.y)
#define VF_FOR_EACH_VOXEL(s, n) \
    for (int64_t s = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; s < (n); s += (int64_t)blockDim.x * gridDim.x)

VF_KERNEL void vf_gn_forward_f32(const float* __restrict__ x, const float* __restrict__ gamma, const float* __restrict__ beta,
                                 const float* __restrict__ mean, const float* __restrict__ rstd, float* __restrict__ y,
                                 int N, int C, int G, int64_t S, float slope) {
    VF_FOR_EACH_CHANNEL(nc, (int64_t)N * C) {
        const int c = (int)(nc % C);
        const int64_t ng = nc / C * G + c / (C / G);
        const float mu = mean[ng], a = rstd[ng] * gamma[c], b = beta[c];
        const float* xc = x + nc * S;
        float* yc = y + nc * S;
        VF_FOR_EACH_VOXEL(s, S) {
            float pre = (xc[s] - mu) * a + b;
            yc[s] = vf_gn_act(pre, slope);
        }
    }
}

// partials: [N*C][chunks][2] = (sum d, sum d*xhat) over chunk k of channel (n, c); chunks = gridDim.x.
VF_KERNEL void vf_gn_backward_reduce_f32(const float* __restrict__ x, const float* __restrict__ dy,
                                         const float* __restrict__ gamma, const float* __restrict__ beta,
                                         const float* __restrict__ mean, const float* __restrict__ rstd,
                                         float* __restrict__ partials, int C, int G, int64_t S, int64_t chunkLen, float slope) {
    __shared__ float scratch[32];
    const int64_t nc = blockIdx.y;
    const int c = (int)(nc % C);
    const int64_t ng = nc / C * G + c / (C / G);
    const float mu = mean[ng], r = rstd[ng], a = r * gamma[c], b = beta[c];
    const float* xc = x + nc * S;
    const float* dyc = dy + nc * S;
    VF_CHUNK_BOUNDS(lo, hi, blockIdx.x, chunkLen, S);
    float s1 = 0.f, s2 = 0.f;
    for (int64_t i = lo + threadIdx.x; i < hi; i += blockDim.x) {
        float centered = xc[i] - mu;
        float pre = centered * a + b;
        float d = pre > 0.f ? dyc[i] : dyc[i] * slope;
        s1 += d;
        s2 += d * (centered * r);
    }
    s1 = vf_block_sum_f32(s1, scratch);
    s2 = vf_block_sum_f32(s2, scratch);
    if (threadIdx.x == 0) {
        float* p = partials + (nc * gridDim.x + blockIdx.x) * 2;
        p[0] = s1;
        p[1] = s2;
    }
}

// One thread per index i < max(C, N*G): i < C writes dgamma[i], dbeta[i]; i < N*G writes
// coef[2i] = A/M, coef[2i+1] = B/M for (n, g) = (i / G, i % G).
VF_KERNEL void vf_gn_backward_finalize_f32(const float* __restrict__ partials, const float* __restrict__ gamma,
                                           float* __restrict__ coef, float* __restrict__ dgamma, float* __restrict__ dbeta,
                                           int N, int C, int G, int64_t S, int chunks) {
    const int64_t count = C > N * G ? C : N * G;
    VF_FOR_EACH(i, count) {
        if (i < C) {
            double db = 0, dg = 0;
            for (int n = 0; n < N; n++) {
                const float* p = partials + ((int64_t)n * C + i) * chunks * 2;
                for (int k = 0; k < chunks; k++) { db += p[2 * k]; dg += p[2 * k + 1]; }
            }
            dbeta[i] = (float)db;
            dgamma[i] = (float)dg;
        }
        if (i < (int64_t)N * G) {
            const int n = (int)(i / G), g = (int)(i % G), cg = C / G;
            double A = 0, B = 0;
            for (int c = g * cg; c < (g + 1) * cg; c++) {
                const float* p = partials + ((int64_t)n * C + c) * chunks * 2;
                double sa = 0, sb = 0;
                for (int k = 0; k < chunks; k++) { sa += p[2 * k]; sb += p[2 * k + 1]; }
                A += (double)gamma[c] * sa;
                B += (double)gamma[c] * sb;
            }
            const double M = (double)cg * (double)S;
            coef[2 * i] = (float)(A / M);
            coef[2 * i + 1] = (float)(B / M);
        }
    }
}

VF_KERNEL void vf_gn_backward_dx_f32(const float* __restrict__ x, const float* __restrict__ dy,
                                     const float* __restrict__ gamma, const float* __restrict__ beta,
                                     const float* __restrict__ mean, const float* __restrict__ rstd,
                                     const float* __restrict__ coef, float* __restrict__ dx,
                                     int N, int C, int G, int64_t S, float slope) {
    VF_FOR_EACH_CHANNEL(nc, (int64_t)N * C) {
        const int c = (int)(nc % C);
        const int64_t ng = nc / C * G + c / (C / G);
        const float mu = mean[ng], r = rstd[ng], gm = gamma[c], a = r * gm, b = beta[c];
        const float ca = coef[2 * ng], cb = coef[2 * ng + 1];
        const float* xc = x + nc * S;
        const float* dyc = dy + nc * S;
        float* dxc = dx + nc * S;
        VF_FOR_EACH_VOXEL(s, S) {
            float centered = xc[s] - mu;
            float pre = centered * a + b;
            dxc[s] = vf_gn_dx(vf_gn_dact(pre, dyc[s], slope), centered, r, gm, ca, cb);
        }
    }
}

// ---- NDHWC (channels last): x is [N, S, C], channel fastest ----------------------------------
//
// A block covers one (n, tile of voxels) and all C channels, its threads laid out as `rows` voxels
// x `cw` channels with the channel fastest (cw = min(C, blockDim.x), rows = blockDim.x / cw), so a
// warp reads consecutive addresses and a thread keeps one channel (per tile of cw channels when
// C > blockDim.x) across the voxels it walks: s = first + r, first + r + rows, ... Per-(n, c)
// statistics of a voxel chunk therefore never leave their block (no atomics): each thread sums
// its voxels in float, then thread r = 0 of each channel adds the rows' sums in order r = 0, 1, ...
// (vf_gn_ndhwc_rows_sum). The reductions cut S into chunks of `chunkVoxels` (GroupNormAct.voxelChunk)
// and write partials [N*C][chunks][2], the layout vf_gn_backward_finalize_f32 reads, so the
// backward shares that kernel. Forward:
//   vf_gn_stats_partial_ndhwc_f32  grid (chunks, N): per (n, c, chunk) float sums of d = x - K and d^2,
//                                  K = x[n, voxel 0, first channel of c's group]
//   vf_gn_stats_finalize_ndhwc_f32 one thread per (n, g): sums over the group's channels, then chunks,
//                                  in double -> vf_gn_finish_stats
//   vf_gn_forward_ndhwc_f32        grid (voxel tiles, N): y = leaky((x - mean) * (rstd*gamma) + beta)
// Backward: vf_gn_backward_reduce_ndhwc_f32 (grid (chunks, N), per (n, c, chunk) sums of d and
// d*xhat), vf_gn_backward_finalize_f32 (shared), vf_gn_backward_dx_ndhwc_f32 (grid (voxel tiles, N)).

// The thread layout above: channel lane cl, voxel row r; threads with r >= rows sit out the loads.
struct VfGnLanes {
    int cw, rows, cl, r;
    bool active;
};

__device__ __forceinline__ VfGnLanes vf_gn_ndhwc_lanes(int C) {
    VfGnLanes l;
    l.cw = C < (int)blockDim.x ? C : (int)blockDim.x;
    l.rows = (int)blockDim.x / l.cw;
    l.cl = (int)threadIdx.x % l.cw;
    l.r = (int)threadIdx.x / l.cw;
    l.active = l.r < l.rows;
    return l;
}

// Sums (s1, s2) over the rows of each channel lane, in row order; valid in threads 0..cw-1 (row 0,
// lane threadIdx.x). tile: a __shared__ array of 2 * blockDim.x floats. Every thread must call it.
__device__ __forceinline__ void vf_gn_ndhwc_rows_sum(float& s1, float& s2, float* tile, const VfGnLanes& l) {
    __syncthreads(); // tile may still be read by a previous call
    tile[2 * threadIdx.x] = s1;
    tile[2 * threadIdx.x + 1] = s2;
    __syncthreads();
    if ((int)threadIdx.x < l.cw) {
        s1 = 0.f;
        s2 = 0.f;
        for (int r = 0; r < l.rows; r++) {
            s1 += tile[2 * (r * l.cw + threadIdx.x)];
            s2 += tile[2 * (r * l.cw + threadIdx.x) + 1];
        }
    }
}

// vf_gn_ndhwc_rows_sum, then partials[(nc, chunk blockIdx.x)] = (s1, s2) from row 0 of the lane of
// channel nc (when `valid`: a lane past C holds nothing). The layout is [N*C][chunks = gridDim.x][2].
__device__ __forceinline__ void vf_gn_ndhwc_store_partials(float s1, float s2, float* tile, const VfGnLanes& l,
                                                           float* __restrict__ partials, int64_t nc, bool valid) {
    vf_gn_ndhwc_rows_sum(s1, s2, tile, l);
    if ((int)threadIdx.x < l.cw && valid) {
        float* p = partials + (nc * gridDim.x + blockIdx.x) * 2;
        p[0] = s1;
        p[1] = s2;
    }
}

#define VF_GN_MAX_THREADS 1024

// partials: [N*C][chunks][2]; chunks = gridDim.x, n = blockIdx.y.
VF_KERNEL void vf_gn_stats_partial_ndhwc_f32(const float* __restrict__ x, float* __restrict__ partials,
                                             int C, int G, int64_t S, int64_t chunkVoxels) {
    __shared__ float tile[2 * VF_GN_MAX_THREADS];
    const VfGnLanes l = vf_gn_ndhwc_lanes(C);
    const int64_t n = blockIdx.y;
    const int cg = C / G;
    const float* xn = x + n * S * C;
    VF_CHUNK_BOUNDS(lo, hi, blockIdx.x, chunkVoxels, S);
    for (int cbase = 0; cbase < C; cbase += l.cw) {
        const int c = cbase + l.cl;
        float s1 = 0.f, s2 = 0.f;
        if (l.active && c < C) {
            const float shift = xn[c / cg * cg];
            for (int64_t s = lo + l.r; s < hi; s += l.rows) {
                float d = xn[s * C + c] - shift;
                s1 += d;
                s2 += d * d;
            }
        }
        vf_gn_ndhwc_store_partials(s1, s2, tile, l, partials, n * C + c, c < C);
    }
}

VF_KERNEL void vf_gn_stats_finalize_ndhwc_f32(const float* __restrict__ x, const float* __restrict__ partials,
                                              float* __restrict__ mean, float* __restrict__ rstd,
                                              int N, int C, int G, int64_t S, int chunks, double eps) {
    VF_FOR_EACH(ng, (int64_t)N * G) {
        const int64_t n = ng / G;
        const int cg = C / G, c0 = (int)(ng % G) * cg;
        double s1 = 0, s2 = 0;
        for (int c = c0; c < c0 + cg; c++) {
            const float* p = partials + (n * C + c) * chunks * 2;
            for (int k = 0; k < chunks; k++) {
                s1 += p[2 * k];
                s2 += p[2 * k + 1];
            }
        }
        vf_gn_finish_stats(s1, s2, (double)cg * (double)S, x[n * S * C + c0], eps, mean + ng, rstd + ng);
    }
}

// The voxel loop of the elementwise NDHWC kernels: tiles of `rows` voxels, grid-stride over gridDim.x.
#define VF_GN_NDHWC_VOXELS(s, l, S) \
    for (int64_t s = (int64_t)blockIdx.x * (l).rows + (l).r; s < (S); s += (int64_t)gridDim.x * (l).rows)

VF_KERNEL void vf_gn_forward_ndhwc_f32(const float* __restrict__ x, const float* __restrict__ gamma, const float* __restrict__ beta,
                                       const float* __restrict__ mean, const float* __restrict__ rstd, float* __restrict__ y,
                                       int C, int G, int64_t S, float slope) {
    const VfGnLanes l = vf_gn_ndhwc_lanes(C);
    if (!l.active) return; // no barriers below
    const int64_t n = blockIdx.y;
    for (int c = l.cl; c < C; c += l.cw) {
        const int64_t ng = n * G + c / (C / G);
        const float mu = mean[ng], a = rstd[ng] * gamma[c], b = beta[c];
        const float* xc = x + n * S * C + c;
        float* yc = y + n * S * C + c;
        VF_GN_NDHWC_VOXELS(s, l, S) {
            float pre = (xc[s * C] - mu) * a + b;
            yc[s * C] = vf_gn_act(pre, slope);
        }
    }
}

// partials: [N*C][chunks][2] = (sum d, sum d*xhat) over chunk k of channel (n, c); chunks = gridDim.x.
VF_KERNEL void vf_gn_backward_reduce_ndhwc_f32(const float* __restrict__ x, const float* __restrict__ dy,
                                               const float* __restrict__ gamma, const float* __restrict__ beta,
                                               const float* __restrict__ mean, const float* __restrict__ rstd,
                                               float* __restrict__ partials, int C, int G, int64_t S, int64_t chunkVoxels,
                                               float slope) {
    __shared__ float tile[2 * VF_GN_MAX_THREADS];
    const VfGnLanes l = vf_gn_ndhwc_lanes(C);
    const int64_t n = blockIdx.y;
    VF_CHUNK_BOUNDS(lo, hi, blockIdx.x, chunkVoxels, S);
    for (int cbase = 0; cbase < C; cbase += l.cw) {
        const int c = cbase + l.cl;
        float s1 = 0.f, s2 = 0.f;
        if (l.active && c < C) {
            const int64_t ng = n * G + c / (C / G);
            const float mu = mean[ng], r = rstd[ng], a = r * gamma[c], b = beta[c];
            const float* xc = x + n * S * C + c;
            const float* dyc = dy + n * S * C + c;
            for (int64_t s = lo + l.r; s < hi; s += l.rows) {
                float centered = xc[s * C] - mu;
                float d = vf_gn_dact(centered * a + b, dyc[s * C], slope);
                s1 += d;
                s2 += d * (centered * r);
            }
        }
        vf_gn_ndhwc_store_partials(s1, s2, tile, l, partials, n * C + c, c < C);
    }
}

VF_KERNEL void vf_gn_backward_dx_ndhwc_f32(const float* __restrict__ x, const float* __restrict__ dy,
                                           const float* __restrict__ gamma, const float* __restrict__ beta,
                                           const float* __restrict__ mean, const float* __restrict__ rstd,
                                           const float* __restrict__ coef, float* __restrict__ dx,
                                           int C, int G, int64_t S, float slope) {
    const VfGnLanes l = vf_gn_ndhwc_lanes(C);
    if (!l.active) return; // no barriers below
    const int64_t n = blockIdx.y;
    for (int c = l.cl; c < C; c += l.cw) {
        const int64_t ng = n * G + c / (C / G);
        const float mu = mean[ng], r = rstd[ng], gm = gamma[c], a = r * gm, b = beta[c];
        const float ca = coef[2 * ng], cb = coef[2 * ng + 1];
        const float* xc = x + n * S * C + c;
        const float* dyc = dy + n * S * C + c;
        float* dxc = dx + n * S * C + c;
        VF_GN_NDHWC_VOXELS(s, l, S) {
            float centered = xc[s * C] - mu;
            float pre = centered * a + b;
            dxc[s * C] = vf_gn_dx(vf_gn_dact(pre, dyc[s * C], slope), centered, r, gm, ca, cb);
        }
    }
}
