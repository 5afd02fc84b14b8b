// upsample3d.cuh: 3D resizing with PyTorch's interpolate(size=...) rules, NEAREST and TRILINEAR
// (align_corners both ways), and its adjoint, float32, both operands dense NCDHW or both dense NDHWC
// (the stored order of a channels-last tensor; ndhwc in the struct). CPU twin and reference:
// org.voxelforge.core.cpu.CpuUpsample3d (its Taps are what vf_up_tap computes). Launched by
// PoolKernels.
//
//   vf_upsample3d_fwd_f32  one thread per output element: the (up to 8) taps of its source position,
//       zero-weight taps skipped, added in (z, y, x) corner order.
//   vf_upsample3d_bwd_f32  one thread per input element: a gather over the outputs whose taps read it,
//       in ascending output order (the order CPU's scatter adds them in), so no atomics and the
//       same result every run. The outputs that can read input i along an axis form a short
//       interval (the source coordinate is monotone in the output index); vf_up_candidates gives
//       it with a margin and each candidate is checked against its exact taps.
//
// Source indices follow the CPU exactly: NEAREST in float (PyTorch's legacy rule, where the float
// product decides ties), TRILINEAR coordinates in double with the product kept out of an FMA, so
// that the integer part, and hence which voxels are read, is the CPU's. Weights and sums are float.
//
// Layouts as in pool3d.cuh (whose vf_layout_* helpers this uses): thread i takes element i of the
// tensor it writes in that tensor's memory order, so in NDHWC consecutive threads take consecutive
// channels of one voxel; taps, weights and the order of every sum are the same in both layouts.
#pragma once
#include "pool3d.cuh"

// Sizes of one resize: planes = N * C, input D x H x W, output OD x OH x OW, channels C and the
// layout (ndhwc 0: NCDHW, 1: NDHWC). Java: KernelArgs.i64s.
struct VfResize3d {
    int64_t planes, d, h, w, od, oh, ow;
    int64_t c, ndhwc;
};

// UpsampleMode ordinals.
#define VF_UPSAMPLE_NEAREST 0
#define VF_UPSAMPLE_TRILINEAR 1

// A double product nvcc may not contract with a following add (g++ in the emulator never does).
#ifdef VF_EMULATE
__device__ __forceinline__ double vf_up_dmul(double a, double b) { return a * b; }
#else
__device__ __forceinline__ double vf_up_dmul(double a, double b) { return __dmul_rn(a, b); }
#endif

// One output index's source along an axis: indices i0, i1 and weights l0, l1 (nearest: i1 = i0, l1 = 0).
struct VfTap {
    int64_t i0, i1;
    float l0, l1;
};

// CpuUpsample3d.nearest: min(floor(dst * (float)(in / out)), in - 1), the product in float.
__device__ __forceinline__ int64_t vf_up_nearest(int64_t dst, int64_t in, int64_t out) {
    if (out == in) return dst;
    if (out == 2 * in) return dst >> 1;
    const float scale = (float)in / (float)out;
    const int64_t s = (int64_t)floorf((float)dst * scale);
    return s < in - 1 ? s : in - 1;
}

// CpuUpsample3d.linearSource: align_corners maps corner centres onto each other, else pixel areas.
__device__ __forceinline__ double vf_up_linear_source(int64_t dst, int64_t in, int64_t out, int alignCorners) {
    if (alignCorners) {
        const double scale = out > 1 ? (double)(in - 1) / (double)(out - 1) : 0.0;
        return vf_up_dmul(scale, (double)dst);
    }
    const double scale = (double)in / (double)out;
    const double src = vf_up_dmul(scale, (double)dst + 0.5) - 0.5;
    return src > 0.0 ? src : 0.0;
}

__device__ __forceinline__ VfTap vf_up_tap(int mode, int alignCorners, int64_t in, int64_t out, int64_t o) {
    VfTap t;
    if (mode == VF_UPSAMPLE_NEAREST || in == out) {
        t.i0 = t.i1 = mode == VF_UPSAMPLE_NEAREST ? vf_up_nearest(o, in, out) : o;
        t.l0 = 1.f;
        t.l1 = 0.f;
    } else {
        const double src = vf_up_linear_source(o, in, out, alignCorners);
        const int64_t i = (int64_t)src;  // src >= 0, so truncation is floor
        const double lb = src - (double)i;
        t.i0 = i;
        t.i1 = i < in - 1 ? i + 1 : i;
        t.l1 = (float)lb;
        t.l0 = (float)(1.0 - lb);
    }
    return t;
}

// The weight with which output o's tap reads input i (0 when it does not).
__device__ __forceinline__ float vf_up_weight_of(const VfTap& t, int64_t i) {
    return (t.i0 == i ? t.l0 : 0.f) + (t.i1 == i && t.l1 != 0.f ? t.l1 : 0.f);
}

