// reduce_ops.cuh: reductions over arbitrary axes, argmax/argmin, variance, softmax and
// log-softmax forward, softmax backward (float32).
// CPU twin: org.voxelforge.core.cpu.CpuReductions (Backends.cpu()); the softmax backward's is the
// autograd rule y * (g - sum(g * y)) (autograd ReductionOps.softmax) on the CPU backend.
// Java launcher: org.voxelforge.core.cuda.TensorKernels.
//
// Scheme: "reduce the inner axes of a permuted view". The launcher splits x's axes into kept
// (outer) and reduced (inner) ones, each a VfLayout<1> of x's strides; output element o reduces
// the nIn elements of its row. Two launch forms of each kernel family:
//   *_rows_thread_*: one thread per output element (grid-stride), a sequential loop over the row;
//                    for short rows, where a block per row would idle most of its threads.
//   *_rows_block_*:  one block (blockDim.x a power of two <= VF_RED_THREADS) per output element
//                    (grid-stride over rows), threads stride over the row, then a fixed-order
//                    tree in shared memory, so the result does not depend on timing.
// Sums are accumulated in double in both forms (as the CPU does), then rounded once to float;
// max/min follow Math.max/min (NaN wins, -0 < +0) and are exact.
// Op codes: the ordinal of org.voxelforge.core.ReduceOp (SUM, MEAN, MAX, MIN, PROD).
#pragma once

#define VF_RED_THREADS 256

__device__ __forceinline__ double vf_red_init(int op) {
    return op == 2 ? -INFINITY : op == 3 ? INFINITY : op == 4 ? 1.0 : 0.0;
}

// Math.max / Math.min in double: NaN wins, -0 < +0.
__device__ __forceinline__ double vf_jmax(double a, double b) {
    if (isnan(a) || isnan(b)) return NAN;
    if (a == 0.0 && b == 0.0) return signbit(a) ? b : a;
    return a > b ? a : b;
}
__device__ __forceinline__ double vf_jmin(double a, double b) {
    if (isnan(a) || isnan(b)) return NAN;
    if (a == 0.0 && b == 0.0) return signbit(a) ? a : b;
    return a < b ? a : b;
}

__device__ __forceinline__ double vf_red_combine(int op, double a, double b) {
    switch (op) {
        case 2: return vf_jmax(a, b);
        case 3: return vf_jmin(a, b);
        case 4: return a * b;
        default: return a + b;
    }
}

// Combines v over the block in a fixed tree order; every thread gets the result. s: a shared
// array of blockDim.x doubles; every thread of the block must call this.
__device__ __forceinline__ double vf_block_reduce(int op, double v, double* s) {
    const int t = threadIdx.x;
    s[t] = v;
    __syncthreads();
    for (int w = blockDim.x >> 1; w > 0; w >>= 1) {
        if (t < w) s[t] = vf_red_combine(op, s[t], s[t + w]);
        __syncthreads();
    }
    const double r = s[0];
    __syncthreads();  // s may be reused by the next call
    return r;
}

__device__ __forceinline__ float vf_red_finish(int op, double acc, int64_t nIn) {
    return (float)(op == 1 ? acc / (double)nIn : acc);  // MEAN of an empty row: 0/0 = NaN, as the CPU
}

// ---- sum / mean / max / min / prod -------------------------------------------------------------

VF_KERNEL void vf_reduce_rows_thread_f32(int op, const float* __restrict__ x, float* __restrict__ y, VfLayout<1> outer,
                                         VfLayout<1> inner, int64_t nOut, int64_t nIn) {
    VF_FOR_EACH(o, nOut) {
        int64_t base[1], off[1];
        vf_offsets(outer, o, base);
        double acc = vf_red_init(op);
        for (int64_t j = 0; j < nIn; j++) {
            vf_offsets(inner, j, off);
            acc = vf_red_combine(op, acc, x[base[0] + off[0]]);
        }
        y[o] = vf_red_finish(op, acc, nIn);
    }
}

VF_KERNEL void vf_reduce_rows_block_f32(int op, const float* __restrict__ x, float* __restrict__ y, VfLayout<1> outer,
                                        VfLayout<1> inner, int64_t nOut, int64_t nIn) {
    __shared__ double s[VF_RED_THREADS];
    for (int64_t o = blockIdx.x; o < nOut; o += gridDim.x) {
        int64_t base[1], off[1];
        vf_offsets(outer, o, base);
        double acc = vf_red_init(op);
        for (int64_t j = threadIdx.x; j < nIn; j += blockDim.x) {
            vf_offsets(inner, j, off);
            acc = vf_red_combine(op, acc, x[base[0] + off[0]]);
        }
        acc = vf_block_reduce(op, acc, s);
        if (threadIdx.x == 0) y[o] = vf_red_finish(op, acc, nIn);
    }
}

// ---- variance: two passes in double (the mean, then squared deviations) -----------------------

