// pool3d.cuh: 3D max, average and adaptive average pooling, forward and backward, float32, every
// operand dense NCDHW or every operand dense NDHWC (the stored order of a channels-last tensor; the
// struct's ndhwc flag says which). CPU twin and reference: org.voxelforge.core.cpu.CpuPool3d (the semantics are the
// javadoc of Backend#maxPool3d and neighbours). Launched by PoolKernels.
//
//   vf_maxpool3d_fwd_f32   one thread per output element: max over the window's real voxels in
//       (z, y, x) order, a later voxel winning only when strictly greater, the first NaN winning
//       outright; the INT64 index is the winner's flat (z * H + y) * W + x within its plane (the
//       first real voxel of the window when nothing beats -inf). The indices are stored like y (in
//       the same layout) and mean the same in both layouts.
//   vf_maxpool3d_bwd_f32   one thread per input element: the sum, in ascending output order, of gradY
//       over the windows that cover the voxel and whose stored index is that voxel. A gather, so no
//       atomics and the same result every run; an index outside its own window (never written by
//       the forward) is ignored.
//   vf_avgpool3d_fwd_f32 / _bwd_f32           window mean; the backward gathers gradY / divisor over
//       the covering windows in ascending output order.
//   vf_adaptive_avgpool3d_fwd_f32 / _bwd_f32  the same over PyTorch's adaptive windows.
//
// The windows (PyTorch's, ceil_mode false): output o along an axis starts at o * s - p and ends at
// min(start + k, in + p); the real part is that clipped to [0, in); countIncludePad divides by the
// unclipped size. Adaptive windows are [floor(o * in / out), ceil((o + 1) * in / out)).
// Flat indices are int64 throughout; per-axis coordinates fit an int (the dims are Java ints).
//
// Layouts: thread i takes element i of its output (forward) or input (backward) in that tensor's
// memory order. NCDHW: plane (n * C + c) after plane, voxels fastest. NDHWC: element (n, c, voxel q)
// at (n * Q + q) * C + c, so consecutive threads take consecutive channels of one voxel and their
// reads of the other operand (one voxel's channels, stride C between voxels) are coalesced. The
// arithmetic, and the order of every sum, is the same in both layouts.
#pragma once

// Sizes of one pooling: planes = N * C, input D x H x W, output OD x OH x OW, window, stride and
// padding per axis (D, H, W), channels C and the layout (ndhwc 0: NCDHW, 1: NDHWC). All int64 so
// that Java packs it as one run of longs (KernelArgs.i64s).
struct VfPool3d {
    int64_t planes, d, h, w, od, oh, ow;
    int64_t k[3], s[3], p[3];
    int64_t c, ndhwc;
};

// ---- layouts (also used by upsample3d.cuh) ---------------------------------------------------------

// Splits flat index i of [planes, a, b, e] (plane-major, NCDHW) into (plane, ia, ib, ie).
__device__ __forceinline__ void vf_pool_coords(int64_t i, int64_t a, int64_t b, int64_t e,
                                               int64_t& plane, int64_t& ia, int64_t& ib, int64_t& ie) {
    ie = i % e;
    int64_t t = i / e;
    ib = t % b;
    t /= b;
    ia = t % a;
    plane = t / a;
}

// Element i of a dense tensor [N, C, a, b, e] in its layout: the plane n * C + ch it belongs to and
// its voxel (ia, ib, ie). NDHWC counts channels fastest, then voxels, then samples.
__device__ __forceinline__ void vf_layout_coords(int64_t i, int64_t c, int64_t ndhwc, int64_t a, int64_t b, int64_t e,
                                                 int64_t& plane, int64_t& ia, int64_t& ib, int64_t& ie) {
    if (!ndhwc) {
        vf_pool_coords(i, a, b, e, plane, ia, ib, ie);
        return;
    }
    int64_t n;
    vf_pool_coords(i / c, a, b, e, n, ia, ib, ie);
    plane = n * c + i % c;
}

// Where voxel 0 of plane n * C + ch lies in a dense tensor of `voxels` voxels per plane in the
// layout; voxel q of the plane is vf_layout_step elements further per voxel.
__device__ __forceinline__ int64_t vf_layout_plane(int64_t plane, int64_t voxels, int64_t c, int64_t ndhwc) {
    return ndhwc ? (plane / c) * voxels * c + plane % c : plane * voxels;
}

__device__ __forceinline__ int64_t vf_layout_step(int64_t c, int64_t ndhwc) { return ndhwc ? c : 1; }

