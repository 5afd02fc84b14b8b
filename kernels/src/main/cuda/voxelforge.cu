// voxelforge.cu: the one translation unit nvcc compiles into voxelforge.fatbin.
// Each kernel family lives in its own header beside this file; this file only includes them,
// so the fatbin is one module the CUDA backend loads with cuModuleLoadData.
// Build: kernels/build-fatbin.sh (run by Maven in generate-resources).
// Every kernel has a CPU twin in engine-core that is its reference (named in each header).

#include "common.cuh"
#include "elementwise.cuh"
#include "random.cuh"
#include "reduce.cuh"
#include "groupnorm.cuh"
#include "dice_ce.cuh"
#include "optim.cuh"
#include "edt.cuh"
#include "resample.cuh"
#include "sliding.cuh"
#include "conv3d.cuh"
#include "tensor_ops.cuh"
#include "reduce_ops.cuh"
#include "gemm.cuh"
#include "index_ops.cuh"
#include "pool3d.cuh"
#include "upsample3d.cuh"
