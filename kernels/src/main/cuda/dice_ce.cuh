// dice_ce.cuh: softmax + region-loss statistics in one pass over the logits, and the backward pass
// that recomputes the softmax. Logits [N, C, S] float32, labels [N, S] int32, optional voxel mask
// [N, S] float (0 = unannotated: the voxel adds nothing and gets a zero gradient; any other value =
// annotated, weight 1, as org.voxelforge.nn.loss.LossInputs).
// CPU twins and references: org.voxelforge.core.fused.DiceCe (the Dice + CE kernels) and
// org.voxelforge.core.fused.RegionLoss (the region kernels); same chunks, same partial slots, same
// finalize. The losses (Dice, Tversky, CE, focal, boundary) and their gradient coefficients are
// formed from the statistics by host code shared by both paths (RegionLoss.finish).
//
// Two entry families over one templated body: vf_dice_ce_* (Dice + CE only, 35 slots, the form
// most runs take) and vf_region_* (EXTRA: the classification term may be focal, and the optional
// signed distance maps phi [N, C, S] add the boundary sums; 43 slots). With EXTRA off the body is
// the Dice + CE code, operation for operation.
//
//   *_stats_partial_f32  grid (chunks, N, ceil(C/8)): class tile z covers classes [8z, 8z+8); per
//       block, float sums over one chunk of the voxels of sample n of
//       slot 4j+0: p*t, 4j+1: p, 4j+2: p^2, 4j+3: t   for class 8z+j (t = one-hot label)
//       slot 32: the classification term (tile 0 only): -log p_y, or with focal
//                alpha_y (1 - p_y)^gamma (-log p_y) (alpha null = all ones)
//       slot 33: annotated voxels, 34: annotated voxels whose label is outside [0, C) (those add
//                nothing else; the host refuses them)
//       slot 35+j (region only, with phi): p * phi   for class 8z+j
//   *_stats_finalize_f32 chunk partials summed in double -> stats[N][C][4], then [N][3], then
//       (region with phi) [N][C] boundary sums
//   *_backward_f32       dlogits = p * (g - sum_j p_j g_j) + clsScale * w * (p - t),
//       g_c = coefI[n,c] * t_c + coefP[n,c] * (squared ? 2 p_c : 1) (+ coefB[n,c] * phi_c),
//       w = 1 for CE; for focal w = alpha_y (1-p_y)^(gamma-1) ((1-p_y) + gamma p_y (-log p_y))
//       (the derivative of -alpha_y (1-p_y)^gamma log p_y is w (p - t); w = 1 at gamma 0 without
//       alpha, and w = 0 at p_y = 1 for gamma > 0)
#pragma once

#define VF_DICE_TILE 8
#define VF_DICE_SLOTS (4 * VF_DICE_TILE + 3)
#define VF_REGION_SLOTS (VF_DICE_SLOTS + VF_DICE_TILE)

// alpha_y (1 - p_y)^gamma * ce, ce = -log p_y: the focal term of one voxel.
__device__ __forceinline__ float vf_focal_term(float ce, float py, float a, float gamma) {
    return gamma == 0.f ? a * ce : a * powf(1.f - py, gamma) * ce;
}

// The focal loss's weight on (p - t) at one voxel (see the header comment).
__device__ __forceinline__ float vf_focal_weight(float ce, float py, float a, float gamma) {
    if (gamma == 0.f) return a;
    const float q = 1.f - py;
    return q > 0.f ? a * powf(q, gamma - 1.f) * (q + gamma * py * ce) : 0.f;
}

