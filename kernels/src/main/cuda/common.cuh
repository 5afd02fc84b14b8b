// common.cuh: shared helpers for VoxelForge kernels.
#pragma once
#include <stdint.h>

// Kernels are looked up by name from Java (cuModuleGetFunction), so they use C linkage.
#define VF_KERNEL extern "C" __global__

// A grid-stride loop over [0, n): any launch size covers any n.
#define VF_FOR_EACH(i, n) \
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (int64_t)blockDim.x * gridDim.x)
