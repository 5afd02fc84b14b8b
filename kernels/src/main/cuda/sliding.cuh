// sliding.cuh: sliding-window inference on the device. Reference:
// org.voxelforge.train.inference.SlidingWindow (accumulate probs * importance map, divide by the
// summed map) and Tensor.flip for test-time augmentation. Launched by VolumeKernels.
//
//   vf_sliding_accumulate_f32  one thread per voxel of the window [px, py, pz]: for a window placed
//       at (ox, oy, oz) (may be negative or reach past the end: voxels outside the volume are
//       skipped, which equals SlidingWindow's zero padding that is cut away at the end)
//       acc[k, v] += probs[k, p] * weight[p] for k < K, and weightSum[v] += weight[p].
//       One window per launch: the voxels of a window are distinct, so no atomics, and launches on
//       one stream run in order, so the sums are in window order, bit for bit SlidingWindow's.
//   vf_sliding_finalize_f32    out[k, v] = acc[k, v] / weightSum[v] (out may be acc)
//   vf_flip3_f32               out[c, x, y, z] = in[c, x', y', z'] with x' = X-1-x where bit 0 of
//       `axes` is set (bit 1: y, bit 2: z); out must not overlap in unless axes == 0
//
// __fmul_rn / __fadd_rn keep nvcc from contracting probs * weight + acc into one FMA: the
// reference rounds the product first (probs.mul(weight), then add), and so must the GPU.
#pragma once

VF_KERNEL void vf_sliding_accumulate_f32(const float* __restrict__ probs, const float* __restrict__ weight,
                                         float* __restrict__ acc, float* __restrict__ weightSum, int K,
                                         int px, int py, int pz, int X, int Y, int Z, int ox, int oy, int oz) {
    const int64_t nPatch = (int64_t)px * py * pz, nVol = (int64_t)X * Y * Z;
    VF_FOR_EACH(p, nPatch) {
        const int z = (int)(p % pz), y = (int)(p / pz % py), x = (int)(p / ((int64_t)pz * py));
        const int vx = ox + x, vy = oy + y, vz = oz + z;
        if (vx < 0 || vx >= X || vy < 0 || vy >= Y || vz < 0 || vz >= Z) continue;
        const int64_t v = ((int64_t)vx * Y + vy) * Z + vz;
        const float w = weight[p];
        #pragma unroll 1
        for (int k = 0; k < K; k++) acc[k * nVol + v] = __fadd_rn(acc[k * nVol + v], __fmul_rn(probs[k * nPatch + p], w));
        weightSum[v] = __fadd_rn(weightSum[v], w);
    }
}

VF_KERNEL void vf_sliding_finalize_f32(const float* acc, const float* __restrict__ weightSum, float* out, int K, int64_t nVol) {
    VF_FOR_EACH(i, (int64_t)K * nVol) out[i] = acc[i] / weightSum[i % nVol];
}

VF_KERNEL void vf_flip3_f32(const float* __restrict__ in, float* __restrict__ out, int C, int X, int Y, int Z, int axes) {
    const int64_t nVol = (int64_t)X * Y * Z;
    VF_FOR_EACH(i, (int64_t)C * nVol) {
        const int64_t c = i / nVol, v = i - c * nVol;
        int z = (int)(v % Z), y = (int)(v / Z % Y), x = (int)(v / ((int64_t)Z * Y));
        if (axes & 1) x = X - 1 - x;
        if (axes & 2) y = Y - 1 - y;
        if (axes & 4) z = Z - 1 - z;
        out[i] = in[c * nVol + ((int64_t)x * Y + y) * Z + z];
    }
}
