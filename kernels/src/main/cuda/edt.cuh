// edt.cuh: exact Euclidean distance transform of a binary mask with anisotropic spacing, as
// separable passes on a float squared-distance buffer (row-major, any rank; 3-D in practice).
// Reference: org.voxelforge.data.distance.EuclideanDistanceTransform (squaredDistances): every
// foreground voxel (mask != 0) gets the squared physical distance to the nearest background voxel
// (mask == 0), background gets 0, a mask without background gets +inf everywhere. Same passes in
// the same order: the contiguous (last) axis first, then the others from the last to the first.
// Launched by org.voxelforge.core.cuda.VolumeKernels (edtSquared).
//
//   vf_edt_nearest_f32   one thread per line of the last axis: two sweeps for the nearest
//                        background sample on the line; sq = w2 * d * d (d in samples), inf if none
//   vf_edt_envelope_f32  one thread per line of a strided axis: Felzenszwalb-Huttenlocher lower
//                        envelope of the parabolas w2 (q - p)^2 + f[p], in place
//
// One thread per line, not a warp per line: the envelope is a sequential stack walk (a warp would
// serialise on it), and a 3-D volume has tens of thousands of lines per axis. Lines are numbered
// with the inner index fastest, so for the strided passes neighbouring threads read neighbouring
// addresses (coalesced). The envelope's stack (roots, their values, the bounds between parabolas)
// lives in the caller's global scratch, element k of line L at k * lines + L, so that the threads
// of a warp touching the same k also touch neighbouring words. Intersections and bounds are in
// double: a float abscissa can be off by ~q^2 * 6e-8 (0.02 at q = 512) and pick a parabola whose
// value is off by far more than a rounding; values are float, rounded once per pass.
#pragma once

VF_KERNEL void vf_edt_nearest_f32(const uint8_t* __restrict__ mask, float* __restrict__ sq, int64_t lines, int n, double w2) {
    VF_FOR_EACH(line, lines) {
        const uint8_t* m = mask + line * n;
        float* o = sq + line * n;
        // forward sweep: samples since the last background sample (exact in float: n < 2^24)
        int last = -1;
        for (int q = 0; q < n; q++) {
            if (m[q] == 0) { last = q; o[q] = 0.f; }
            else o[q] = last < 0 ? INFINITY : (float)(q - last);
        }
        // backward sweep: the nearer of the two, then squared and scaled (in double, as the reference)
        int next = -1;
        for (int q = n - 1; q >= 0; q--) {
            if (m[q] == 0) { next = q; continue; }
            double d = o[q];
            if (next >= 0 && (double)(next - q) < d) d = (double)(next - q);
            o[q] = isinf(d) ? INFINITY : (float)(w2 * d * d);
        }
    }
}

// sq seen as [outer, n, inner]: line L = (o, i) runs over sq[(o * n + q) * inner + i], q < n.
// scratch: bounds (lines * (n + 1) doubles), then roots (lines * n ints), then root values
// (lines * n floats); see VolumeKernels.edtScratchBytes.
VF_KERNEL void vf_edt_envelope_f32(float* __restrict__ sq, double* __restrict__ bounds, int* __restrict__ roots,
                                   float* __restrict__ rootValues, int64_t outer, int n, int64_t inner, double w2) {
    const int64_t lines = outer * inner;
    VF_FOR_EACH(line, lines) {
        const int64_t o = line / inner, i = line - o * inner;
        float* f = sq + o * n * inner + i;
#define VF_Z(k) bounds[(int64_t)(k) * lines + line]
#define VF_V(k) roots[(int64_t)(k) * lines + line]
#define VF_F(k) rootValues[(int64_t)(k) * lines + line]
        int k = -1;
        for (int q = 0; q < n; q++) {
            const float fq = f[(int64_t)q * inner];
            if (isinf(fq)) continue;  // no background seen yet: roots no parabola
            if (k < 0) {
                k = 0;
                VF_V(0) = q; VF_F(0) = fq;
                VF_Z(0) = -INFINITY; VF_Z(1) = INFINITY;
                continue;
            }
            double s;
            for (;;) {
                const int p = VF_V(k);
                // abscissa (in samples) where the parabolas rooted at p and q meet
                s = (((double)fq - (double)VF_F(k)) / w2 + ((double)q * q - (double)p * p)) / (2.0 * (q - p));
                if (s <= VF_Z(k)) k--;  // parabola p is nowhere lowest any more (never below k = 0: Z(0) = -inf)
                else break;
            }
            k++;
            VF_V(k) = q; VF_F(k) = fq;
            VF_Z(k) = s; VF_Z(k + 1) = INFINITY;
        }
        if (k >= 0) {  // else every sample is inf and stays so
            k = 0;
            for (int q = 0; q < n; q++) {
                while (VF_Z(k + 1) < q) k++;
                const double dq = q - VF_V(k);
                f[(int64_t)q * inner] = (float)(w2 * dq * dq + (double)VF_F(k));
            }
        }
#undef VF_Z
#undef VF_V
#undef VF_F
    }
}
