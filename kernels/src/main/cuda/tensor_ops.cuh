// tensor_ops.cuh: strided tensor kernels of the engine core: elementwise ops with broadcasting,
// binary with a scalar, where / leakyRelu (and its backward) / clamp, strided copy and cast
// between dtypes, fill by element bits, constant pad, one-hot.
// CPU twin: org.voxelforge.core.cpu.CpuElementwise, CpuShapeOps, CpuIndexOps (Backends.cpu()).
// Java launcher: org.voxelforge.core.cuda.TensorKernels.
//
// Shapes and strides travel by value as one kernel parameter (VfLayout, all int64, at most
// VF_MAX_RANK axes): no device array to allocate and fill before a launch, and cuLaunchKernel
// copies it with the other parameters. TensorKernels coalesces axes first (drops size-1 axes,
// merges axes that are contiguous in every operand), so most launches see rank 1 to 3.
// Strides are in elements of each operand's dtype and may be 0 (broadcast) or negative (flip);
// pointers point at the view's element 0. dtype codes are the ordinals of org.voxelforge.core.DType.
#pragma once

#define VF_MAX_RANK 6

// K operands walked over one shape: dims[rank], and strides[k][rank] per operand.
template <int K> struct VfLayout {
    int64_t rank;
    int64_t dims[VF_MAX_RANK];
    int64_t strides[K][VF_MAX_RANK];
};

// Element offsets of flat (row-major) index i of the layout's shape, for every operand.
template <int K> __device__ __forceinline__ void vf_offsets(const VfLayout<K>& L, int64_t i, int64_t off[K]) {
    #pragma unroll
    for (int k = 0; k < K; k++) off[k] = 0;
    #pragma unroll
    for (int d = VF_MAX_RANK - 1; d >= 0; d--) {
        if (d < L.rank) {
            const int64_t n = L.dims[d], c = i % n;
            i /= n;
            #pragma unroll
            for (int k = 0; k < K; k++) off[k] += c * L.strides[k][d];
        }
    }
}

// ---- dtype conversion (DType.get / DType.set) ---------------------------------------------------

enum { VF_F32 = 0, VF_F64 = 1, VF_BF16 = 2, VF_F16 = 3, VF_I32 = 4, VF_I64 = 5, VF_U8 = 6, VF_BOOL = 7 };

__device__ __forceinline__ float vf_f16_to_f32(uint16_t h) {  // Float.float16ToFloat (exact)
    const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    const int e = (h >> 10) & 0x1f;
    const uint32_t m = h & 0x3ffu;
    if (e == 0x1f) return __uint_as_float(sign | 0x7f800000u | (m << 13));  // inf, NaN (payload kept)
    if (e == 0) return m == 0 ? __uint_as_float(sign) : (sign ? -1.f : 1.f) * (float)m * 0x1.0p-24f;  // zero, subnormal
    return __uint_as_float(sign | (uint32_t)(e - 15 + 127) << 23 | (m << 13));
}

// Float.floatToFloat16: round to nearest even, overflow to inf, NaN keeps sign and payload bits.
__device__ __forceinline__ uint16_t vf_f32_to_f16(float f) {
    const uint32_t u = __float_as_uint(f);
    const uint16_t sign = (uint16_t)((u >> 16) & 0x8000u);
    if (isnan(f)) return (uint16_t)(sign | 0x7c00u | ((u & 0x007fe000u) >> 13) | ((u & 0x00001ff0u) >> 4) | (u & 0xfu));
    const float a = fabsf(f);
    if (a >= 65520.f) return (uint16_t)(sign | 0x7c00u);  // max half + 1/2 ulp and above
    if (a <= 0x1.0p-25f) return sign;                      // half of the smallest subnormal rounds to 0 (even)
    int exp = (int)((u >> 23) & 0xffu) - 127;              // a is normal in float here (a > 2^-25)
    int shift = 13;
    uint32_t sig = u & 0x007fffffu;
    if (exp < -14) {                                       // half subnormal: the hidden bit joins the significand
        shift += -14 - exp;
        exp = -15;
        sig |= 0x00800000u;
    }
    uint32_t h = sig >> shift;
    const uint32_t lsb = sig & (1u << shift), round = sig & (1u << (shift - 1)), sticky = sig & ((1u << (shift - 1)) - 1u);
    if (round && (lsb | sticky)) h++;
    return (uint16_t)(sign | (uint16_t)(((uint32_t)(exp + 15) << 10) + h));  // a carry out of h bumps the exponent
}

