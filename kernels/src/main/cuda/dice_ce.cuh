// dice_ce.cuh: softmax + cross-entropy + soft-Dice statistics in one pass over the logits, and
// the backward pass that recomputes the softmax. Logits [N, C, S] float32, labels [N, S] int32,
// optional voxel mask [N, S] float (0 = unannotated: the voxel adds nothing and gets a zero
// gradient; any other value = annotated, weight 1, as org.voxelforge.nn.loss.LossInputs).
// CPU twin and reference: org.voxelforge.core.fused.DiceCe (same chunks, same partial slots, same
// finalize; the Dice/CE formulas from the statistics and their gradient coefficients are host code
// shared by both paths).
//
//   vf_dice_ce_stats_partial_f32  grid (chunks, N, ceil(C/8)): class tile z covers classes
//       [8z, 8z+8); per block, float sums over one chunk of the voxels of sample n of
//       slot 4j+0: p*t, 4j+1: p, 4j+2: p^2, 4j+3: t   for class 8z+j (t = one-hot label)
//       slot 32: -log p_label (tile 0 only), 33: annotated voxels, 34: annotated voxels whose label
//       is outside [0, C) (those add nothing else; the host refuses them)
//   vf_dice_ce_stats_finalize_f32 chunk partials summed in double -> stats[N][C][4] then [N][3]
//   vf_dice_ce_backward_f32       dlogits = p * (g - sum_j p_j g_j) + ceScale * (p - t),
//       g_c = coefI[n,c] * t_c + coefP[n,c] * (squared ? 2 p_c : 1)
#pragma once

#define VF_DICE_TILE 8
#define VF_DICE_SLOTS (4 * VF_DICE_TILE + 3)

VF_KERNEL void vf_dice_ce_stats_partial_f32(const float* __restrict__ logits, const int* __restrict__ labels,
                                            const float* __restrict__ mask, float* __restrict__ partials,
                                            int C, int64_t S, int64_t chunkLen) {
    __shared__ float scratch[32];
    const int n = blockIdx.y, c0 = blockIdx.z * VF_DICE_TILE;
    const float* z = logits + (int64_t)n * C * S;
    const int* lab = labels + (int64_t)n * S;
    const float* m = mask ? mask + (int64_t)n * S : nullptr;
    VF_CHUNK_BOUNDS(lo, hi, blockIdx.x, chunkLen, S);
    float acc[VF_DICE_SLOTS];
    #pragma unroll
    for (int k = 0; k < VF_DICE_SLOTS; k++) acc[k] = 0.f;
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
            }
        }
        if (blockIdx.z == 0) acc[32] += mx + logf(sum) - z[(int64_t)y * S + s];
    }
    float* out = partials + (((int64_t)n * gridDim.z + blockIdx.z) * gridDim.x + blockIdx.x) * VF_DICE_SLOTS;
    #pragma unroll
    for (int k = 0; k < VF_DICE_SLOTS; k++) {
        float v = vf_block_sum_f32(acc[k], scratch);
        if (threadIdx.x == 0) out[k] = v;
    }
}

// One thread per (n, c) (index n*C + c) and per n (index N*C + n). partials as written above with
// tiles = ceil(C / 8) and `chunks` chunks; stats: [N][C][4] (p*t, p, p^2, t) then [N][3] (CE sum,
// annotated voxels, bad labels), all summed over the chunks in double.
VF_KERNEL void vf_dice_ce_stats_finalize_f32(const float* __restrict__ partials, double* __restrict__ stats,
                                             int N, int C, int chunks) {
    const int tiles = (C + VF_DICE_TILE - 1) / VF_DICE_TILE;
    VF_FOR_EACH(i, (int64_t)N * C + N) {
        if (i < (int64_t)N * C) {
            const int n = (int)(i / C), c = (int)(i % C);
            const float* p = partials + ((int64_t)n * tiles + c / VF_DICE_TILE) * chunks * VF_DICE_SLOTS + 4 * (c % VF_DICE_TILE);
            double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
            for (int k = 0; k < chunks; k++, p += VF_DICE_SLOTS) { a0 += p[0]; a1 += p[1]; a2 += p[2]; a3 += p[3]; }
            stats[4 * i] = a0; stats[4 * i + 1] = a1; stats[4 * i + 2] = a2; stats[4 * i + 3] = a3;
        } else {
            const int n = (int)(i - (int64_t)N * C);
            const float* p = partials + (int64_t)n * tiles * chunks * VF_DICE_SLOTS;
            double ce = 0, voxels = 0, bad = 0;
            for (int k = 0; k < chunks; k++, p += VF_DICE_SLOTS) { ce += p[32]; voxels += p[33]; bad += p[34]; }
            double* o = stats + (int64_t)N * C * 4 + 3 * n;
            o[0] = ce; o[1] = voxels; o[2] = bad;
        }
    }
}

// Grid: x walks the S voxels, y the N samples (grid-stride both). coefI, coefP: [N, C].
VF_KERNEL void vf_dice_ce_backward_f32(const float* __restrict__ logits, const int* __restrict__ labels,
                                       const float* __restrict__ mask, const float* __restrict__ coefI,
                                       const float* __restrict__ coefP, float ceScale, int squared,
                                       float* __restrict__ dlogits, int N, int C, int64_t S) {
    for (int n = blockIdx.y; n < N; n += gridDim.y) {
        const float* z = logits + (int64_t)n * C * S;
        float* dz = dlogits + (int64_t)n * C * S;
        const float* cI = coefI + (int64_t)n * C;
        const float* cP = coefP + (int64_t)n * C;
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
            float dot = 0.f;
            for (int c = 0; c < C; c++) {
                const float p = expf(z[(int64_t)c * S + s] - mx) * inv;
                const float g = (c == y ? cI[c] : 0.f) + cP[c] * (squared ? 2.f * p : 1.f);
                dot += p * g;
            }
            for (int c = 0; c < C; c++) {
                const float p = expf(z[(int64_t)c * S + s] - mx) * inv;
                const float t = c == y ? 1.f : 0.f;
                const float g = (c == y ? cI[c] : 0.f) + cP[c] * (squared ? 2.f * p : 1.f);
                dz[(int64_t)c * S + s] = p * (g - dot) + ceScale * (p - t);
            }
        }
    }
}
