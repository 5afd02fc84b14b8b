// selftest.cuh: small kernels that test the host emulator itself (EmulatorSelfTest in engine-core).
// Compiled into libvoxelforge-emu.so only (emu/registry.cpp), never into the fatbin; they are
// still valid CUDA (nvcc -ptx -I.. accepts them), so they mean on the emulator what they mean on
// a GPU. Each one exercises one piece of the model: barriers, shuffles, atomics, dynamic shared
// memory, multi-dimensional coordinates, and the errors a launch must report.
#pragma once
#include "../common.cuh"

// Per-block sum of x (grid-stride), tree reduction in static shared memory; blockDim.x must be 256.
VF_KERNEL void vfemu_test_block_sum(const float* __restrict__ x, float* __restrict__ out, int64_t n) {
    __shared__ float s[256];
    float acc = 0.f;
    VF_FOR_EACH(i, n) acc += x[i];
    s[threadIdx.x] = acc;
    __syncthreads();
    for (unsigned k = blockDim.x / 2; k > 0; k /= 2) {
        if (threadIdx.x < k) s[threadIdx.x] += s[threadIdx.x + k];
        __syncthreads();
    }
    if (threadIdx.x == 0) out[blockIdx.x] = s[0];
}

// The same reduction with its barriers forgotten: a bug the emulator must expose (wrong sums).
VF_KERNEL void vfemu_test_block_sum_no_sync(const float* __restrict__ x, float* __restrict__ out, int64_t n) {
    __shared__ float s[256];
    float acc = 0.f;
    VF_FOR_EACH(i, n) acc += x[i];
    s[threadIdx.x] = acc;
    for (unsigned k = blockDim.x / 2; k > 0; k /= 2) {
        if (threadIdx.x < k) s[threadIdx.x] += s[threadIdx.x + k];
    }
    if (threadIdx.x == 0) out[blockIdx.x] = s[0];
}

// One thread per element (n a multiple of 32, grid covering n exactly). Per warp of x:
// down[w] = sum by __shfl_down_sync (lane 0 writes); butterfly[i] = sum by __shfl_xor_sync (every
// lane); scan[i] = inclusive prefix sum by __shfl_up_sync; gather[i] = x of lane (7 * lane) % 32.
VF_KERNEL void vfemu_test_warp_sum(const float* __restrict__ x, float* __restrict__ down, float* __restrict__ butterfly,
                                   float* __restrict__ scan, double* __restrict__ gather) {
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    unsigned lane = threadIdx.x % 32;
    float v = x[i], d = v, b = v, p = v;
    for (int k = 16; k > 0; k /= 2) d += __shfl_down_sync(0xffffffffu, d, k);
    for (int k = 16; k > 0; k /= 2) b += __shfl_xor_sync(0xffffffffu, b, k);
    for (int k = 1; k < 32; k *= 2) {
        float t = __shfl_up_sync(0xffffffffu, p, k);
        if (lane >= (unsigned)k) p += t;
    }
    double g = __shfl_sync(0xffffffffu, (double)v, (int)((7 * lane) % 32));
    if (lane == 0) down[i / 32] = d;
    butterfly[i] = b;
    scan[i] = p;
    gather[i] = g;
}

// ballot[w] = the lanes of warp w whose x is positive (one thread per element, n a multiple of 32).
VF_KERNEL void vfemu_test_ballot(const float* __restrict__ x, unsigned* __restrict__ ballot) {
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    unsigned m = __ballot_sync(0xffffffffu, x[i] > 0.f);
    if (threadIdx.x % 32 == 0) ballot[i / 32] = m;
}

// Every element of x (grid-stride) goes into each atomic: r holds {int sum, int max, int min,
// count of elements whose CAS-increment of r[3] succeeded first time or later}.
VF_KERNEL void vfemu_test_atomics(const int* __restrict__ x, int64_t n, float* fsum, double* dsum, unsigned* usum,
                                  unsigned long long* ullsum, int* r) {
    VF_FOR_EACH(i, n) {
        int v = x[i];
        atomicAdd(fsum, (float)v);
        atomicAdd(dsum, (double)v);
        atomicAdd(usum, (unsigned)v);
        atomicAdd(ullsum, (unsigned long long)(unsigned)v);
        atomicAdd(&r[0], v);
        atomicMax(&r[1], v);
        atomicMin(&r[2], v);
        int old = r[3], seen;
        while ((seen = atomicCAS(&r[3], old, old + 1)) != old) old = seen;
    }
}

// Reverses each block's chunk of x through dynamic shared memory (blockDim.x floats); n must be a
// multiple of blockDim.x and the grid must cover it.
VF_KERNEL void vfemu_test_dynamic_shared(const float* __restrict__ x, float* __restrict__ y) {
    VF_DYNAMIC_SHARED(float, s);
    int64_t base = (int64_t)blockIdx.x * blockDim.x;
    s[threadIdx.x] = x[base + threadIdx.x];
    __syncthreads();
    y[base + threadIdx.x] = s[blockDim.x - 1 - threadIdx.x];
}

// Each thread of a 3-D grid of 3-D blocks writes its six coordinates at its global linear index.
VF_KERNEL void vfemu_test_coords(int* __restrict__ out) {
    int64_t block = ((int64_t)blockIdx.z * gridDim.y + blockIdx.y) * gridDim.x + blockIdx.x;
    int64_t thread = ((int64_t)threadIdx.z * blockDim.y + threadIdx.y) * blockDim.x + threadIdx.x;
    int64_t g = block * (blockDim.x * blockDim.y * blockDim.z) + thread;
    int* o = out + 6 * g;
    o[0] = threadIdx.x; o[1] = threadIdx.y; o[2] = threadIdx.z;
    o[3] = blockIdx.x; o[4] = blockIdx.y; o[5] = blockIdx.z;
}

// Threads at or past `live` return early, the others then wait at a barrier: a CUDA bug the
// emulator must report. mode 0: __syncthreads; mode 1: a full-mask __shfl_down_sync.
VF_KERNEL void vfemu_test_early_exit(float* __restrict__ y, int mode, unsigned live) {
    if (threadIdx.x >= live) return;
    float v = (float)threadIdx.x;
    if (mode == 0) __syncthreads();
    else v = __shfl_down_sync(0xffffffffu, v, 1);
    y[threadIdx.x] = v;
}

// bf[i] = x[i] rounded to bfloat16 (its 16 bits), back[i] = that bfloat16 as a float again.
VF_KERNEL void vfemu_test_bf16(const float* __restrict__ x, unsigned short* __restrict__ bf, float* __restrict__ back, int64_t n) {
    VF_FOR_EACH(i, n) {
        __nv_bfloat16 h = __float2bfloat16(x[i]);
        bf[i] = __bfloat16_as_ushort(h);
        back[i] = __bfloat162float(h);
    }
}
