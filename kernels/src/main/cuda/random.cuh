// random.cuh: counter-based Philox4x32-10 fills.
// CPU twin and the definition these kernels must reproduce bit for bit:
// org.voxelforge.core.RandomGenerator (element i uses counter c + i and the 64-bit key).
#pragma once

__device__ __forceinline__ void vf_philox(uint64_t key, uint64_t c, uint32_t out[4]) {
    uint32_t c0 = (uint32_t)c, c1 = (uint32_t)(c >> 32), c2 = 0, c3 = 0;
    uint32_t k0 = (uint32_t)key, k1 = (uint32_t)(key >> 32);
    #pragma unroll
    for (int r = 0; r < 10; r++) {
        uint32_t hi0 = __umulhi(0xD2511F53u, c0), lo0 = 0xD2511F53u * c0;
        uint32_t hi1 = __umulhi(0xCD9E8D57u, c2), lo1 = 0xCD9E8D57u * c2;
        uint32_t n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
        c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
        k0 += 0x9E3779B9u; k1 += 0xBB67AE85u;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

// dist: 0 uniform(a, b), 1 normal(mean a, std b), 2 bernoulli(p = a). Same arithmetic as the CPU:
// uniform24 = (w0 >> 8) * 2^-24; Box-Muller in double, then rounded to float.
VF_KERNEL void vf_random_f32(float* __restrict__ y, int dist, double a, double b, uint64_t key, uint64_t counter, int64_t n) {
    VF_FOR_EACH(i, n) {
        uint32_t w[4];
        vf_philox(key, counter + (uint64_t)i, w);
        double v;
        if (dist == 0) {
            v = a + (b - a) * ((w[0] >> 8) * 0x1.0p-24);
        } else if (dist == 1) {
            double u1 = ((double)w[0] + 1.0) * 0x1.0p-32, u2 = (double)w[1] * 0x1.0p-32;
            v = a + b * (sqrt(-2.0 * log(u1)) * cos(2.0 * 3.141592653589793 * u2));
        } else {
            v = ((w[0] >> 8) * 0x1.0p-24) < a ? 1.0 : 0.0;
        }
        y[i] = (float)v;
    }
}