__device__ __forceinline__ int64_t vf_pool_min(int64_t a, int64_t b) { return a < b ? a : b; }
__device__ __forceinline__ int64_t vf_pool_max(int64_t a, int64_t b) { return a > b ? a : b; }

// The real part [lo, hi) of pooling window o on one axis of size n, and its size counting padding.
__device__ __forceinline__ void vf_pool_window(int64_t o, int64_t n, int64_t k, int64_t s, int64_t p,
                                               int64_t& lo, int64_t& hi, int64_t& padded) {
    const int64_t start = o * s - p;
    const int64_t end = vf_pool_min(start + k, n + p);
    padded = end - start;
    lo = vf_pool_max(start, 0);
    hi = vf_pool_min(end, n);
}

// The outputs [lo, hi] (inclusive, maybe empty) whose pooling window covers input i on one axis:
// start <= i < start + k, i.e. (i + p - k + 1) / s <= o <= (i + p) / s, clipped to [0, out).
__device__ __forceinline__ void vf_pool_covering(int64_t i, int64_t out, int64_t k, int64_t s, int64_t p,
                                                 int64_t& lo, int64_t& hi) {
    const int64_t first = i + p - k + 1;
    lo = first <= 0 ? 0 : (first + s - 1) / s;
    hi = vf_pool_min((i + p) / s, out - 1);
}

// Adaptive window of output o of `out` over `in`: [floor(o * in / out), ceil((o + 1) * in / out)).
__device__ __forceinline__ int64_t vf_adaptive_start(int64_t o, int64_t out, int64_t in) { return o * in / out; }
__device__ __forceinline__ int64_t vf_adaptive_end(int64_t o, int64_t out, int64_t in) { return ((o + 1) * in + out - 1) / out; }

// Input element i (in g's layout): its plane and voxel, and on each axis the outputs [lo, hi]
// whose window covers it (what the gather backwards of max and average pooling sum over).
__device__ __forceinline__ void vf_pool_covering3(int64_t i, const VfPool3d& g, int64_t& plane, int64_t& z, int64_t& y, int64_t& x,
                                                  int64_t& oz0, int64_t& oz1, int64_t& oy0, int64_t& oy1, int64_t& ox0, int64_t& ox1) {
    vf_layout_coords(i, g.c, g.ndhwc, g.d, g.h, g.w, plane, z, y, x);
    vf_pool_covering(z, g.od, g.k[0], g.s[0], g.p[0], oz0, oz1);
    vf_pool_covering(y, g.oh, g.k[1], g.s[1], g.p[1], oy0, oy1);
    vf_pool_covering(x, g.ow, g.k[2], g.s[2], g.p[2], ox0, ox1);
}

// ---- max -----------------------------------------------------------------------------------------

// The max of one window's real voxels and its flat index, with CpuPool3d.maxPool's scan order;
// voxel q of the plane is xp[q * step].
__device__ __forceinline__ void vf_window_max(const float* __restrict__ xp, int64_t step, int64_t h, int64_t w,
                                              int64_t z0, int64_t z1, int64_t y0, int64_t y1, int64_t x0, int64_t x1,
                                              float& best, int64_t& at) {
    best = -INFINITY;
    at = (z0 * h + y0) * w + x0;  // PyTorch starts from the first real voxel
    for (int64_t z = z0; z < z1; z++) {
        for (int64_t y = y0; y < y1; y++) {
            const int64_t row = (z * h + y) * w;
            for (int64_t x = x0; x < x1; x++) {
                const float v = xp[(row + x) * step];
                if (v > best || isnan(v)) {
                    best = v;
                    at = row + x;
                    if (isnan(v)) return;  // the first NaN wins, as in PyTorch
                }
            }
        }
    }
}

VF_KERNEL void vf_maxpool3d_fwd_f32(const float* __restrict__ x, float* __restrict__ y, int64_t* __restrict__ indices,
                                    VfPool3d g) {
    const int64_t n = g.planes * g.od * g.oh * g.ow, inPlane = g.d * g.h * g.w;
    VF_FOR_EACH(i, n) {
        int64_t plane, oz, oy, ox, z0, z1, y0, y1, x0, x1, padded;
        vf_layout_coords(i, g.c, g.ndhwc, g.od, g.oh, g.ow, plane, oz, oy, ox);
        vf_pool_window(oz, g.d, g.k[0], g.s[0], g.p[0], z0, z1, padded);
        vf_pool_window(oy, g.h, g.k[1], g.s[1], g.p[1], y0, y1, padded);
        vf_pool_window(ox, g.w, g.k[2], g.s[2], g.p[2], x0, x1, padded);
        float best;
        int64_t at;
        vf_window_max(x + vf_layout_plane(plane, inPlane, g.c, g.ndhwc), vf_layout_step(g.c, g.ndhwc), g.h, g.w, z0, z1, y0, y1, x0, x1, best, at);
        y[i] = best;
        indices[i] = at;
    }
}

