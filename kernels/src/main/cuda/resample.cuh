// resample.cuh: resampling for spatial augmentation (rotation, scaling, elastic deformation in
// one pass). CPU twin and reference: org.voxelforge.core.fused.AffineResample, itself compared
// with org.voxelforge.data.augment.SpatialTransform.resample. Launched by VolumeKernels.resample.
//
//   vf_resample_f32_i32  one thread per output voxel (x, y, z) of [outX, outY, outZ] (row-major,
//       z fastest, the axis order of the data module's patches). With c = (x, y, z) - origin
//       + disp[:, voxel] (disp [3, outX, outY, outZ] floats, or null), the source coordinate in
//       input voxels (voxel centres at integers) is src = M[:, 0:3] c + M[:, 3], M row-major 3x4.
//       Image channels [C, inX, inY, inZ] float: trilinear, corners outside the input read `fill`.
//       Label channels [L, inX, inY, inZ] int32: nearest (floor(src + 0.5)), `labelFill` outside.
//
// Coordinates are double so that the nearest-neighbour choice for labels is the one
// SpatialTransform makes (a float coordinate moves which voxel an x.5 tie goes to, which would flip
// labels, not just round values); weights and sums are float. Labels are int32 (the dtype the
// Dice/CE kernel reads), so a label map and an annotation mask go through as two label channels.
#pragma once

// A floored coordinate as an int, clamped to [-2, n] (every corner of such a cell is outside
// already), so that far-away or non-finite coordinates never overflow the conversion.
__device__ __forceinline__ int vf_clamp_corner(double f, int n) {
    return f >= -2.0 ? (f <= (double)n ? (int)f : n) : -2;
}

VF_KERNEL void vf_resample_f32_i32(const float* __restrict__ image, float* __restrict__ imageOut, int C,
                                   const int* __restrict__ labels, int* __restrict__ labelsOut, int L,
                                   const float* __restrict__ disp,
                                   int inX, int inY, int inZ, int outX, int outY, int outZ,
                                   double m00, double m01, double m02, double m03,
                                   double m10, double m11, double m12, double m13,
                                   double m20, double m21, double m22, double m23,
                                   double originX, double originY, double originZ,
                                   float fill, int labelFill) {
    const int64_t nOut = (int64_t)outX * outY * outZ, nIn = (int64_t)inX * inY * inZ;
    VF_FOR_EACH(i, nOut) {
        const int z = (int)(i % outZ), y = (int)(i / outZ % outY), x = (int)(i / ((int64_t)outZ * outY));
        double cx = x - originX, cy = y - originY, cz = z - originZ;
        if (disp) { cx += disp[i]; cy += disp[nOut + i]; cz += disp[2 * nOut + i]; }
        const double sx = m00 * cx + m01 * cy + m02 * cz + m03;
        const double sy = m10 * cx + m11 * cy + m12 * cz + m13;
        const double sz = m20 * cx + m21 * cy + m22 * cz + m23;
        if (C > 0) {
            const double flx = floor(sx), fly = floor(sy), flz = floor(sz);
            const int x0 = vf_clamp_corner(flx, inX), y0 = vf_clamp_corner(fly, inY), z0 = vf_clamp_corner(flz, inZ);
            const float fx = (float)(sx - flx), fy = (float)(sy - fly), fz = (float)(sz - flz);
            // the 8 corners: weight and input offset (-1 outside the input: reads `fill`)
            float w[8];
            int64_t at[8];
            #pragma unroll
            for (int k = 0; k < 8; k++) {
                const int a = k >> 2, b = (k >> 1) & 1, c = k & 1;
                const int xi = x0 + a, yi = y0 + b, zi = z0 + c;
                w[k] = (a ? fx : 1.f - fx) * (b ? fy : 1.f - fy) * (c ? fz : 1.f - fz);
                const bool inside = xi >= 0 && xi < inX && yi >= 0 && yi < inY && zi >= 0 && zi < inZ;
                at[k] = inside ? ((int64_t)xi * inY + yi) * inZ + zi : -1;
            }
            #pragma unroll 1
            for (int ch = 0; ch < C; ch++) {
                const float* src = image + ch * nIn;
                float acc = 0.f;
                #pragma unroll
                for (int k = 0; k < 8; k++) {
                    if (w[k] != 0.f) acc += w[k] * (at[k] >= 0 ? src[at[k]] : fill);
                }
                imageOut[ch * nOut + i] = acc;
            }
        }
        if (L > 0) {
            const int xi = vf_clamp_corner(floor(sx + 0.5), inX), yi = vf_clamp_corner(floor(sy + 0.5), inY),
                      zi = vf_clamp_corner(floor(sz + 0.5), inZ);
            const bool inside = xi >= 0 && xi < inX && yi >= 0 && yi < inY && zi >= 0 && zi < inZ;
            const int64_t at = ((int64_t)xi * inY + yi) * inZ + zi;
            #pragma unroll 1
            for (int ch = 0; ch < L; ch++) labelsOut[ch * nOut + i] = inside ? labels[ch * nIn + at] : labelFill;
        }
    }
}
