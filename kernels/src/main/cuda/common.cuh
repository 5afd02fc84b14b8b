// common.cuh: shared helpers for VoxelForge kernels.
#pragma once
#include <stdint.h>

#ifdef VF_EMULATE
// Host emulator build (kernels/build-emulator.sh, g++): the CUDA vocabulary comes from vf_emu.h.
#include "emu/vf_emu.h"
#else
#include <cuda_bf16.h>
// Dynamic shared memory (the launch's sharedMemBytes) as an array of T. One byte array under a
// fixed name, cast per kernel: `extern __shared__ T name[]` with different T in different
// kernels of one module would be conflicting declarations. The emulator defines its own.
#define VF_DYNAMIC_SHARED(T, name) \
    extern __shared__ __align__(16) unsigned char vf_dynamic_shared_[]; \
    T* name = reinterpret_cast<T*>(vf_dynamic_shared_)
#endif

// Kernels are looked up by name from Java (cuModuleGetFunction), so they use C linkage.
#define VF_KERNEL extern "C" __global__

// A grid-stride loop over [0, n): any launch size covers any n.
#define VF_FOR_EACH(i, n) \
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (int64_t)blockDim.x * gridDim.x)