// Outputs [lo, hi] (inclusive) that may read input i along an axis: the real interval where i0 is
// i - 1 or i (nearest: i0 = i), widened by 2 for the rounding of the coordinates, clipped to [0, out).
__device__ __forceinline__ void vf_up_candidates(int mode, int alignCorners, int64_t in, int64_t out, int64_t i,
                                                 int64_t& lo, int64_t& hi) {
    double a, b;
    if (mode == VF_UPSAMPLE_NEAREST) {
        a = (double)i * out / in;
        b = i == in - 1 ? (double)out : (double)(i + 1) * out / in;
    } else if (alignCorners) {
        if (in == 1 || out == 1) {  // every output reads input 0
            a = 0;
            b = i == 0 ? (double)out : -4.0;
        } else {
            const double perIn = (double)(out - 1) / (double)(in - 1);
            a = (double)(i - 1) * perIn;
            b = (double)(i + 1) * perIn;
        }
    } else {
        const double perIn = (double)out / (double)in;
        a = ((double)i - 0.5) * perIn - 0.5;
        b = ((double)i + 1.5) * perIn - 0.5;
    }
    a = floor(a) - 2;
    b = ceil(b) + 2;
    lo = a <= 0 ? 0 : (a >= (double)out ? out : (int64_t)a);
    hi = b >= (double)(out - 1) ? out - 1 : (b < 0 ? -1 : (int64_t)b);
}

VF_KERNEL void vf_upsample3d_fwd_f32(const float* __restrict__ x, float* __restrict__ y, VfResize3d g, int mode,
                                     int alignCorners) {
    const int64_t n = g.planes * g.od * g.oh * g.ow, inPlane = g.d * g.h * g.w;
    VF_FOR_EACH(i, n) {
        int64_t plane, oz, oy, ox;
        vf_layout_coords(i, g.c, g.ndhwc, g.od, g.oh, g.ow, plane, oz, oy, ox);
        const VfTap tz = vf_up_tap(mode, alignCorners, g.d, g.od, oz);
        const VfTap ty = vf_up_tap(mode, alignCorners, g.h, g.oh, oy);
        const VfTap tx = vf_up_tap(mode, alignCorners, g.w, g.ow, ox);
        const float* xp = x + vf_layout_plane(plane, inPlane, g.c, g.ndhwc);
        const int64_t step = vf_layout_step(g.c, g.ndhwc);
        float acc = 0.f;
        for (int cz = 0; cz < 2; cz++) {
            const float wz = cz ? tz.l1 : tz.l0;
            if (wz == 0.f) continue;
            const int64_t iz = cz ? tz.i1 : tz.i0;
            for (int cy = 0; cy < 2; cy++) {
                const float wy = cy ? ty.l1 : ty.l0;
                if (wy == 0.f) continue;
                const int64_t row = (iz * g.h + (cy ? ty.i1 : ty.i0)) * g.w;
                for (int cx = 0; cx < 2; cx++) {
                    const float wx = cx ? tx.l1 : tx.l0;
                    if (wx == 0.f) continue;
                    acc += wz * wy * wx * xp[(row + (cx ? tx.i1 : tx.i0)) * step];
                }
            }
        }
        y[i] = acc;
    }
}

VF_KERNEL void vf_upsample3d_bwd_f32(const float* __restrict__ dy, float* __restrict__ dx, VfResize3d g, int mode,
                                     int alignCorners) {
    const int64_t n = g.planes * g.d * g.h * g.w, outPlane = g.od * g.oh * g.ow;
    VF_FOR_EACH(i, n) {
        int64_t plane, z, y, x;
        vf_layout_coords(i, g.c, g.ndhwc, g.d, g.h, g.w, plane, z, y, x);
        int64_t oz0, oz1, oy0, oy1, ox0, ox1;
        vf_up_candidates(mode, alignCorners, g.d, g.od, z, oz0, oz1);
        vf_up_candidates(mode, alignCorners, g.h, g.oh, y, oy0, oy1);
        vf_up_candidates(mode, alignCorners, g.w, g.ow, x, ox0, ox1);
        const float* dyp = dy + vf_layout_plane(plane, outPlane, g.c, g.ndhwc);
        const int64_t step = vf_layout_step(g.c, g.ndhwc);
        float acc = 0.f;
        for (int64_t oz = oz0; oz <= oz1; oz++) {
            const float wz = vf_up_weight_of(vf_up_tap(mode, alignCorners, g.d, g.od, oz), z);
            if (wz == 0.f) continue;
            for (int64_t oy = oy0; oy <= oy1; oy++) {
                const float wy = vf_up_weight_of(vf_up_tap(mode, alignCorners, g.h, g.oh, oy), y);
                if (wy == 0.f) continue;
                const int64_t row = (oz * g.oh + oy) * g.ow;
                for (int64_t ox = ox0; ox <= ox1; ox++) {
                    const float wx = vf_up_weight_of(vf_up_tap(mode, alignCorners, g.w, g.ow, ox), x);
                    if (wx == 0.f) continue;
                    acc += wz * wy * wx * dyp[(row + ox) * step];
                }
            }
        }
        dx[i] = acc;
    }
}
