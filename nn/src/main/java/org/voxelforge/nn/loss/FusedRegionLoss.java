package org.voxelforge.nn.loss;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.cuda.CudaBackend;
import org.voxelforge.core.fused.DiceCe;
import org.voxelforge.core.fused.RegionLoss;

/**
 * The softmax losses as one fused op on a CUDA-backend device: softmax, the overlap sums (Dice or
 * Tversky), the classification term (cross-entropy or focal) and the boundary sums in one pass
 * over the logits (dice_ce.cuh), the loss and its coefficients formed on the host from a few
 * numbers per (sample, class) ({@link RegionLoss#finish}), and one backward pass that recomputes
 * the softmax. It replaces some thirty elementwise and reduction ops of the composed loss, and
 * their saved activations. Same inputs and errors as the composed losses, which are its reference
 * (EmulatedFusedDiceCeTest, EmulatedFusedRegionLossTest).
 */
final class FusedRegionLoss {
    private FusedRegionLoss() {}

    /** Float32 logits on a CUDA-backend device and integer labels: the forms the kernels take. */
    static boolean applies(Variable logits, Tensor target) {
        return target != null && logits.value().backend() instanceof CudaBackend && logits.dtype() == DType.FLOAT32 && logits.rank() >= 3
                && !target.dtype().isFloatingPoint() && logits.dim(1) <= 4096;
    }

    /** The fused form of {@code loss} when it has one and the inputs are what the kernels take, else null. */
    static Variable tryCompute(String name, FusableLoss loss, Variable logits, LossTarget target, Tensor maskOrNull) {
        if (!applies(logits, target.labels())) return null;
        RegionLoss.Terms terms = loss.fusedTerms();
        return terms == null ? null : compute(name, logits, target, maskOrNull, terms);
    }

    /** {@code loss} names the nn loss in error messages. */
    static Variable compute(String loss, Variable logits, LossTarget target, Tensor maskOrNull, RegionLoss.Terms terms) {
        LossInputs.checkLogits(loss, logits);
        boolean foregroundOnly = (terms.overlap() != null && !terms.overlap().includeBackground()) || terms.boundary() != null;
        LossInputs.requireForeground(loss, logits, !foregroundOnly);
        int[] v = LossInputs.voxelShape(logits);
        Tensor labels = target.labels();
        if (labels.rank() == logits.rank() && labels.dim(1) == 1) labels = labels.squeeze(1);
        if (!Arrays.equals(labels.dims(), v)) {
            throw new IllegalArgumentException(loss + ": labels " + target.labels().describe() + " do not match logits "
                    + logits.value().describe() + "; expected integer labels " + Arrays.toString(v)
                    + " (or one-hot float " + Arrays.toString(logits.dims()) + ")");
        }
        RegionLoss.Classification cl = terms.classification();
        if (cl != null && cl.alpha() != null && cl.alpha().length != logits.dim(1)) {
            throw new IllegalArgumentException(loss + ": " + cl.alpha().length + " focal class weights (alpha) for logits "
                    + logits.value().describe() + " with " + logits.dim(1) + " channels; give one weight per channel, or null");
        }
        Tensor labels32 = labels.cast(DType.INT32);
        Tensor mask = LossInputs.voxelMask(loss, logits, maskOrNull); // [N, 1, spatial...] of the logits' dtype, or null
        Tensor mask32 = mask == null ? null : mask.squeeze(1);
        Tensor dist = null;
        if (terms.boundary() != null) {
            dist = LossInputs.distanceMaps(loss, logits, target); // checked shape, float32
            if (!dist.device().equals(logits.value().device())) dist = dist.to(logits.value().device());
        }
        CudaBackend cuda = (CudaBackend) logits.value().backend();
        DiceCe.Geometry geo = new DiceCe.Geometry(logits.dim(0), logits.dim(1), (int) (labels.numel() / logits.dim(0)));
        Tensor dist32 = dist;
        String op = terms.isDiceCe() ? "dice_ce_fused" : "region_loss_fused";
        return Variable.custom(op, List.of(logits), ctx -> {
            double[] stats = cuda.regionLossStatistics(logits.value(), labels32, mask32, dist32, terms);
            RegionLoss.Result r = RegionLoss.finish(loss, geo, stats, terms, 1.0);
            List<Tensor> saved = new ArrayList<>(List.of(logits.value(), labels32, Tensor.of(stats, stats.length)));
            if (mask32 != null) saved.add(mask32);
            if (dist32 != null) saved.add(dist32);
            ctx.save(saved.toArray(Tensor[]::new));
            return Tensor.full(logits.value().device(), r.loss(), DType.FLOAT32);
        }, (ctx, g) -> {
            double upstream = g.item();
            RegionLoss.Result r = RegionLoss.finish(loss, geo, ctx.saved(2).toDoubleArray(), terms, upstream);
            Tensor m = mask32 == null ? null : ctx.saved(3);
            Tensor d = dist32 == null ? null : ctx.saved(mask32 == null ? 3 : 4);
            Tensor dx = cuda.regionLossBackward(ctx.saved(0), ctx.saved(1), m, d, terms, r);
            // the kernels write NCDHW; a channels-last network gets its gradient back channels-last
            // (a copy of the C-class logits' size, so that the head's backward keeps the layout)
            org.voxelforge.core.MemoryFormat format = ctx.saved(0).memoryFormat();
            if (format == org.voxelforge.core.MemoryFormat.CONTIGUOUS) return new Tensor[] {dx};
            try (dx) {
                return new Tensor[] {dx.contiguous(format)};
            }
        });
    }
}
