package org.voxelforge.nn.optim;

import java.util.List;
import java.util.Map;
import org.voxelforge.autograd.NoGrad;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;

/**
 * Gradient clipping by global norm, as {@code torch.nn.utils.clip_grad_norm_}: the norm of all
 * gradients together (parameters without gradient are skipped), and when it exceeds
 * {@code maxNorm} every gradient is scaled in place by {@code maxNorm / (norm + 1e-6)}.
 * The norm is accumulated in double.
 */
public final class GradClipping {
    /** PyTorch's guard against division by zero in the clip factor. */
    public static final double EPS = 1e-6;

    private GradClipping() {}

    /** The global 2-norm of the gradients; clips them to {@code maxNorm}. Returns the norm before clipping. */
    public static double clipGradNorm(List<Variable> params, double maxNorm) {
        return clipGradNorm(NonFiniteGradients.named(params), maxNorm, 2, false);
    }

    /**
     * The global {@code normType}-norm (2, 1, any p > 0, or {@code Double.POSITIVE_INFINITY}
     * for the largest magnitude) of the gradients, which are scaled when it exceeds
     * {@code maxNorm}. With {@code errorIfNonfinite}, a NaN or Inf norm throws naming the
     * parameters whose gradients hold NaN/Inf (gradients are left untouched); otherwise such a
     * norm is returned and the gradients are scaled by a NaN factor, as PyTorch does.
     */
    public static double clipGradNorm(Map<String, Variable> named, double maxNorm, double normType, boolean errorIfNonfinite) {
        if (!(maxNorm >= 0)) throw new IllegalArgumentException("clipGradNorm: maxNorm must be >= 0, got " + maxNorm);
        if (!(normType > 0)) throw new IllegalArgumentException("clipGradNorm: normType must be > 0 or +Infinity, got " + normType);
        double norm = globalNorm(named.values(), normType);
        if (errorIfNonfinite) NonFiniteGradients.requireFinite(norm, named, "in clipGradNorm");
        double coef = maxNorm / (norm + EPS);
        if (coef < 1 || Double.isNaN(coef)) scale(named.values(), coef);
        return norm;
    }

    /** The {@code normType}-norm of all gradients together (0 when none has a gradient). */
    public static double globalNorm(Iterable<Variable> params, double normType) {
        if (normType == 2) {
            Double onDevice = deviceSquaredSum(params);
            if (onDevice != null) return Math.sqrt(onDevice);
        }
        boolean inf = Double.isInfinite(normType);
        double acc = 0;
        for (Variable p : params) {
            Tensor g = p.grad();
            if (g == null) continue;
            Elements el = new Elements(g, "clipGradNorm");
            long n = g.numel();
            for (long i = 0; i < n; i++) {
                double a = Math.abs(el.get(i));
                if (inf) acc = Double.isNaN(a) || Double.isNaN(acc) ? Double.NaN : Math.max(acc, a);
                else if (normType == 2) acc += a * a;
                else if (normType == 1) acc += a;
                else acc += Math.pow(a, normType);
            }
        }
        if (inf || normType == 1) return acc;
        return normType == 2 ? Math.sqrt(acc) : Math.pow(acc, 1 / normType);
    }

    /**
     * The sum of squares of all gradients when they live on a device, reduced there and read once
     * (one synchronisation instead of copying every gradient to the host); null for CPU gradients.
     */
    private static Double deviceSquaredSum(Iterable<Variable> params) {
        try (NoGrad ignored = NoGrad.enter(); org.voxelforge.core.TensorScope scope = new org.voxelforge.core.TensorScope()) {
            Tensor acc = null;
            for (Variable p : params) {
                Tensor g = p.grad();
                if (g == null) continue;
                if (g.device().isCpu()) return null;
                Tensor part = g.mul(g).sum();
                acc = acc == null ? part : acc.add(part);
            }
            return acc == null ? null : acc.item();
        }
    }

    private static void scale(Iterable<Variable> params, double coef) {
        try (NoGrad ignored = NoGrad.enter()) {
            for (Variable p : params) {
                Tensor g = p.grad();
                if (g == null) continue;
                if (!g.device().isCpu()) {
                    try (Tensor scaled = g.mul(coef)) { g.copy_(scaled); }
                    continue;
                }
                Elements el = new Elements(g, "clipGradNorm");
                Optimizer.forEachElement(g.numel(), (lo, hi) -> {
                    for (long i = lo; i < hi; i++) el.set(i, el.get(i) * coef);
                });
                el.written();
            }
        }
    }
}