// Java's (int) / (long) of a double: truncation toward zero, saturated, NaN -> 0. (C leaves
// out-of-range conversions undefined; x86 gives INT_MIN, a GPU saturates.)
__device__ __forceinline__ int32_t vf_d2i32(double v) {
    return isnan(v) ? 0 : v >= 2147483647.0 ? INT32_MAX : v <= -2147483648.0 ? INT32_MIN : (int32_t)v;
}
__device__ __forceinline__ int64_t vf_d2i64(double v) {
    return isnan(v) ? 0 : v >= 9223372036854775807.0 ? INT64_MAX : v <= -9223372036854775808.0 ? INT64_MIN : (int64_t)v;
}

// DType.get: element i of p widened to double.
__device__ __forceinline__ double vf_load(const void* p, int t, int64_t i) {
    switch (t) {
        case VF_F32: return ((const float*)p)[i];
        case VF_F64: return ((const double*)p)[i];
        case VF_BF16: return __uint_as_float((uint32_t)((const uint16_t*)p)[i] << 16);
        case VF_F16: return vf_f16_to_f32(((const uint16_t*)p)[i]);
        case VF_I32: return ((const int32_t*)p)[i];
        case VF_I64: return (double)((const int64_t*)p)[i];
        case VF_U8: return ((const uint8_t*)p)[i];
        default: return ((const uint8_t*)p)[i] != 0 ? 1.0 : 0.0;
    }
}

// DType.set: v narrowed with the type's rounding (16-bit floats through float32 first, as the CPU).
__device__ __forceinline__ void vf_store(void* p, int t, int64_t i, double v) {
    switch (t) {
        case VF_F32: ((float*)p)[i] = (float)v; break;
        case VF_F64: ((double*)p)[i] = v; break;
        case VF_BF16: ((uint16_t*)p)[i] = __bfloat16_as_ushort(__float2bfloat16((float)v)); break;
        case VF_F16: ((uint16_t*)p)[i] = vf_f32_to_f16((float)v); break;
        case VF_I32: ((int32_t*)p)[i] = vf_d2i32(v); break;
        case VF_I64: ((int64_t*)p)[i] = vf_d2i64(v); break;
        case VF_U8: ((uint8_t*)p)[i] = (uint8_t)vf_d2i32(v); break;
        default: ((uint8_t*)p)[i] = v != 0.0 ? 1 : 0; break;  // NaN != 0: true, as Java
    }
}

// Copies one element's bits (same dtype: exact for int64 and NaN payloads).
__device__ __forceinline__ void vf_copy_bits(const void* x, int64_t xi, void* y, int64_t yi, int bytes) {
    switch (bytes) {
        case 1: ((uint8_t*)y)[yi] = ((const uint8_t*)x)[xi]; break;
        case 2: ((uint16_t*)y)[yi] = ((const uint16_t*)x)[xi]; break;
        case 4: ((uint32_t*)y)[yi] = ((const uint32_t*)x)[xi]; break;
        default: ((uint64_t*)y)[yi] = ((const uint64_t*)x)[xi]; break;
    }
}

__device__ __forceinline__ int vf_dtype_bytes(int t) {
    return t == VF_F64 || t == VF_I64 ? 8 : t == VF_F32 || t == VF_I32 ? 4 : t == VF_BF16 || t == VF_F16 ? 2 : 1;
}

// ---- strided elementwise (float32), output contiguous -------------------------------------------

// y[i] = op(x at layout offset). L: strides[0] = x's.
VF_KERNEL void vf_unary_strided_f32(int op, const float* __restrict__ x, float* __restrict__ y, VfLayout<1> L, int64_t n) {
    VF_FOR_EACH(i, n) {
        int64_t o[1];
        vf_offsets(L, i, o);
        y[i] = vf_unary(op, x[o[0]]);
    }
}

// Element i of a binary op's output: float for arithmetic, bool (uint8 0/1) for comparisons (op >= 7).
__device__ __forceinline__ void vf_store_binary(int op, void* y, int64_t i, float v) {
    if (op >= 7) ((uint8_t*)y)[i] = v != 0.f;
    else ((float*)y)[i] = v;
}