__device__ __forceinline__ float vf_var_finish(double ss, int64_t nIn, int correction) {
    const double denom = nIn - correction > 0 ? (double)(nIn - correction) : 0.0;
    return (float)(ss / denom);
}

VF_KERNEL void vf_variance_rows_thread_f32(const float* __restrict__ x, float* __restrict__ y, VfLayout<1> outer, VfLayout<1> inner,
                                           int64_t nOut, int64_t nIn, int correction) {
    VF_FOR_EACH(o, nOut) {
        int64_t base[1], off[1];
        vf_offsets(outer, o, base);
        double sum = 0.0;
        for (int64_t j = 0; j < nIn; j++) {
            vf_offsets(inner, j, off);
            sum += x[base[0] + off[0]];
        }
        const double mean = sum / (double)nIn;
        double ss = 0.0;
        for (int64_t j = 0; j < nIn; j++) {
            vf_offsets(inner, j, off);
            const double d = x[base[0] + off[0]] - mean;
            ss += d * d;
        }
        y[o] = vf_var_finish(ss, nIn, correction);
    }
}

VF_KERNEL void vf_variance_rows_block_f32(const float* __restrict__ x, float* __restrict__ y, VfLayout<1> outer, VfLayout<1> inner,
                                          int64_t nOut, int64_t nIn, int correction) {
    __shared__ double s[VF_RED_THREADS];
    for (int64_t o = blockIdx.x; o < nOut; o += gridDim.x) {
        int64_t base[1], off[1];
        vf_offsets(outer, o, base);
        double sum = 0.0;
        for (int64_t j = threadIdx.x; j < nIn; j += blockDim.x) {
            vf_offsets(inner, j, off);
            sum += x[base[0] + off[0]];
        }
        const double mean = vf_block_reduce(0, sum, s) / (double)nIn;
        double ss = 0.0;
        for (int64_t j = threadIdx.x; j < nIn; j += blockDim.x) {
            vf_offsets(inner, j, off);
            const double d = x[base[0] + off[0]] - mean;
            ss += d * d;
        }
        ss = vf_block_reduce(0, ss, s);
        if (threadIdx.x == 0) y[o] = vf_var_finish(ss, nIn, correction);
    }
}

// ---- argmax / argmin along one axis (n elements at stride axisStride) --------------------------

// Is (v, i) a better pick than (bv, bi)? The CPU's rule for a sequential scan: the first NaN wins,
// else the first maximum (minimum). Written as an order on (value, index) so that a tree that
// visits elements out of order picks the same one.
__device__ __forceinline__ bool vf_arg_better(bool max, float v, int64_t i, float bv, int64_t bi) {
    const bool vn = isnan(v), bn = isnan(bv);
    if (vn || bn) return vn && (!bn || i < bi);
    if (v == bv) return i < bi;
    return max ? v > bv : v < bv;
}

VF_KERNEL void vf_arg_reduce_rows_thread_f32(int isMax, const float* __restrict__ x, int64_t* __restrict__ y, VfLayout<1> outer,
                                             int64_t n, int64_t axisStride, int64_t nOut) {
    VF_FOR_EACH(o, nOut) {
        int64_t base[1];
        vf_offsets(outer, o, base);
        const float* row = x + base[0];
        float bv = row[0];
        int64_t bi = 0;
        for (int64_t j = 1; j < n && !isnan(bv); j++) {
            const float v = row[j * axisStride];
            if (vf_arg_better(isMax, v, j, bv, bi)) { bv = v; bi = j; }
        }
        y[o] = bi;
    }
}

VF_KERNEL void vf_arg_reduce_rows_block_f32(int isMax, const float* __restrict__ x, int64_t* __restrict__ y, VfLayout<1> outer,
                                            int64_t n, int64_t axisStride, int64_t nOut) {
    __shared__ float sv[VF_RED_THREADS];
    __shared__ int64_t si[VF_RED_THREADS];
    const int t = threadIdx.x;
    for (int64_t o = blockIdx.x; o < nOut; o += gridDim.x) {
        int64_t base[1];
        vf_offsets(outer, o, base);
        const float* row = x + base[0];
        float bv = row[0];  // n >= 1 (the launcher refuses an empty axis, as Tensor does)
        int64_t bi = 0;
        for (int64_t j = t; j < n; j += blockDim.x) {
            const float v = row[j * axisStride];
            if (j == t || vf_arg_better(isMax, v, j, bv, bi)) { bv = v; bi = j; }
        }
        sv[t] = bv;
        si[t] = t < n ? bi : INT64_MAX;  // threads without an element lose every comparison below
        __syncthreads();
        for (int w = blockDim.x >> 1; w > 0; w >>= 1) {
            if (t < w && si[t + w] != INT64_MAX && (si[t] == INT64_MAX || vf_arg_better(isMax, sv[t + w], si[t + w], sv[t], si[t]))) {
                sv[t] = sv[t + w];
                si[t] = si[t + w];
            }
            __syncthreads();
        }
        if (t == 0) y[o] = si[0];
        __syncthreads();
    }
}

