package org.voxelforge.nn.loss;

import java.util.Arrays;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;

/**
 * Checks and conversions every loss shares: logits shape, labels to one-hot, the voxel mask.
 *
 * <p>The mask is applied twice, on purpose: logits at masked-out voxels are replaced by a
 * constant 0 before any op (so their values, even NaN, reach nothing and their gradient is
 * exactly zero, also through ops that mix neighbours), and every voxel sum is multiplied by the
 * mask (so those voxels add nothing).
 */
final class LossInputs {
    private LossInputs() {}

    static void checkLogits(String loss, Variable logits) {
        if (logits.rank() < 3) {
            throw new IllegalArgumentException(loss + ": logits " + logits.value().describe()
                    + " must be [N, C, spatial...] with at least one spatial axis");
        }
        if (!logits.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(loss + ": logits " + logits.value().describe() + " must be floating point");
        }
    }

    /** Axes 2..rank-1 of the logits. */
    static int[] spatialAxes(int rank) {
        int[] ax = new int[rank - 2];
        for (int i = 0; i < ax.length; i++) ax[i] = i + 2;
        return ax;
    }

    /** Axes 0 and 2..rank-1 (batch and spatial, for batch Dice). */
    static int[] batchAndSpatialAxes(int rank) {
        int[] ax = new int[rank - 1];
        ax[0] = 0;
        for (int i = 1; i < ax.length; i++) ax[i] = i + 1;
        return ax;
    }

    static int[] voxelShape(Variable logits) {
        int[] d = logits.dims();
        int[] v = new int[d.length - 1];
        v[0] = d[0];
        System.arraycopy(d, 2, v, 1, d.length - 2);
        return v;
    }

    /**
     * The voxel mask as a 0/1 tensor [N, 1, spatial...] of the logits' dtype, or null. Accepts
     * [N, spatial...] or [N, 1, spatial...], any dtype (nonzero means annotated).
     */
    static Tensor voxelMask(String loss, Variable logits, Tensor mask) {
        if (mask == null) return null;
        int[] v = voxelShape(logits);
        Tensor m = mask;
        if (m.rank() == logits.rank() && m.dim(1) == 1) m = m.squeeze(1);
        if (!Arrays.equals(m.dims(), v)) {
            throw new IllegalArgumentException(loss + ": mask " + mask.describe() + " does not match logits "
                    + logits.value().describe() + "; expected [N, spatial...] = " + Arrays.toString(v));
        }
        Tensor b = m.dtype() == DType.BOOL ? m : m.ne(Tensor.scalar(0.0, m.dtype()));
        return b.cast(logits.dtype()).unsqueeze(1);
    }

    /** Logits with masked-out voxels replaced by a constant 0 (no gradient flows to them). */
    static Variable maskLogits(Variable logits, Tensor mask01) {
        if (mask01 == null) return logits;
        Variable cond = Variable.constant(mask01.gt(0.0));
        return Variable.where(cond, logits, Variable.constant(Tensor.scalar(0.0, logits.dtype())));
    }

    /**
     * The target as a float one-hot [N, C, spatial...] of the logits' dtype. Integer labels
     * [N, spatial...] (or [N, 1, spatial...]) are one-hot encoded; labels at masked-out voxels are
     * replaced by 0 first, so unannotated voxels may hold anything (e.g. -1). A floating target
     * of the logits' shape is taken as given (one-hot or soft).
     */
    static Tensor oneHot(String loss, Variable logits, Tensor target, Tensor mask01) {
        int c = logits.dim(1);
        if (target.dtype().isFloatingPoint()) {
            if (!Arrays.equals(target.dims(), logits.dims())) {
                throw new IllegalArgumentException(loss + ": float target " + target.describe() + " must have the logits' shape "
                        + logits.value().describe() + " (one-hot [N, C, spatial...]); pass integer labels [N, spatial...] otherwise");
            }
            return target.cast(logits.dtype());
        }
        Tensor labels = target;
        if (labels.rank() == logits.rank() && labels.dim(1) == 1) labels = labels.squeeze(1);
        int[] v = voxelShape(logits);
        if (!Arrays.equals(labels.dims(), v)) {
            throw new IllegalArgumentException(loss + ": labels " + target.describe() + " do not match logits "
                    + logits.value().describe() + "; expected integer labels " + Arrays.toString(v)
                    + " (or one-hot float " + Arrays.toString(logits.dims()) + ")");
        }
        if (mask01 != null) {
            labels = Tensor.where(mask01.squeeze(1).gt(0.0), labels, Tensor.scalar(0.0, labels.dtype()));
        }
        return labels.oneHot(c, 1, logits.dtype());
    }

    /** Signed distance maps of the logits' shape, cast to their dtype. */
    static Tensor distanceMaps(String loss, Variable logits, LossTarget target) {
        Tensor d = target.distanceMaps();
        if (d == null) {
            throw new IllegalArgumentException(loss + ": needs distance maps [N, C, spatial...]; pass LossTarget.of(labels, distanceMaps)");
        }
        if (!Arrays.equals(d.dims(), logits.dims())) {
            throw new IllegalArgumentException(loss + ": distance maps " + d.describe() + " must have the logits' shape "
                    + logits.value().describe());
        }
        return d.cast(logits.dtype());
    }

    static Variable times(Variable v, Tensor maskOrNull) {
        return maskOrNull == null ? v : v.mul(Variable.constant(maskOrNull));
    }

    static Tensor times(Tensor t, Tensor maskOrNull) {
        return maskOrNull == null ? t : t.mul(maskOrNull);
    }

    /** Number of annotated voxels (all voxels without a mask). */
    static double annotatedVoxels(Variable logits, Tensor mask01) {
        if (mask01 == null) {
            double n = 1;
            for (int d : voxelShape(logits)) n *= d;
            return n;
        }
        return mask01.sum().item();
    }

    /** Channels 1.. when the background is excluded (channel 0 is background). */
    static Variable foreground(Variable v, boolean includeBackground) {
        return includeBackground ? v : v.slice(1, 1, v.dim(1));
    }

    static Tensor foreground(Tensor t, boolean includeBackground) {
        return includeBackground ? t : t.slice(1, 1, t.dim(1));
    }

    static void requireForeground(String loss, Variable logits, boolean includeBackground) {
        if (!includeBackground && logits.dim(1) < 2) {
            throw new IllegalArgumentException(loss + ": excluding the background needs at least 2 channels, logits are "
                    + logits.value().describe());
        }
    }

    /** A zero loss that still belongs to the graph (its gradient is zero everywhere). */
    static Variable zero(Variable maskedLogits) {
        return maskedLogits.sum().mul(0.0);
    }
}