// y[i] = a op b, a and b broadcast to y's shape (strides 0 on broadcast axes). Arithmetic writes
// float y; comparisons (op >= 7) write bool (uint8 0/1) y, as Backend.binary's BOOL result.
VF_KERNEL void vf_binary_strided_f32(int op, const float* __restrict__ a, const float* __restrict__ b, void* __restrict__ y,
                                     VfLayout<2> L, int64_t n) {
    VF_FOR_EACH(i, n) {
        int64_t o[2];
        vf_offsets(L, i, o);
        vf_store_binary(op, y, i, vf_binary(op, a[o[0]], b[o[1]]));
    }
}

// y[i] = x op s for x a float32 view (L: strides[0] = x's). s is Backend.binaryScalar's double,
// rounded to float here as the CPU does for a float32 tensor (its scalar becomes a float32
// tensor), then vf_binary: the same op switch as vf_binary_strided_f32, comparisons write bool.
VF_KERNEL void vf_binary_scalar_strided_f32(int op, const float* __restrict__ x, double s, void* __restrict__ y, VfLayout<1> L,
                                            int64_t n) {
    const float sf = (float)s;
    VF_FOR_EACH(i, n) {
        int64_t o[1];
        vf_offsets(L, i, o);
        vf_store_binary(op, y, i, vf_binary(op, x[o[0]], sf));
    }
}

// y[i] = cond ? a : b; cond is bool or uint8 (non-zero picks a). L: strides cond, a, b.
VF_KERNEL void vf_where_strided_f32(const uint8_t* __restrict__ cond, const float* __restrict__ a, const float* __restrict__ b,
                                    float* __restrict__ y, VfLayout<3> L, int64_t n) {
    VF_FOR_EACH(i, n) {
        int64_t o[3];
        vf_offsets(L, i, o);
        y[i] = cond[o[0]] != 0 ? a[o[1]] : b[o[2]];
    }
}

// y = x > 0 ? x : slope * x (float product, as the CPU's float32 row kernel).
VF_KERNEL void vf_leaky_relu_strided_f32(const float* __restrict__ x, float* __restrict__ y, float slope, VfLayout<1> L, int64_t n) {
    VF_FOR_EACH(i, n) {
        int64_t o[1];
        vf_offsets(L, i, o);
        const float v = x[o[0]];
        y[i] = v > 0.f ? v : slope * v;
    }
}

// leakyRelu's backward: y = x > 0 ? grad : slope * grad (float product; NaN x takes the slope
// branch), x and grad of one shape (L: strides[0] = x's, strides[1] = grad's).
VF_KERNEL void vf_leaky_relu_backward_strided_f32(const float* __restrict__ x, const float* __restrict__ grad, float* __restrict__ y,
                                                  float slope, VfLayout<2> L, int64_t n) {
    VF_FOR_EACH(i, n) {
        int64_t o[2];
        vf_offsets(L, i, o);
        const float g = grad[o[1]];
        y[i] = x[o[0]] > 0.f ? g : slope * g;
    }
}

// y = min(max(x, lo), hi) with Math.max/min semantics (NaN x stays NaN); a NaN bound is no bound.
VF_KERNEL void vf_clamp_strided_f32(const float* __restrict__ x, float* __restrict__ y, float lo, float hi, VfLayout<1> L, int64_t n) {
    VF_FOR_EACH(i, n) {
        int64_t o[1];
        vf_offsets(L, i, o);
        float v = x[o[0]];
        if (!isnan(lo)) v = vf_binary(5, v, lo);
        if (!isnan(hi)) v = vf_binary(6, v, hi);
        y[i] = v;
    }
}

// ---- data movement (any dtype) ----------------------------------------------------------------

// y (strides[0], may be a strided view) = x (strides[1]) converted from xType to yType through
// double exactly as DType.set(DType.get(..)); equal types copy bits. contiguous, copyInto, cast,
// flip (negative strides) and each slab of concat are this kernel.
VF_KERNEL void vf_copy_strided(const void* __restrict__ x, int xType, void* __restrict__ y, int yType, VfLayout<2> L, int64_t n) {
    const int bytes = vf_dtype_bytes(yType);
    VF_FOR_EACH(i, n) {
        int64_t o[2];
        vf_offsets(L, i, o);
        if (xType == yType) vf_copy_bits(x, o[1], y, o[0], bytes);
        else vf_store(y, yType, o[0], vf_load(x, xType, o[1]));
    }
}