// ---- softmax / log-softmax along one axis --------------------------------------------------------
// outer: the other axes, strides[0] = x's, strides[1] = y's; the axis: n elements at xStride / yStride.
// As the CPU: m = the row max (NaN if any element is NaN), sum = sum of exp(x - m) in double,
// y = exp(x - m) / sum or (x - m) - log(sum), all in double, rounded once to float.

VF_KERNEL void vf_softmax_rows_thread_f32(int logSoftmax, const float* __restrict__ x, float* __restrict__ y, VfLayout<2> outer,
                                          int64_t n, int64_t xStride, int64_t yStride, int64_t nOut) {
    VF_FOR_EACH(o, nOut) {
        int64_t base[2];
        vf_offsets(outer, o, base);
        const float* xr = x + base[0];
        float* yr = y + base[1];
        double m = -INFINITY;
        for (int64_t j = 0; j < n; j++) m = vf_jmax(m, xr[j * xStride]);
        double sum = 0.0;
        for (int64_t j = 0; j < n; j++) sum += exp((double)xr[j * xStride] - m);
        const double logSum = log(sum);
        for (int64_t j = 0; j < n; j++) {
            const double z = (double)xr[j * xStride] - m;
            yr[j * yStride] = (float)(logSoftmax ? z - logSum : exp(z) / sum);
        }
    }
}

VF_KERNEL void vf_softmax_rows_block_f32(int logSoftmax, const float* __restrict__ x, float* __restrict__ y, VfLayout<2> outer,
                                         int64_t n, int64_t xStride, int64_t yStride, int64_t nOut) {
    __shared__ double s[VF_RED_THREADS];
    for (int64_t o = blockIdx.x; o < nOut; o += gridDim.x) {
        int64_t base[2];
        vf_offsets(outer, o, base);
        const float* xr = x + base[0];
        float* yr = y + base[1];
        double m = -INFINITY;
        for (int64_t j = threadIdx.x; j < n; j += blockDim.x) m = vf_jmax(m, xr[j * xStride]);
        m = vf_block_reduce(2, m, s);
        double sum = 0.0;
        for (int64_t j = threadIdx.x; j < n; j += blockDim.x) sum += exp((double)xr[j * xStride] - m);
        sum = vf_block_reduce(0, sum, s);
        const double logSum = log(sum);
        for (int64_t j = threadIdx.x; j < n; j += blockDim.x) {
            const double z = (double)xr[j * xStride] - m;
            yr[j * yStride] = (float)(logSoftmax ? z - logSum : exp(z) / sum);
        }
    }
}

// dx = y * (dy - dot), dot = sum over the axis of dy * y: the float products summed in double and
// rounded to float, then the float arithmetic of the autograd rule. outer strides: y, dy, dx.

VF_KERNEL void vf_softmax_backward_rows_thread_f32(const float* __restrict__ y, const float* __restrict__ dy, float* __restrict__ dx,
                                                   VfLayout<3> outer, int64_t n, int64_t yStride, int64_t dyStride, int64_t dxStride,
                                                   int64_t nOut) {
    VF_FOR_EACH(o, nOut) {
        int64_t base[3];
        vf_offsets(outer, o, base);
        const float *yr = y + base[0], *gr = dy + base[1];
        float* dr = dx + base[2];
        double sum = 0.0;
        for (int64_t j = 0; j < n; j++) sum += __fmul_rn(gr[j * dyStride], yr[j * yStride]);
        const float dot = (float)sum;
        for (int64_t j = 0; j < n; j++) dr[j * dxStride] = __fmul_rn(yr[j * yStride], gr[j * dyStride] - dot);
    }
}

VF_KERNEL void vf_softmax_backward_rows_block_f32(const float* __restrict__ y, const float* __restrict__ dy, float* __restrict__ dx,
                                                  VfLayout<3> outer, int64_t n, int64_t yStride, int64_t dyStride, int64_t dxStride,
                                                  int64_t nOut) {
    __shared__ double s[VF_RED_THREADS];
    for (int64_t o = blockIdx.x; o < nOut; o += gridDim.x) {
        int64_t base[3];
        vf_offsets(outer, o, base);
        const float *yr = y + base[0], *gr = dy + base[1];
        float* dr = dx + base[2];
        double sum = 0.0;
        for (int64_t j = threadIdx.x; j < n; j += blockDim.x) sum += __fmul_rn(gr[j * dyStride], yr[j * yStride]);
        const float dot = (float)vf_block_reduce(0, sum, s);
        for (int64_t j = threadIdx.x; j < n; j += blockDim.x) dr[j * dxStride] = __fmul_rn(yr[j * yStride], gr[j * dyStride] - dot);
    }
}
