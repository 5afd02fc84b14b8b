// optim.cuh: fused optimizer steps over many parameters in one launch, and the global gradient
// L2 norm for clipping. CPU twin and reference: org.voxelforge.core.fused.FusedOptimizer (the
// formulas of org.voxelforge.nn.optim.SGD, AdamW and GradClipping, term for term).
//
// Parameters stay in their own allocations; a launch gets a device table of them, one row of 5
// uint64 per parameter: {param float*, grad float*, state0 float*, state1 float*, numel}
// (SGD: state0 = momentum buffer; AdamW: state0 = exp_avg, state1 = exp_avg_sq; unused = 0).
// Grid: y walks the parameters, x the elements of one parameter (grid-stride both).
// Arithmetic is in double and stored to float, as the nn optimizers do, so the update equals
// theirs up to the last float rounding.
//
//   vf_grad_sumsq_partial_f32  partials[p * gridDim.x + b] = sum of grad^2 over block b's share of
//                              parameter p, in double
//   vf_grad_norm_finalize_f64  one block: norm = sqrt(sum of partials); out = {norm, clip scale}
//                              with scale = maxNorm / (norm + 1e-6) when that is < 1 (or NaN), else 1
//   vf_sgd_step_f32, vf_adamw_step_f32: clip (nullable) points at that out; a gradient is first
//                              scaled by out[1] and rounded to float, as clip_grad_norm_ leaves it
#pragma once

#define VF_OPT_ROW 5
#define VF_FOR_EACH_PARAM(p, count) for (int p = blockIdx.y; p < (count); p += gridDim.y)

__device__ __forceinline__ float vf_clipped_grad(float g, const double* clip) {
    return clip ? (float)((double)g * clip[1]) : g;
}

VF_KERNEL void vf_grad_sumsq_partial_f32(const uint64_t* __restrict__ table, int numParams, double* __restrict__ partials) {
    __shared__ double scratch[32];
    VF_FOR_EACH_PARAM(p, numParams) {
        const float* g = (const float*)table[p * VF_OPT_ROW + 1];
        const int64_t n = (int64_t)table[p * VF_OPT_ROW + 4];
        double acc = 0;
        VF_FOR_EACH(i, n) acc += (double)g[i] * (double)g[i];
        acc = vf_block_sum_f64(acc, scratch);
        if (threadIdx.x == 0) partials[(int64_t)p * gridDim.x + blockIdx.x] = acc;
    }
}

VF_KERNEL void vf_grad_norm_finalize_f64(const double* __restrict__ partials, int64_t count, double maxNorm, double* __restrict__ out) {
    __shared__ double scratch[32];
    double acc = 0;
    for (int64_t i = threadIdx.x; i < count; i += blockDim.x) acc += partials[i];
    acc = vf_block_sum_f64(acc, scratch);
    if (threadIdx.x == 0) {
        const double norm = sqrt(acc);
        const double coef = maxNorm / (norm + 1e-6);
        out[0] = norm;
        out[1] = (coef < 1 || isnan(coef)) ? coef : 1.0;
    }
}

// torch.optim.SGD: d = g + wd*p; b = d (first step) or mu*b + (1-tau)*d; d = nesterov ? d + mu*b : b;
// p -= lr*d. momentum 0 keeps no buffer (state0 unused).
VF_KERNEL void vf_sgd_step_f32(const uint64_t* __restrict__ table, int numParams, double lr, double momentum,
                               double dampening, double weightDecay, int nesterov, int first, const double* __restrict__ clip) {
    VF_FOR_EACH_PARAM(p, numParams) {
        float* w = (float*)table[p * VF_OPT_ROW];
        const float* g = (const float*)table[p * VF_OPT_ROW + 1];
        float* buf = (float*)table[p * VF_OPT_ROW + 2];
        const int64_t n = (int64_t)table[p * VF_OPT_ROW + 4];
        VF_FOR_EACH(i, n) {
            const double pv = w[i];
            double d = vf_clipped_grad(g[i], clip);
            if (weightDecay != 0) d += weightDecay * pv;
            if (momentum != 0) {
                const double bv = first ? d : momentum * (double)buf[i] + (1 - dampening) * d;
                buf[i] = (float)bv;
                d = nesterov ? d + momentum * bv : bv;
            }
            w[i] = (float)(pv - lr * d);
        }
    }
}

// torch.optim.AdamW: p *= decay (= 1 - lr*wd); m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2;
// p -= stepSize * m / (sqrt(v)/bc2Sqrt + eps), stepSize = lr/(1 - b1^t), bc2Sqrt = sqrt(1 - b2^t).
VF_KERNEL void vf_adamw_step_f32(const uint64_t* __restrict__ table, int numParams, double decay, double beta1, double beta2,
                                 double eps, double stepSize, double bc2Sqrt, const double* __restrict__ clip) {
    VF_FOR_EACH_PARAM(p, numParams) {
        float* w = (float*)table[p * VF_OPT_ROW];
        const float* g = (const float*)table[p * VF_OPT_ROW + 1];
        float* m = (float*)table[p * VF_OPT_ROW + 2];
        float* v = (float*)table[p * VF_OPT_ROW + 3];
        const int64_t n = (int64_t)table[p * VF_OPT_ROW + 4];
        VF_FOR_EACH(i, n) {
            const double gv = vf_clipped_grad(g[i], clip);
            const double pv = (double)w[i] * decay;
            const double mv = beta1 * (double)m[i] + (1 - beta1) * gv;
            const double vv = beta2 * (double)v[i] + (1 - beta2) * gv * gv;
            m[i] = (float)mv;
            v[i] = (float)vv;
            w[i] = (float)(pv - stepSize * mv / (sqrt(vv) / bc2Sqrt + eps));
        }
    }
}