template <bool EXTRA>
__device__ __forceinline__ void vf_region_stats_partial(const float* __restrict__ logits, const int* __restrict__ labels,
                                                        const float* __restrict__ mask, const float* __restrict__ alpha,
                                                        float gamma, int focal, const float* __restrict__ dist,
                                                        float* __restrict__ partials, int C, int64_t S, int64_t chunkLen) {
    constexpr int SLOTS = EXTRA ? VF_REGION_SLOTS : VF_DICE_SLOTS;
    __shared__ float scratch[32];
    const int n = blockIdx.y, c0 = blockIdx.z * VF_DICE_TILE;
    const float* z = logits + (int64_t)n * C * S;
    const int* lab = labels + (int64_t)n * S;
    const float* m = mask ? mask + (int64_t)n * S : nullptr;
    const float* phi = EXTRA && dist ? dist + (int64_t)n * C * S : nullptr;
    VF_CHUNK_BOUNDS(lo, hi, blockIdx.x, chunkLen, S);
    float acc[SLOTS];
    #pragma unroll
    for (int k = 0; k < SLOTS; k++) acc[k] = 0.f;
    for (int64_t s = lo + threadIdx.x; s < hi; s += blockDim.x) {
        if (m && m[s] == 0.f) continue;
        const int y = lab[s];
        acc[33] += 1.f;
        if (y < 0 || y >= C) { acc[34] += 1.f; continue; }
        float mx = z[s];
        #pragma unroll 1
        for (int c = 1; c < C; c++) mx = fmaxf(mx, z[(int64_t)c * S + s]);
        float sum = 0.f;
        #pragma unroll 1
        for (int c = 0; c < C; c++) sum += expf(z[(int64_t)c * S + s] - mx);
        const float inv = 1.f / sum;
        #pragma unroll
        for (int j = 0; j < VF_DICE_TILE; j++) {
            const int c = c0 + j;
            if (c < C) {
                const float p = expf(z[(int64_t)c * S + s] - mx) * inv;
                const float t = c == y ? 1.f : 0.f;
                acc[4 * j] += p * t;
                acc[4 * j + 1] += p;
                acc[4 * j + 2] += p * p;
                acc[4 * j + 3] += t;
                if constexpr (EXTRA) {
                    if (phi) acc[VF_DICE_SLOTS + j] += p * phi[(int64_t)c * S + s];
                }
            }
        }
        if (blockIdx.z == 0) {
            const float ce = mx + logf(sum) - z[(int64_t)y * S + s];
            if constexpr (EXTRA) {
                if (focal) {
                    const float py = expf(z[(int64_t)y * S + s] - mx) * inv;
                    acc[32] += vf_focal_term(ce, py, alpha ? alpha[y] : 1.f, gamma);
                } else {
                    acc[32] += ce;
                }
            } else {
                acc[32] += ce;
            }
        }
    }
    float* out = partials + (((int64_t)n * gridDim.z + blockIdx.z) * gridDim.x + blockIdx.x) * SLOTS;
    const int used = phi ? SLOTS : VF_DICE_SLOTS; // the same for the whole block: the barriers stay uniform
    #pragma unroll
    for (int k = 0; k < SLOTS; k++) {
        if (k >= used) break;
        float v = vf_block_sum_f32(acc[k], scratch);
        if (threadIdx.x == 0) out[k] = v;
    }
}

VF_KERNEL void vf_dice_ce_stats_partial_f32(const float* __restrict__ logits, const int* __restrict__ labels,
                                            const float* __restrict__ mask, float* __restrict__ partials,
                                            int C, int64_t S, int64_t chunkLen) {
    vf_region_stats_partial<false>(logits, labels, mask, nullptr, 0.f, 0, nullptr, partials, C, S, chunkLen);
}

// alpha: [C] focal class weights or null; focal: 0 = cross-entropy in slot 32; dist: phi [N, C, S] or null.
VF_KERNEL void vf_region_stats_partial_f32(const float* __restrict__ logits, const int* __restrict__ labels,
                                           const float* __restrict__ mask, const float* __restrict__ alpha, float gamma,
                                           int focal, const float* __restrict__ dist, float* __restrict__ partials,
                                           int C, int64_t S, int64_t chunkLen) {
    vf_region_stats_partial<true>(logits, labels, mask, alpha, gamma, focal, dist, partials, C, S, chunkLen);
}

// One thread per (n, c) (index n*C + c), per n (index N*C + n) and, with `boundary`, per (n, c)
// again (index N*C + N + n*C + c). partials as written above with tiles = ceil(C / 8) and `chunks`
// chunks; stats: [N][C][4] (p*t, p, p^2, t), then [N][3] (classification sum, annotated voxels, bad
// labels), then [N][C] (sum p*phi), all summed over the chunks in double.
template <int SLOTS>
__device__ __forceinline__ void vf_region_stats_finalize(const float* __restrict__ partials, double* __restrict__ stats,
                                                         int N, int C, int chunks, int boundary) {
    const int tiles = (C + VF_DICE_TILE - 1) / VF_DICE_TILE;
    const int64_t NC = (int64_t)N * C;
    VF_FOR_EACH(i, NC + N + (boundary ? NC : 0)) {
        if (i < NC) {
            const int n = (int)(i / C), c = (int)(i % C);
            const float* p = partials + ((int64_t)n * tiles + c / VF_DICE_TILE) * chunks * SLOTS + 4 * (c % VF_DICE_TILE);
            double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
            for (int k = 0; k < chunks; k++, p += SLOTS) { a0 += p[0]; a1 += p[1]; a2 += p[2]; a3 += p[3]; }
            stats[4 * i] = a0; stats[4 * i + 1] = a1; stats[4 * i + 2] = a2; stats[4 * i + 3] = a3;
        } else if (i < NC + N) {
            const int n = (int)(i - NC);
            const float* p = partials + (int64_t)n * tiles * chunks * SLOTS;
            double ce = 0, voxels = 0, bad = 0;
            for (int k = 0; k < chunks; k++, p += SLOTS) { ce += p[32]; voxels += p[33]; bad += p[34]; }
            double* o = stats + NC * 4 + 3 * n;
            o[0] = ce; o[1] = voxels; o[2] = bad;
        } else {
            const int64_t nc = i - NC - N;
            const int n = (int)(nc / C), c = (int)(nc % C);
            const float* p = partials + ((int64_t)n * tiles + c / VF_DICE_TILE) * chunks * SLOTS + VF_DICE_SLOTS + c % VF_DICE_TILE;
            double b = 0;
            for (int k = 0; k < chunks; k++, p += SLOTS) b += p[0];
            stats[NC * 4 + 3 * (int64_t)N + nc] = b;
        }
    }
}