// Fill of a view of any dtype (L: strides[0] = y's; any non-overlapping view) with one element's
// bits (the low elementBytes bytes of `bits`: the value as DType.set writes it, so NaN payloads,
// -0 and int64 beyond 2^53 are exact).
VF_KERNEL void vf_fill_bits(void* __restrict__ y, int elementBytes, uint64_t bits, VfLayout<1> L, int64_t n) {
    VF_FOR_EACH(i, n) {
        int64_t o[1];
        vf_offsets(L, i, o);
        switch (elementBytes) {
            case 1: ((uint8_t*)y)[o[0]] = (uint8_t)bits; break;
            case 2: ((uint16_t*)y)[o[0]] = (uint16_t)bits; break;
            case 4: ((uint32_t*)y)[o[0]] = (uint32_t)bits; break;
            default: ((uint64_t*)y)[o[0]] = bits; break;
        }
    }
}

// Constant pad of an input view into a contiguous output of the same dtype.
struct VfPadLayout {
    int64_t rank;
    int64_t outDims[VF_MAX_RANK];
    int64_t inDims[VF_MAX_RANK];
    int64_t before[VF_MAX_RANK];
    int64_t inStrides[VF_MAX_RANK];
};

// y[i] = x at (out coordinate - before) when inside x on every axis, else the element whose bits
// are valueBits (the pad value already rounded to the dtype by DType.set, low `bytes` bytes).
VF_KERNEL void vf_pad_constant(const void* __restrict__ x, void* __restrict__ y, int bytes, uint64_t valueBits, VfPadLayout L, int64_t n) {
    VF_FOR_EACH(i, n) {
        int64_t rem = i, src = 0;
        bool inside = true;
        #pragma unroll
        for (int d = VF_MAX_RANK - 1; d >= 0; d--) {
            if (d < L.rank) {
                const int64_t c = rem % L.outDims[d] - L.before[d];
                rem /= L.outDims[d];
                inside = inside && c >= 0 && c < L.inDims[d];
                src += c * L.inStrides[d];
            }
        }
        if (inside) {
            vf_copy_bits(x, src, y, i, bytes);
        } else {
            switch (bytes) {
                case 1: ((uint8_t*)y)[i] = (uint8_t)valueBits; break;
                case 2: ((uint16_t*)y)[i] = (uint16_t)valueBits; break;
                case 4: ((uint32_t*)y)[i] = (uint32_t)valueBits; break;
                default: ((uint64_t*)y)[i] = valueBits; break;
            }
        }
    }
}

// One-hot: y [outer, C, inner] (contiguous; the class axis inserted at the launcher's axis) from
// labels [outer, inner] (int32 when labelBytes is 4, int64 when 8; L: the label view over
// [outer * inner] flattened shape, strides[0] = the labels'). y = 1 where the label equals the
// class, else 0. A label outside [0, C) gives a zero column and its flat label position is
// recorded in *bad when *bad is still -1 (the CPU throws there; the caller reads *bad and throws
// the CPU's IllegalArgumentException). bad may be null.
VF_KERNEL void vf_one_hot_f32(const void* __restrict__ labels, int labelBytes, float* __restrict__ y, int64_t classes,
                              int64_t inner, VfLayout<1> L, long long* bad, int64_t n) {
    VF_FOR_EACH(i, n) {
        const int64_t in = i % inner, c = (i / inner) % classes, out = i / (inner * classes);
        const int64_t pos = out * inner + in;
        int64_t o[1];
        vf_offsets(L, pos, o);
        const int64_t label = labelBytes == 4 ? (int64_t)((const int32_t*)labels)[o[0]] : ((const int64_t*)labels)[o[0]];
        y[i] = label == c ? 1.f : 0.f;
        if (c == 0 && (label < 0 || label >= classes) && bad != nullptr) {
            atomicCAS((unsigned long long*)bad, ~0ull, (unsigned long long)pos);
        }
    }
}
