package org.voxelforge.nn.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.Module;

/**
 * An exponential moving average of a model's weights (parameters and floating buffers, by
 * state-dict name), as timm's ModelEma: after each optimizer step,
 * {@code ema = d·ema + (1 − d)·weights}; non-floating buffers are copied.
 *
 * <p>Decay {@code d} is fixed, or with warm-up (timm's ModelEmaV3) depends on the update count
 * {@code n} (1 for the first update): {@code s = n − 1}; {@code d = 0} when {@code s = 0} (the
 * average starts as the weights), else {@code d = clamp(1 − (1 + s/γ)^(−power), minDecay, decay)}
 * with γ = 1 and power = 2/3 by default.
 */
public final class WeightEma implements AutoCloseable {
    private final Module model;
    private final double decay;
    private final boolean warmup;
    private final double warmupGamma, warmupPower, minDecay;
    private final Map<String, Tensor> average = new LinkedHashMap<>();
    private long updates;

    /** A fixed-decay average, starting from the model's current weights. */
    public WeightEma(Module model, double decay) { this(model, decay, false, 1, 2.0 / 3, 0); }

    public WeightEma(Module model, double decay, boolean warmup, double warmupGamma, double warmupPower, double minDecay) {
        if (!(decay >= 0 && decay <= 1)) throw new IllegalArgumentException("WeightEma: decay must be in [0, 1], got " + decay);
        if (!(minDecay >= 0 && minDecay <= decay)) throw new IllegalArgumentException("WeightEma: minDecay must be in [0, decay], got " + minDecay);
        if (!(warmupGamma > 0) || !(warmupPower > 0)) {
            throw new IllegalArgumentException("WeightEma: warmupGamma and warmupPower must be > 0, got " + warmupGamma + " and " + warmupPower);
        }
        this.model = model;
        this.decay = decay;
        this.warmup = warmup;
        this.warmupGamma = warmupGamma;
        this.warmupPower = warmupPower;
        this.minDecay = minDecay;
        model.stateDict().forEach((n, t) -> average.put(n, TensorScope.untrack(t.copy())));
    }

    /** timm's warm-up defaults (γ 1, power 2/3, no minimum). */
    public static WeightEma withWarmup(Module model, double decay) { return new WeightEma(model, decay, true, 1, 2.0 / 3, 0); }

    /** The decay used by the {@code n}-th update (n >= 1). */
    public double decayAt(long n) {
        if (n < 1) throw new IllegalArgumentException("WeightEma.decayAt: update count must be >= 1, got " + n);
        if (!warmup) return decay;
        long s = n - 1;
        if (s == 0) return 0;
        double d = 1 - Math.pow(1 + s / warmupGamma, -warmupPower);
        return Math.max(Math.min(d, decay), minDecay);
    }

    /** Folds the model's current weights into the average; returns the decay used. */
    public double update() {
        double d = decayAt(++updates);
        Map<String, Tensor> now = model.stateDict();
        for (Map.Entry<String, Tensor> e : average.entrySet()) {
            Tensor w = now.get(e.getKey());
            if (w == null) throw new IllegalStateException("WeightEma.update: the model no longer has '" + e.getKey() + "'");
            Tensor avg = e.getValue();
            requireSameShape(avg, w, e.getKey(), "WeightEma.update");
            if (!avg.dtype().isFloatingPoint()) {
                avg.copy_(w);
                continue;
            }
            Elements a = new Elements(avg, "WeightEma"), x = new Elements(w, "WeightEma");
            Optimizer.forEachElement(avg.numel(), (lo, hi) -> {
                for (long i = lo; i < hi; i++) a.set(i, d * a.get(i) + (1 - d) * x.get(i));
            });
            a.written();
        }
        return d;
    }

    public long updates() { return updates; }

    /** The averaged tensors by state-dict name (owned by this object; read-only map). */
    public Map<String, Tensor> averages() { return Collections.unmodifiableMap(average); }

    /** Copies the average into {@code target}'s parameters and buffers (same names and shapes). */
    public void copyTo(Module target) { copyInto(average, target, "WeightEma.copyTo"); }

    static void copyInto(Map<String, Tensor> source, Module target, String op) {
        Map<String, Tensor> dst = target.stateDict();
        for (Map.Entry<String, Tensor> e : source.entrySet()) {
            Tensor d = dst.get(e.getKey());
            if (d == null) throw new IllegalArgumentException(op + ": target " + target + " has no '" + e.getKey() + "'; it has " + dst.keySet());
            requireSameShape(d, e.getValue(), e.getKey(), op);
            d.copy_(e.getValue());
        }
    }

    static void requireSameShape(Tensor a, Tensor b, String name, String op) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException(op + ": '" + name + "' is " + b.describe() + " but the average holds " + a.describe());
        }
    }

    @Override public void close() {
        average.values().forEach(Tensor::close);
        average.clear();
    }
}
