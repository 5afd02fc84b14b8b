package org.voxelforge.train.inference;

import java.util.List;
import org.voxelforge.autograd.Autocast;
import org.voxelforge.autograd.NoGrad;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.Module;

/**
 * The probabilities of a batch of windows as the mean over models (one per fold) and over
 * test-time augmentation variants: {@code mean_m mean_t T_t^-1(act(model_m(T_t(x))))}.
 * Averaging per window gives the same stitched result as averaging whole-volume predictions,
 * because every model's windows get the same Gaussian weights, but needs one accumulator only.
 * Models are switched to eval mode; forward runs under {@link NoGrad}, and with {@code bf16} under
 * {@link Autocast} (convolutions on bf16-rounded inputs with float32 accumulation, as in training).
 */
public final class ModelEnsemble implements PatchPredictor {
    private final List<Module> models;
    private final Activation activation;
    private final List<TestTimeAugmentation.Variant> variants;
    private final boolean bf16;

    public ModelEnsemble(List<? extends Module> models, Activation activation, TestTimeAugmentation tta) {
        this(models, activation, tta, false);
    }

    /** With {@code bf16}: the models' forward passes under bf16 autocast. */
    public ModelEnsemble(List<? extends Module> models, Activation activation, TestTimeAugmentation tta, boolean bf16) {
        if (models.isEmpty()) throw new IllegalArgumentException("ModelEnsemble: needs at least one model");
        this.models = List.copyOf(models);
        this.activation = activation;
        this.variants = tta.variants();
        this.bf16 = bf16;
        for (Module m : this.models) m.eval();
    }

    public int size() { return models.size(); }

    /** The first model's device (the ensemble's models share one). */
    @Override public org.voxelforge.core.Device device() { return models.get(0).device(); }

    public int variantCount() { return variants.size(); }

    @Override public Tensor predict(Tensor windows) {
        if (windows.rank() != 5) {
            throw new IllegalArgumentException("ModelEnsemble: windows must be [N, C, X, Y, Z], got " + windows.describe());
        }
        try (NoGrad ignored = NoGrad.enter(); TensorScope scope = new TensorScope()) {
            Tensor sum = null;
            for (Module m : models) {
                for (TestTimeAugmentation.Variant v : variants) {
                    try (TensorScope step = new TensorScope(); Autocast autocast = bf16 ? Autocast.bf16() : null) {
                        // the windows go to the model's device, the probabilities come back to the windows' device
                        Tensor logits = m.apply(Variable.constant(v.forward(windows.to(m.device())))).value();
                        Tensor p = v.inverse(activation.apply(logits)).to(windows.device());
                        if (p.rank() != 5 || p.dim(0) != windows.dim(0) || p.dim(2) != windows.dim(2)
                                || p.dim(3) != windows.dim(3) || p.dim(4) != windows.dim(4)) {
                            throw new IllegalArgumentException("ModelEnsemble: a model turned windows " + windows.describe()
                                    + " into " + p.describe() + "; expected [N, K, X, Y, Z] of the same spatial size");
                        }
                        Tensor next = sum == null ? p.contiguous() : sum.add(p);
                        if (sum != null) sum.close();
                        sum = step.retain(next);
                    }
                }
            }
            return scope.retain(sum.div(models.size() * variants.size()));
        }
    }
}
