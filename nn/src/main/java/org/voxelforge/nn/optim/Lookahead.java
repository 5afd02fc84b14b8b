package org.voxelforge.nn.optim;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.voxelforge.autograd.NoGrad;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/**
 * Lookahead (Zhang et al., NeurIPS 2019) around any optimizer: the inner optimizer moves the
 * "fast" weights; every {@code k} steps the "slow" weights move a fraction {@code alpha}
 * towards them and the fast weights restart from there:
 * <pre>
 * slow = slow + α·(fast − slow);   fast = slow
 * </pre>
 * A parameter's slow copy is taken just before its first update. The parameter groups are the
 * inner optimizer's (a schedule setting {@code lr} here sets it there). State dict: the inner
 * optimizer's keys plus {@code lookahead.steps} and {@code lookahead.slow.<i>}.
 */
public class Lookahead extends Optimizer {
    private final Optimizer inner;
    private final int k;
    private final double alpha;
    private final Map<Variable, Tensor> slow = new IdentityHashMap<>();
    private long steps;

    public Lookahead(Optimizer inner, int k, double alpha) { this("Lookahead(" + inner.name() + ")", inner, k, alpha); }

    Lookahead(String name, Optimizer inner, int k, double alpha) {
        super(name, inner);
        if (k < 1) throw new IllegalArgumentException(name() + ": k must be >= 1, got " + k);
        if (!(alpha >= 0 && alpha <= 1)) throw new IllegalArgumentException(name() + ": alpha must be in [0, 1], got " + alpha);
        this.inner = inner;
        this.k = k;
        this.alpha = alpha;
    }

    public Optimizer inner() { return inner; }

    public int k() { return k; }

    public double alpha() { return alpha; }

    /** Inner steps taken so far. */
    public long steps() { return steps; }

    @Override protected void validate(ParamGroup g, int index) {}

    @Override protected void update(Tensor param, Tensor grad, ParamState st, ParamGroup g) {
        throw new AssertionError("Lookahead overrides step()");
    }

    @Override public void step() {
        for (Variable p : allParams()) {
            if (updatable(p) && !slow.containsKey(p)) slow.put(p, TensorScope.untrack(p.value().copy()));
        }
        inner.step();
        steps++;
        if (steps % k == 0) synchronize();
    }

    private void synchronize() {
        try (NoGrad ignored = NoGrad.enter()) {
            for (Map.Entry<Variable, Tensor> e : slow.entrySet()) {
                Tensor fastT = e.getKey().value();
                Elements fast = new Elements(fastT, name()), s = new Elements(e.getValue(), name());
                forEachElement(fastT.numel(), (lo, hi) -> {
                    for (long i = lo; i < hi; i++) {
                        double sv = s.get(i);
                        s.set(i, sv + alpha * (fast.get(i) - sv));
                        fast.set(i, s.get(i)); // the stored (rounded) slow value, so fast == slow exactly
                    }
                });
                fast.written();
            }
        }
    }

    @Override public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>(inner.stateDict());
        out.put("lookahead.steps", Tensor.ofLongs(new long[] {steps}));
        List<Variable> ps = allParams();
        for (int i = 0; i < ps.size(); i++) {
            Tensor s = slow.get(ps.get(i));
            if (s != null) out.put("lookahead.slow." + i, s.copy());
        }
        return out;
    }

    @Override public void loadStateDict(Map<String, Tensor> dict) {
        Map<String, Tensor> innerPart = new LinkedHashMap<>();
        Map<Variable, Tensor> loaded = new IdentityHashMap<>();
        long loadedSteps = 0;
        List<Variable> ps = allParams();
        for (Map.Entry<String, Tensor> e : dict.entrySet()) {
            String key = e.getKey();
            if (key.equals("lookahead.steps")) {
                loadedSteps = e.getValue().dtype().getLong(e.getValue().segment(), e.getValue().offset());
            } else if (key.startsWith("lookahead.slow.")) {
                int i = Integer.parseInt(key.substring("lookahead.slow.".length()));
                if (i < 0 || i >= ps.size()) throw new IllegalArgumentException(name() + ".loadStateDict: index in '" + key + "' is out of range");
                Tensor want = ps.get(i).value();
                if (!e.getValue().shape().equals(want.shape())) {
                    throw new IllegalArgumentException(name() + ".loadStateDict: '" + key + "' is " + e.getValue().describe()
                            + " but the parameter is " + want.describe());
                }
                Tensor copy = TensorScope.untrack(Tensor.zeros(want.dtype(), want.dims()));
                copy.copy_(e.getValue());
                loaded.put(ps.get(i), copy);
            } else {
                innerPart.put(key, e.getValue());
            }
        }
        inner.loadStateDict(innerPart);
        slow.values().forEach(Tensor::close);
        slow.clear();
        slow.putAll(loaded);
        steps = loadedSteps;
    }

    @Override public void close() {
        inner.close();
        slow.values().forEach(Tensor::close);
        slow.clear();
    }

}