VF_KERNEL void vf_maxpool3d_bwd_f32(const float* __restrict__ dy, const int64_t* __restrict__ indices,
                                    float* __restrict__ dx, VfPool3d g) {
    const int64_t n = g.planes * g.d * g.h * g.w, outPlane = g.od * g.oh * g.ow;
    VF_FOR_EACH(i, n) {
        int64_t plane, z, y, x, oz0, oz1, oy0, oy1, ox0, ox1;
        vf_pool_covering3(i, g, plane, z, y, x, oz0, oz1, oy0, oy1, ox0, ox1);
        const int64_t self = (z * g.h + y) * g.w + x, base = vf_layout_plane(plane, outPlane, g.c, g.ndhwc);
        const int64_t step = vf_layout_step(g.c, g.ndhwc);
        float acc = 0.f;
        for (int64_t oz = oz0; oz <= oz1; oz++) {
            for (int64_t oy = oy0; oy <= oy1; oy++) {
                const int64_t row = (oz * g.oh + oy) * g.ow;
                for (int64_t ox = ox0; ox <= ox1; ox++) {
                    const int64_t at = base + (row + ox) * step;
                    if (indices[at] == self) acc += dy[at];
                }
            }
        }
        dx[i] = acc;
    }
}

// ---- average -------------------------------------------------------------------------------------

// The float sum of one window's real voxels, in scan order (z, then y, then x), as CpuPool3d adds
// them; voxel q of the plane is xp[q * step].
__device__ __forceinline__ float vf_window_sum(const float* __restrict__ xp, int64_t step, int64_t h, int64_t w,
                                               int64_t z0, int64_t z1, int64_t y0, int64_t y1, int64_t x0, int64_t x1) {
    float acc = 0.f;
    for (int64_t z = z0; z < z1; z++) {
        for (int64_t y = y0; y < y1; y++) {
            const int64_t row = (z * h + y) * w;
            for (int64_t x = x0; x < x1; x++) acc += xp[(row + x) * step];
        }
    }
    return acc;
}

VF_KERNEL void vf_avgpool3d_fwd_f32(const float* __restrict__ x, float* __restrict__ y, VfPool3d g, int countIncludePad) {
    const int64_t n = g.planes * g.od * g.oh * g.ow, inPlane = g.d * g.h * g.w;
    VF_FOR_EACH(i, n) {
        int64_t plane, oz, oy, ox, z0, z1, y0, y1, x0, x1, pz, py, px;
        vf_layout_coords(i, g.c, g.ndhwc, g.od, g.oh, g.ow, plane, oz, oy, ox);
        vf_pool_window(oz, g.d, g.k[0], g.s[0], g.p[0], z0, z1, pz);
        vf_pool_window(oy, g.h, g.k[1], g.s[1], g.p[1], y0, y1, py);
        vf_pool_window(ox, g.w, g.k[2], g.s[2], g.p[2], x0, x1, px);
        const float acc = vf_window_sum(x + vf_layout_plane(plane, inPlane, g.c, g.ndhwc), vf_layout_step(g.c, g.ndhwc), g.h, g.w, z0, z1, y0, y1, x0, x1);
        const int64_t count = countIncludePad ? pz * py * px : (z1 - z0) * (y1 - y0) * (x1 - x0);
        y[i] = acc / (float)count;
    }
}

