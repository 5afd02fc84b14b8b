// elementwise.cuh: contiguous float32 elementwise kernels.
// CPU twin: org.voxelforge.core.cpu.CpuElementwise (UnaryOp/BinaryOp.apply are the reference).
// Op codes equal the ordinal of org.voxelforge.core.UnaryOp / BinaryOp.
#pragma once

__device__ __forceinline__ float vf_unary(int op, float x) {
    switch (op) {
        case 0: return -x;                                   // NEG
        case 1: return expf(x);                              // EXP
        case 2: return logf(x);                              // LOG
        case 3: return sqrtf(x);                             // SQRT
        case 4: return fabsf(x);                             // ABS
        case 5: return x > 0.f ? x : (isnan(x) ? x : 0.f);   // RELU
        case 6: return x >= 0.f ? 1.f / (1.f + expf(-x)) : expf(x) / (1.f + expf(x)); // SIGMOID
        case 7: return tanhf(x);                             // TANH
        case 8: return x == 0.f || isnan(x) ? x : (float)((x > 0.f) - (x < 0.f)); // SIGN (Math.signum: keeps NaN and -0)
        case 9: return 1.f / x;                              // RECIPROCAL
        case 10: return x * x;                               // SQUARE
        default: return erff(x);                             // ERF
    }
}

__device__ __forceinline__ float vf_binary(int op, float a, float b) {
    switch (op) {
        case 0: return a + b;
        case 1: return a - b;
        case 2: return a * b;
        case 3: return a / b;
        // Math.pow, unlike C's powf, gives NaN for pow(1, NaN) and pow(+-1, +-inf).
        case 4: return isnan(b) || (fabsf(a) == 1.f && isinf(b)) ? NAN : powf(a, b);
        // Math.max/min: NaN wins, and -0 < +0 (fmaxf/fminf may return either zero).
        case 5: return (isnan(a) || isnan(b)) ? NAN : (a == 0.f && b == 0.f) ? (signbit(a) ? b : a) : fmaxf(a, b);
        case 6: return (isnan(a) || isnan(b)) ? NAN : (a == 0.f && b == 0.f) ? (signbit(a) ? a : b) : fminf(a, b);
        case 7: return a == b;
        case 8: return a != b;
        case 9: return a < b;
        case 10: return a <= b;
        case 11: return a > b;
        default: return a >= b;
    }
}

VF_KERNEL void vf_unary_f32(int op, const float* __restrict__ x, float* __restrict__ y, int64_t n) {
    VF_FOR_EACH(i, n) y[i] = vf_unary(op, x[i]);
}

// b_stride is 0 when b is a broadcast scalar, 1 when b is a full operand.
VF_KERNEL void vf_binary_f32(int op, const float* __restrict__ a, const float* __restrict__ b, int64_t b_stride,
                             float* __restrict__ y, int64_t n) {
    VF_FOR_EACH(i, n) y[i] = vf_binary(op, a[i], b[i * b_stride]);
}

VF_KERNEL void vf_fill_f32(float* __restrict__ y, float value, int64_t n) {
    VF_FOR_EACH(i, n) y[i] = value;
}