VF_KERNEL void vf_dice_ce_stats_finalize_f32(const float* __restrict__ partials, double* __restrict__ stats,
                                             int N, int C, int chunks) {
    vf_region_stats_finalize<VF_DICE_SLOTS>(partials, stats, N, C, chunks, 0);
}

VF_KERNEL void vf_region_stats_finalize_f32(const float* __restrict__ partials, double* __restrict__ stats,
                                            int N, int C, int chunks, int boundary) {
    vf_region_stats_finalize<VF_REGION_SLOTS>(partials, stats, N, C, chunks, boundary);
}

// Grid: x walks the S voxels, y the N samples (grid-stride both). coefI, coefP (and coefB): [N, C].
template <bool EXTRA>
__device__ __forceinline__ void vf_region_backward(const float* __restrict__ logits, const int* __restrict__ labels,
                                                   const float* __restrict__ mask, const float* __restrict__ alpha,
                                                   float gamma, int focal, const float* __restrict__ dist,
                                                   const float* __restrict__ coefI, const float* __restrict__ coefP,
                                                   const float* __restrict__ coefB, float ceScale, int squared,
                                                   float* __restrict__ dlogits, int N, int C, int64_t S) {
    for (int n = blockIdx.y; n < N; n += gridDim.y) {
        const float* z = logits + (int64_t)n * C * S;
        float* dz = dlogits + (int64_t)n * C * S;
        const float* cI = coefI + (int64_t)n * C;
        const float* cP = coefP + (int64_t)n * C;
        const float* cB = EXTRA && dist ? coefB + (int64_t)n * C : nullptr;
        const float* phi = EXTRA && dist ? dist + (int64_t)n * C * S : nullptr;
        for (int64_t s = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; s < S; s += (int64_t)blockDim.x * gridDim.x) {
            const int y = labels[(int64_t)n * S + s];
            if ((mask && mask[(int64_t)n * S + s] == 0.f) || y < 0 || y >= C) {
                for (int c = 0; c < C; c++) dz[(int64_t)c * S + s] = 0.f;
                continue;
            }
            float mx = z[s];
            for (int c = 1; c < C; c++) mx = fmaxf(mx, z[(int64_t)c * S + s]);
            float sum = 0.f;
            for (int c = 0; c < C; c++) sum += expf(z[(int64_t)c * S + s] - mx);
            const float inv = 1.f / sum;
            float cls = ceScale;
            if constexpr (EXTRA) {
                if (focal) {
                    const float ce = mx + logf(sum) - z[(int64_t)y * S + s];
                    const float py = expf(z[(int64_t)y * S + s] - mx) * inv;
                    cls = ceScale * vf_focal_weight(ce, py, alpha ? alpha[y] : 1.f, gamma);
                }
            }
            float dot = 0.f;
            for (int c = 0; c < C; c++) {
                const float p = expf(z[(int64_t)c * S + s] - mx) * inv;
                float g = (c == y ? cI[c] : 0.f) + cP[c] * (squared ? 2.f * p : 1.f);
                if constexpr (EXTRA) {
                    if (phi) g += cB[c] * phi[(int64_t)c * S + s];
                }
                dot += p * g;
            }
            for (int c = 0; c < C; c++) {
                const float p = expf(z[(int64_t)c * S + s] - mx) * inv;
                const float t = c == y ? 1.f : 0.f;
                float g = (c == y ? cI[c] : 0.f) + cP[c] * (squared ? 2.f * p : 1.f);
                if constexpr (EXTRA) {
                    if (phi) g += cB[c] * phi[(int64_t)c * S + s];
                }
                dz[(int64_t)c * S + s] = p * (g - dot) + cls * (p - t);
            }
        }
    }
}

VF_KERNEL void vf_dice_ce_backward_f32(const float* __restrict__ logits, const int* __restrict__ labels,
                                       const float* __restrict__ mask, const float* __restrict__ coefI,
                                       const float* __restrict__ coefP, float ceScale, int squared,
                                       float* __restrict__ dlogits, int N, int C, int64_t S) {
    vf_region_backward<false>(logits, labels, mask, nullptr, 0.f, 0, nullptr, coefI, coefP, nullptr, ceScale, squared,
                              dlogits, N, C, S);
}

// clsScale: the classification term's scale (weight * upstream / annotated voxels); alpha, focal,
// dist as in vf_region_stats_partial_f32; coefB: [N, C] (read only with dist).
VF_KERNEL void vf_region_backward_f32(const float* __restrict__ logits, const int* __restrict__ labels,
                                      const float* __restrict__ mask, const float* __restrict__ alpha, float gamma,
                                      int focal, const float* __restrict__ dist, const float* __restrict__ coefI,
                                      const float* __restrict__ coefP, const float* __restrict__ coefB, float clsScale,
                                      int squared, float* __restrict__ dlogits, int N, int C, int64_t S) {
    vf_region_backward<true>(logits, labels, mask, alpha, gamma, focal, dist, coefI, coefP, coefB, clsScale, squared,
                             dlogits, N, C, S);
}
