package org.voxelforge.nn.loss;

import java.util.List;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.cuda.CudaBackend;
import org.voxelforge.core.fused.DiceCe;

/**
 * {@link DiceCeLoss} as one fused op on a CUDA-backend device: softmax, the Dice sums and the
 * cross-entropy in one pass over the logits (dice_ce.cuh), the loss and its coefficients formed on
 * the host from N*C*4 + N*3 numbers ({@link DiceCe#finish}), and one backward pass that recomputes
 * the softmax. It replaces some thirty elementwise and reduction ops of the composed loss, and
 * their saved activations. Same inputs and errors as the composed loss, which is its reference
 * (EmulatedFusedDiceCeTest).
 */
final class FusedDiceCe {
    private FusedDiceCe() {}

    /** Float32 logits on a CUDA-backend device and integer labels: the forms the kernels take. */
    static boolean applies(Variable logits, Tensor target) {
        return logits.value().backend() instanceof CudaBackend && logits.dtype() == DType.FLOAT32 && logits.rank() >= 3
                && !target.dtype().isFloatingPoint() && logits.dim(1) <= 4096;
    }

    static Variable compute(Variable logits, Tensor target, Tensor maskOrNull, DiceCe.Options o) {
        String loss = "DiceCeLoss";
        LossInputs.checkLogits(loss, logits);
        LossInputs.requireForeground(loss, logits, o.includeBackground());
        int[] v = LossInputs.voxelShape(logits);
        Tensor labels = target;
        if (labels.rank() == logits.rank() && labels.dim(1) == 1) labels = labels.squeeze(1);
        if (!java.util.Arrays.equals(labels.dims(), v)) {
            throw new IllegalArgumentException(loss + ": labels " + target.describe() + " do not match logits "
                    + logits.value().describe() + "; expected integer labels " + java.util.Arrays.toString(v)
                    + " (or one-hot float " + java.util.Arrays.toString(logits.dims()) + ")");
        }
        Tensor labels32 = labels.cast(DType.INT32);
        Tensor mask = LossInputs.voxelMask(loss, logits, maskOrNull); // [N, 1, spatial...] of the logits' dtype, or null
        Tensor mask32 = mask == null ? null : mask.squeeze(1);
        CudaBackend cuda = (CudaBackend) logits.value().backend();
        DiceCe.Geometry geo = new DiceCe.Geometry(logits.dim(0), logits.dim(1), (int) (labels.numel() / logits.dim(0)));
        return Variable.custom("dice_ce_fused", List.of(logits), ctx -> {
            double[] stats = cuda.diceCeStatistics(logits.value(), labels32, mask32);
            DiceCe.Result r = DiceCe.finish(geo, stats, o, 1.0);
            ctx.save(mask32 == null ? new Tensor[] {logits.value(), labels32, Tensor.of(stats, stats.length)}
                    : new Tensor[] {logits.value(), labels32, Tensor.of(stats, stats.length), mask32});
            return Tensor.full(logits.value().device(), r.loss(), DType.FLOAT32);
        }, (ctx, g) -> {
            double upstream = g.item();
            DiceCe.Result r = DiceCe.finish(geo, ctx.saved(2).toDoubleArray(), o, upstream);
            Tensor m = ctx.savedCount() > 3 ? ctx.saved(3) : null;
            return new Tensor[] {cuda.diceCeBackward(ctx.saved(0), ctx.saved(1), m, r, o.squared())};
        });
    }
}
