package org.voxelforge.core.fused;

import java.util.List;

/**
 * CPU twin of kernels/src/main/cuda/optim.cuh: SGD (momentum, Nesterov, weight decay) and AdamW
 * steps over many parameters at once, and the global gradient L2 norm with the clip scale that
 * the steps apply to each gradient first. The formulas are those of org.voxelforge.nn.optim.SGD,
 * AdamW and GradClipping term for term, in double, each stored value rounded to float.
 * Not covered: Adam's coupled weight decay, amsgrad, the l1/l2 penalties, dampening with Nesterov.
 */
public final class FusedOptimizer {
    /** torch.nn.utils.clip_grad_norm_'s guard, as GradClipping.EPS. */
    public static final double CLIP_EPS = 1e-6;

    private FusedOptimizer() {}

    /**
     * One parameter: its values, gradient and state arrays (SGD: state0 = momentum buffer or
     * null without momentum; AdamW: state0 = exp_avg, state1 = exp_avg_sq), all of one length.
     */
    public record Block(float[] param, float[] grad, float[] state0, float[] state1) {
        public Block {
            int n = param.length;
            if (grad.length != n || (state0 != null && state0.length != n) || (state1 != null && state1.length != n)) {
                throw new IllegalArgumentException("FusedOptimizer: a block's param [" + n + "], grad [" + grad.length + "], state0 ["
                        + (state0 == null ? "none" : state0.length) + "] and state1 [" + (state1 == null ? "none" : state1.length)
                        + "] must have one length");
            }
        }
    }

    /** {norm, scale}: the global L2 norm of the gradients and the factor clipping applies (1 when norm <= maxNorm). */
    public static double[] gradNorm(List<Block> blocks, double maxNorm) {
        double acc = 0;
        for (Block b : blocks) {
            double part = 0; // one parameter's block partials, summed in double as the kernel does
            for (float g : b.grad()) part += (double) g * g;
            acc += part;
        }
        return normAndScale(Math.sqrt(acc), maxNorm);
    }

    /** The finalize kernel's formula: scale = maxNorm / (norm + 1e-6) when below 1 (or NaN), else 1. */
    public static double[] normAndScale(double norm, double maxNorm) {
        double coef = maxNorm / (norm + CLIP_EPS);
        return new double[] {norm, coef < 1 || Double.isNaN(coef) ? coef : 1.0};
    }

    /** A gradient as the optimizer sees it after clipping: scaled in double, stored as float. */
    static double clipped(float g, double[] clip) {
        return clip == null ? g : (float) (g * clip[1]);
    }

    /** One SGD step; {@code first}: the momentum buffers are unset (b = d); clip: {norm, scale} or null. */
    public static void sgdStep(List<Block> blocks, double lr, double momentum, double dampening, double weightDecay,
                               boolean nesterov, boolean first, double[] clip) {
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("FusedOptimizer.sgdStep: Nesterov needs momentum > 0 and dampening 0, got momentum "
                    + momentum + ", dampening " + dampening);
        }
        for (Block b : blocks) {
            if (momentum != 0 && b.state0() == null) {
                throw new IllegalArgumentException("FusedOptimizer.sgdStep: momentum " + momentum + " needs a momentum buffer (state0)");
            }
            float[] w = b.param(), g = b.grad(), buf = b.state0();
            for (int i = 0; i < w.length; i++) {
                double pv = w[i];
                double d = clipped(g[i], clip);
                if (weightDecay != 0) d += weightDecay * pv;
                if (momentum != 0) {
                    double bv = first ? d : momentum * buf[i] + (1 - dampening) * d;
                    buf[i] = (float) bv;
                    d = nesterov ? d + momentum * bv : bv;
                }
                w[i] = (float) (pv - lr * d);
            }
        }
    }

    /** The per-step scalars of AdamW: {decay = 1 - lr wd, stepSize = lr / (1 - b1^t), bc2Sqrt = sqrt(1 - b2^t)}. */
    public static double[] adamwScalars(double lr, double beta1, double beta2, double weightDecay, long step) {
        if (step < 1) throw new IllegalArgumentException("FusedOptimizer.adamw: step counts from 1, got " + step);
        return new double[] {1 - lr * weightDecay, lr / (1 - Math.pow(beta1, step)), Math.sqrt(1 - Math.pow(beta2, step))};
    }

    /** One AdamW step at step number {@code step} (1 on the first); clip: {norm, scale} or null. */
    public static void adamwStep(List<Block> blocks, double lr, double beta1, double beta2, double eps, double weightDecay,
                                 long step, double[] clip) {
        double[] k = adamwScalars(lr, beta1, beta2, weightDecay, step);
        double decay = k[0], stepSize = k[1], bc2Sqrt = k[2];
        for (Block b : blocks) {
            if (b.state0() == null || b.state1() == null) {
                throw new IllegalArgumentException("FusedOptimizer.adamwStep: every block needs exp_avg (state0) and exp_avg_sq (state1)");
            }
            float[] w = b.param(), g = b.grad(), m = b.state0(), v = b.state1();
            for (int i = 0; i < w.length; i++) {
                double gv = clipped(g[i], clip);
                double pv = w[i] * decay;
                double mv = beta1 * m[i] + (1 - beta1) * gv;
                double vv = beta2 * v[i] + (1 - beta2) * gv * gv;
                m[i] = (float) mv;
                v[i] = (float) vv;
                w[i] = (float) (pv - stepSize * mv / (Math.sqrt(vv) / bc2Sqrt + eps));
            }
        }
    }
}
