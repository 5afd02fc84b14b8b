// reduce.cuh: block-wide sums shared by the reduction kernels (group norm statistics, Dice/CE
// statistics, gradient norm). Blocks are 1-D with blockDim.x a multiple of 32, at most 1024.
// The scratch array (32 values) is a static __shared__ array of the calling kernel; every
// thread of the block must call these (they hold __syncthreads()).
#pragma once

__device__ __forceinline__ float vf_warp_sum_f32(float v) {
    for (int d = 16; d > 0; d >>= 1) v += __shfl_down_sync(0xffffffff, v, d);
    return v;
}

__device__ __forceinline__ double vf_warp_sum_f64(double v) {
    for (int d = 16; d > 0; d >>= 1) v += __shfl_down_sync(0xffffffff, v, d);
    return v;
}

// The block's sum of v, valid in thread 0 (other threads get a partial value).
__device__ __forceinline__ float vf_block_sum_f32(float v, float* scratch) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    v = vf_warp_sum_f32(v);
    __syncthreads(); // scratch may still be read by a previous call
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    v = threadIdx.x < (blockDim.x >> 5) ? scratch[threadIdx.x] : 0.f;
    if (warp == 0) v = vf_warp_sum_f32(v);
    return v;
}

__device__ __forceinline__ double vf_block_sum_f64(double v, double* scratch) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    v = vf_warp_sum_f64(v);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    v = threadIdx.x < (blockDim.x >> 5) ? scratch[threadIdx.x] : 0.0;
    if (warp == 0) v = vf_warp_sum_f64(v);
    return v;
}

// [lo, hi) of chunk number `chunk` of a range of n elements cut into chunks of chunkLen.
#define VF_CHUNK_BOUNDS(lo, hi, chunk, chunkLen, n) \
    const int64_t lo = (int64_t)(chunk) * (chunkLen); \
    const int64_t hi = lo + (chunkLen) < (n) ? lo + (chunkLen) : (n)
