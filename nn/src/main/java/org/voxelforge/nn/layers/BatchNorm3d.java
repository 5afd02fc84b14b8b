package org.voxelforge.nn.layers;

import org.voxelforge.autograd.NoGrad;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.nn.Module;

/**
 * PyTorch's {@code nn.BatchNorm3d} with its buffer names ({@code running_mean},
 * {@code running_var}, {@code num_batches_tracked}).
 * <ul>
 *   <li>training: normalise with the batch's mean and biased variance over N, D, H, W; then
 *       running = (1 - momentum) * running + momentum * batch, where the running variance takes
 *       the <em>unbiased</em> batch variance (as PyTorch does);</li>
 *   <li>evaluation: normalise with the running statistics (constants; no gradient to them).</li>
 * </ul>
 * Affine weight 1 and bias 0 at start; eps 1e-5, momentum 0.1.
 */
public final class BatchNorm3d extends Module {
    private final int channels;
    private final double eps, momentum;
    private final Variable weight, bias;

    public BatchNorm3d(int channels) { this(channels, 1e-5, 0.1, true, DType.FLOAT32); }

    public BatchNorm3d(int channels, double eps, double momentum, boolean affine, DType dtype) {
        if (channels < 1) throw new IllegalArgumentException("BatchNorm3d: channels must be >= 1, got " + channels);
        Init.requireFloating("BatchNorm3d", dtype);
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        weight = affine ? registerParameter("weight", Init.constant(1, dtype, channels)) : null;
        bias = affine ? registerParameter("bias", Init.constant(0, dtype, channels)) : null;
        registerBuffer("running_mean", Init.constant(0, dtype, channels));
        registerBuffer("running_var", Init.constant(1, dtype, channels));
        registerBuffer("num_batches_tracked", Tensor.zeros(DType.INT64));
    }

    @Override public Variable forward(Variable x) {
        if (x.rank() != 5) throw new IllegalArgumentException("BatchNorm3d: input must be [N, C, D, H, W], got " + x.value().describe());
        Norms.requireChannels("BatchNorm3d(" + channels + ")", x, channels, 5);
        Variable y;
        if (isTraining()) {
            long count = x.value().numel() / channels;
            if (count < 2) {
                throw new IllegalArgumentException("BatchNorm3d: training needs more than 1 value per channel, got input " + x.value().describe());
            }
            Variable mean = x.meanKeep(0, 2, 3, 4);
            Variable var = x.variance(0, true, 0, 2, 3, 4);
            y = x.sub(mean).div(var.add(eps).sqrt());
            updateRunningStats(mean.value(), var.value(), count);
        } else {
            Variable mean = Norms.channelView(Variable.constant(runningMean()), 5);
            Variable var = Norms.channelView(Variable.constant(runningVar()), 5);
            y = x.sub(mean).div(var.add(eps).sqrt());
        }
        return Norms.affine(y, weight, bias);
    }

    private void updateRunningStats(Tensor batchMean, Tensor batchBiasedVar, long count) {
        try (NoGrad ignored = NoGrad.enter()) {
            DType dt = runningMean().dtype();
            Tensor m = batchMean.reshape(channels).cast(dt);
            Tensor unbiased = batchBiasedVar.reshape(channels).mul((double) count / (count - 1)).cast(dt);
            setBuffer("running_mean", runningMean().mul(1 - momentum).add(m.mul(momentum)));
            setBuffer("running_var", runningVar().mul(1 - momentum).add(unbiased.mul(momentum)));
            Tensor n = namedBuffers().get("num_batches_tracked");
            setBuffer("num_batches_tracked", Tensor.full(n.device(), n.item() + 1, DType.INT64));
        }
    }

    public Tensor runningMean() { return namedBuffers().get("running_mean"); }

    public Tensor runningVar() { return namedBuffers().get("running_var"); }

    @Override public String toString() { return "BatchNorm3d(" + channels + ", eps=" + eps + ", momentum=" + momentum + ")"; }
}
