// index_ops.cuh: index-driven data movement with int32 or int64 indices: gather (PyTorch's, along
// an axis) and its adjoint scatterAdd, indexSelect (a rank-1 index picks whole slices) and its
// adjoint indexAdd. gather and indexSelect copy element bits of any dtype; the adds are float32.
// CPU twin: org.voxelforge.core.cpu.CpuIndexOps (Backends.cpu()); Backend's javadoc gives the
// semantics. Java launcher: org.voxelforge.core.cuda.IndexKernels.
//
// Deterministic without atomics: every destination element is owned by one thread, which adds
// its contributions in index order, as the CPU does, so the adds match the CPU bit for bit
// (a float + float rounded once, like the CPU's double sum stored as float). scatterAdd: a thread
// per line of index along the axis (it owns the dst line at the same other coordinates); indexAdd:
// a thread per dst element, which scans the whole rank-1 index (O(len(index)) per element: fine
// for the short indices of the engine; a sort-based version would be needed for long ones).
//
// Out-of-range indices: the CPU throws an IndexOutOfBoundsException. Here `bad` (a device int64[2]
// the caller set to {-1, 0}, or null) gets the flat position of a bad index in bad[0] (the first
// thread to swap it from -1 wins) and that index's value in bad[1]; the caller checks bad[0] and
// throws the CPU's exception (IndexKernels.outOfRange). gather and indexSelect write 0 for a bad
// index. The adds check first (vf_index_check, a launch before the add on the same stream) and do
// nothing at all when bad[0] != -1, so dst is untouched on error, as on the CPU.
// Layouts are tensor_ops.cuh's VfLayout (coalesced by the launcher); pointers are element 0 of views.
#pragma once

__device__ __forceinline__ int64_t vf_load_index(const void* p, int indexBytes, int64_t i) {
    return indexBytes == 4 ? (int64_t)((const int32_t*)p)[i] : ((const int64_t*)p)[i];
}

__device__ __forceinline__ void vf_zero_element(void* y, int64_t i, int elementBytes) {
    switch (elementBytes) {
        case 1: ((uint8_t*)y)[i] = 0; break;
        case 2: ((uint16_t*)y)[i] = 0; break;
        case 4: ((uint32_t*)y)[i] = 0; break;
        default: ((uint64_t*)y)[i] = 0; break;
    }
}

// Records (position, value) of an out-of-range index when no other one was recorded yet.
__device__ __forceinline__ void vf_record_bad_index(long long* bad, int64_t position, int64_t value) {
    if (bad != nullptr && atomicCAS((unsigned long long*)bad, ~0ull, (unsigned long long)position) == ~0ull) bad[1] = value;
}

// bad[0] of every index of a view (L: the index's shape, strides[0] = its strides) outside
// [0, axisLen), position = flat row-major position in the index's shape.
VF_KERNEL void vf_index_check(const void* __restrict__ index, int indexBytes, int64_t axisLen, VfLayout<1> L, long long* bad,
                              int64_t n) {
    VF_FOR_EACH(i, n) {
        int64_t o[1];
        vf_offsets(L, i, o);
        const int64_t k = vf_load_index(index, indexBytes, o[0]);
        if (k < 0 || k >= axisLen) vf_record_bad_index(bad, i, k);
    }
}

// gather: y[p] = x[p with p[axis] := index[p]] over index's shape (y contiguous, n elements).
// L: index's shape; strides[0] = index's, strides[1] = x's with 0 on the axis (the base of the
// other coordinates); the axis coordinate adds index * xAxisStride.
VF_KERNEL void vf_gather(const void* __restrict__ x, int elementBytes, int64_t xAxisStride, int64_t axisLen,
                         const void* __restrict__ index, int indexBytes, void* __restrict__ y, VfLayout<2> L, long long* bad,
                         int64_t n) {
    VF_FOR_EACH(i, n) {
        int64_t o[2];
        vf_offsets(L, i, o);
        const int64_t k = vf_load_index(index, indexBytes, o[0]);
        if (k >= 0 && k < axisLen) {
            vf_copy_bits(x, o[1] + k * xAxisStride, y, i, elementBytes);
        } else {
            vf_zero_element(y, i, elementBytes);
            vf_record_bad_index(bad, i, k);
        }
    }
}

