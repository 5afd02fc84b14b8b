package org.voxelforge.nn.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.nn.Module;

/**
 * Stochastic weight averaging (Izmailov et al., 2018) as in the open BraTS 2020 solution: train
 * with a {@link CyclicCosineLr}, call {@link #update()} at the end of every cycle, and the
 * running mean of those snapshots, {@code avg += (w − avg)/(n + 1)} (PyTorch's AveragedModel
 * default), becomes the final model through {@link #copyTo}.
 *
 * <p>Only parameters are averaged. BatchNorm running statistics are not recomputed for the
 * averaged weights (PyTorch's {@code update_bn}); that is out of scope here because the
 * InstanceNorm networks of this project keep no running statistics. A network with BatchNorm
 * needs its statistics recomputed over the training data after {@link #copyTo}.
 */
public final class SwaAverager implements AutoCloseable {
    private final Module model;
    private final Map<String, Tensor> average = new LinkedHashMap<>();
    private long count;

    public SwaAverager(Module model) {
        this.model = model;
        for (Map.Entry<String, Variable> e : model.namedParameters().entrySet()) {
            Tensor v = e.getValue().value();
            average.put(e.getKey(), TensorScope.untrack(Tensor.zeros(v.dtype(), v.dims())));
        }
    }

    /** Adds the model's current parameters to the running mean (a snapshot). */
    public void update() {
        Map<String, Variable> now = model.namedParameters();
        double n = count;
        for (Map.Entry<String, Tensor> e : average.entrySet()) {
            Variable p = now.get(e.getKey());
            if (p == null) throw new IllegalStateException("SwaAverager.update: the model no longer has '" + e.getKey() + "'");
            Tensor avg = e.getValue();
            WeightEma.requireSameShape(avg, p.value(), e.getKey(), "SwaAverager.update");
            Elements a = new Elements(avg, "SwaAverager"), w = new Elements(p.value(), "SwaAverager");
            Optimizer.forEachElement(avg.numel(), (lo, hi) -> {
                for (long i = lo; i < hi; i++) {
                    double av = n == 0 ? w.get(i) : a.get(i) + (w.get(i) - a.get(i)) / (n + 1);
                    a.set(i, av);
                }
            });
            a.written();
        }
        count++;
    }

    /** Snapshots averaged so far. */
    public long count() { return count; }

    /** The running means by parameter name (owned by this object). */
    public Map<String, Tensor> averages() { return Collections.unmodifiableMap(average); }

    /** Copies the average into {@code target}'s parameters; an error before the first snapshot. */
    public void copyTo(Module target) {
        if (count == 0) throw new IllegalStateException("SwaAverager.copyTo: no snapshot was averaged yet; call update() at each cycle end first");
        WeightEma.copyInto(average, target, "SwaAverager.copyTo");
    }

    /** The running means ({@code avg.<name>}) and the count ({@code n_averaged}), as copies. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("n_averaged", Tensor.scalar(count, DType.INT64));
        average.forEach((n, t) -> out.put("avg." + n, t.copy()));
        return out;
    }

    public void loadStateDict(Map<String, Tensor> dict) {
        Tensor n = dict.get("n_averaged");
        if (n == null) throw new IllegalArgumentException("SwaAverager.loadStateDict: missing 'n_averaged'; keys are " + dict.keySet());
        for (Map.Entry<String, Tensor> e : average.entrySet()) {
            Tensor src = dict.get("avg." + e.getKey());
            if (src == null) throw new IllegalArgumentException("SwaAverager.loadStateDict: missing 'avg." + e.getKey() + "'");
            WeightEma.requireSameShape(e.getValue(), src, e.getKey(), "SwaAverager.loadStateDict");
        }
        for (Map.Entry<String, Tensor> e : average.entrySet()) e.getValue().copy_(dict.get("avg." + e.getKey()));
        count = n.dtype().getLong(n.segment(), n.offset());
    }

    @Override public void close() {
        average.values().forEach(Tensor::close);
        average.clear();
    }
}