VF_KERNEL void vf_avgpool3d_bwd_f32(const float* __restrict__ dy, float* __restrict__ dx, VfPool3d g, int countIncludePad) {
    const int64_t n = g.planes * g.d * g.h * g.w, outPlane = g.od * g.oh * g.ow;
    VF_FOR_EACH(i, n) {
        int64_t plane, z, y, x, oz0, oz1, oy0, oy1, ox0, ox1;
        vf_pool_covering3(i, g, plane, z, y, x, oz0, oz1, oy0, oy1, ox0, ox1);
        const float* dyp = dy + vf_layout_plane(plane, outPlane, g.c, g.ndhwc);
        const int64_t step = vf_layout_step(g.c, g.ndhwc);
        float acc = 0.f;
        for (int64_t oz = oz0; oz <= oz1; oz++) {
            int64_t z0, z1, pz;
            vf_pool_window(oz, g.d, g.k[0], g.s[0], g.p[0], z0, z1, pz);
            for (int64_t oy = oy0; oy <= oy1; oy++) {
                int64_t y0, y1, py;
                vf_pool_window(oy, g.h, g.k[1], g.s[1], g.p[1], y0, y1, py);
                const int64_t row = (oz * g.oh + oy) * g.ow;
                for (int64_t ox = ox0; ox <= ox1; ox++) {
                    int64_t x0, x1, px;
                    vf_pool_window(ox, g.w, g.k[2], g.s[2], g.p[2], x0, x1, px);
                    const int64_t count = countIncludePad ? pz * py * px : (z1 - z0) * (y1 - y0) * (x1 - x0);
                    acc += dyp[(row + ox) * step] / (float)count;
                }
            }
        }
        dx[i] = acc;
    }
}

// ---- adaptive average ----------------------------------------------------------------------------

VF_KERNEL void vf_adaptive_avgpool3d_fwd_f32(const float* __restrict__ x, float* __restrict__ y, VfPool3d g) {
    const int64_t n = g.planes * g.od * g.oh * g.ow, inPlane = g.d * g.h * g.w;
    VF_FOR_EACH(i, n) {
        int64_t plane, oz, oy, ox;
        vf_layout_coords(i, g.c, g.ndhwc, g.od, g.oh, g.ow, plane, oz, oy, ox);
        const int64_t z0 = vf_adaptive_start(oz, g.od, g.d), z1 = vf_adaptive_end(oz, g.od, g.d);
        const int64_t y0 = vf_adaptive_start(oy, g.oh, g.h), y1 = vf_adaptive_end(oy, g.oh, g.h);
        const int64_t x0 = vf_adaptive_start(ox, g.ow, g.w), x1 = vf_adaptive_end(ox, g.ow, g.w);
        const float acc = vf_window_sum(x + vf_layout_plane(plane, inPlane, g.c, g.ndhwc), vf_layout_step(g.c, g.ndhwc), g.h, g.w, z0, z1, y0, y1, x0, x1);
        y[i] = acc / (float)((z1 - z0) * (y1 - y0) * (x1 - x0));
    }
}

// The adaptive outputs [lo, hi] whose window covers input i: start(o) <= i < end(o) holds exactly
// for floor(i * out / in) <= o <= ceil((i + 1) * out / in) - 1.
__device__ __forceinline__ void vf_adaptive_covering(int64_t i, int64_t out, int64_t in, int64_t& lo, int64_t& hi) {
    lo = i * out / in;
    hi = vf_pool_min(((i + 1) * out + in - 1) / in - 1, out - 1);
}

VF_KERNEL void vf_adaptive_avgpool3d_bwd_f32(const float* __restrict__ dy, float* __restrict__ dx, VfPool3d g) {
    const int64_t n = g.planes * g.d * g.h * g.w, outPlane = g.od * g.oh * g.ow;
    VF_FOR_EACH(i, n) {
        int64_t plane, z, y, x, oz0, oz1, oy0, oy1, ox0, ox1;
        vf_layout_coords(i, g.c, g.ndhwc, g.d, g.h, g.w, plane, z, y, x);
        vf_adaptive_covering(z, g.od, g.d, oz0, oz1);
        vf_adaptive_covering(y, g.oh, g.h, oy0, oy1);
        vf_adaptive_covering(x, g.ow, g.w, ox0, ox1);
        const float* dyp = dy + vf_layout_plane(plane, outPlane, g.c, g.ndhwc);
        const int64_t step = vf_layout_step(g.c, g.ndhwc);
        float acc = 0.f;
        for (int64_t oz = oz0; oz <= oz1; oz++) {
            const int64_t sz = vf_adaptive_end(oz, g.od, g.d) - vf_adaptive_start(oz, g.od, g.d);
            for (int64_t oy = oy0; oy <= oy1; oy++) {
                const int64_t szy = sz * (vf_adaptive_end(oy, g.oh, g.h) - vf_adaptive_start(oy, g.oh, g.h));
                const int64_t row = (oz * g.oh + oy) * g.ow;
                for (int64_t ox = ox0; ox <= ox1; ox++) {
                    const int64_t size = szy * (vf_adaptive_end(ox, g.ow, g.w) - vf_adaptive_start(ox, g.ow, g.w));
                    acc += dyp[(row + ox) * step] / (float)size;
                }
            }
        }
        dx[i] = acc;
    }
}