// indexSelect: y's slice j along the axis = x's slice index[j], for j < len. Element i of the
// launch is (j, r) = (i / restN, i % restN), r the flat position over the other axes (L: their
// coalesced shape; strides[0] = y's, strides[1] = x's), so consecutive threads walk a slice.
VF_KERNEL void vf_index_select(const void* __restrict__ x, int elementBytes, int64_t xAxisStride, int64_t axisLen,
                               const void* __restrict__ index, int indexBytes, int64_t indexStride, void* __restrict__ y,
                               int64_t yAxisStride, VfLayout<2> L, int64_t restN, long long* bad, int64_t n) {
    VF_FOR_EACH(i, n) {
        const int64_t j = i / restN, r = i % restN;
        int64_t o[2];
        vf_offsets(L, r, o);
        const int64_t k = vf_load_index(index, indexBytes, j * indexStride);
        const int64_t yi = o[0] + j * yAxisStride;
        if (k >= 0 && k < axisLen) {
            vf_copy_bits(x, o[1] + k * xAxisStride, y, yi, elementBytes);
        } else {
            vf_zero_element(y, yi, elementBytes);
            if (r == 0) vf_record_bad_index(bad, j, k);
        }
    }
}

// scatterAdd: dst[p with p[axis] := index[p]] += src[p] over index's shape, in place. One thread
// per position of index's other axes (L: their coalesced shape; strides[0] = index's, [1] = src's,
// [2] = dst's): it walks the index line (len elements) in order, adding into its own dst line.
VF_KERNEL void vf_scatter_add_f32(float* __restrict__ dst, int64_t dstAxisStride, int64_t axisLen, const float* __restrict__ src,
                                  int64_t srcAxisStride, const void* __restrict__ index, int indexBytes, int64_t indexAxisStride,
                                  int64_t len, VfLayout<3> L, const long long* bad, int64_t n) {
    if (bad != nullptr && bad[0] != -1) return;
    VF_FOR_EACH(i, n) {
        int64_t o[3];
        vf_offsets(L, i, o);
        for (int64_t j = 0; j < len; j++) {
            const int64_t k = vf_load_index(index, indexBytes, o[0] + j * indexAxisStride);
            if (k < 0 || k >= axisLen) continue;  // only without a check (bad == null)
            float* d = dst + o[2] + k * dstAxisStride;
            *d = *d + src[o[1] + j * srcAxisStride];
        }
    }
}

// indexAdd: dst's slice index[j] along the axis += src's slice j, for j < len in order, in place.
// One thread per dst element (c, r) = (i / restN, i % restN), c its axis coordinate, r its flat
// position over the other axes (L: their coalesced shape; strides[0] = dst's, [1] = src's); it
// adds the src elements of every j with index[j] == c, in j order, and writes only when hit.
VF_KERNEL void vf_index_add_f32(float* __restrict__ dst, int64_t dstAxisStride, const float* __restrict__ src,
                                int64_t srcAxisStride, const void* __restrict__ index, int indexBytes, int64_t indexStride,
                                int64_t len, VfLayout<2> L, int64_t restN, const long long* bad, int64_t n) {
    if (bad != nullptr && bad[0] != -1) return;
    VF_FOR_EACH(i, n) {
        const int64_t c = i / restN, r = i % restN;
        int64_t o[2];
        vf_offsets(L, r, o);
        float* d = dst + o[0] + c * dstAxisStride;
        float v = 0.f;
        bool hit = false;
        for (int64_t j = 0; j < len; j++) {
            if (vf_load_index(index, indexBytes, j * indexStride) != c) continue;
            if (!hit) v = *d;
            hit = true;
            v = v + src[o[1] + j * srcAxisStride];
        }
        if (hit) *d = v;
    }
}
