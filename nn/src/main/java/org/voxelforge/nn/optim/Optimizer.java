package org.voxelforge.nn.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.voxelforge.autograd.NoGrad;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;
import org.voxelforge.core.Device;
import org.voxelforge.core.Parallel;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/**
 * Base of the optimizers, shaped like {@code torch.optim.Optimizer}: parameter groups with
 * options, a state per parameter, {@link #step()}, {@link #zeroGrad()}, and the state as named
 * tensors ({@link #stateDict()} / {@link #loadStateDict}) so that a checkpoint resumes bit for bit.
 *
 * <p>{@link #step()} skips parameters that are frozen ({@code requiresGrad} false) or have no
 * gradient, and updates the others in place on their value tensors (plain tensors, inside
 * {@link NoGrad}); each update bumps the value's version counter, so a graph that saved the
 * old value fails loudly on backward.
 *
 * <p>Options every optimizer understands, besides its own: {@code lr}; {@code l1} and
 * {@code l2}, penalties added to the gradient before the rule ({@code l1·sign(p)} and
 * {@code l2·p}, the gradients of {@code l1·|p|₁} and {@code (l2/2)·|p|²}). PyTorch's
 * {@code weight_decay} keeps its per-optimizer meaning (coupled for SGD, Adam and RAdam,
 * decoupled for AdamW).
 */
public abstract class Optimizer implements AutoCloseable {
    /** Elements per parallel chunk of an update loop. */
    static final long GRAIN = 1 << 15;

    private final String name;
    private final List<ParamGroup> groups;
    private final Map<Variable, ParamState> state = new IdentityHashMap<>();

    /**
     * Fills each group's missing options from {@code defaults}, rejects options the optimizer
     * does not know and parameters listed twice, then lets {@link #validate} check values.
     */
    protected Optimizer(String name, List<ParamGroup> groups, Map<String, Double> defaults) {
        this.name = name;
        if (groups.isEmpty()) throw new IllegalArgumentException(name + ": needs at least one parameter group");
        Map<String, Double> all = new LinkedHashMap<>();
        all.put("lr", null);
        all.put("l1", 0.0);
        all.put("l2", 0.0);
        all.putAll(defaults);
        Set<Variable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int gi = 0; gi < groups.size(); gi++) {
            ParamGroup g = groups.get(gi);
            for (String k : g.options().keySet()) {
                if (!all.containsKey(k)) {
                    throw new IllegalArgumentException(name + ": group " + gi + " has unknown option '" + k + "'; known options are " + all.keySet());
                }
            }
            for (Map.Entry<String, Double> e : all.entrySet()) {
                if (!g.has(e.getKey())) {
                    if (e.getValue() == null) throw new IllegalArgumentException(name + ": group " + gi + " needs option '" + e.getKey() + "'");
                    g.set(e.getKey(), e.getValue());
                }
            }
            for (Variable p : g.params()) {
                if (!seen.add(p)) throw new IllegalArgumentException(name + ": parameter " + p + " appears in more than one place");
                if (!p.isLeaf()) throw new IllegalArgumentException(name + ": " + p + " is not a leaf; optimizers update parameters, not results of ops");
            }
            requireAtLeast(g, gi, "lr", 0);
            requireAtLeast(g, gi, "l1", 0);
            requireAtLeast(g, gi, "l2", 0);
            validate(g, gi);
        }
        this.groups = List.copyOf(groups);
    }

    /** For wrappers (Lookahead): shares groups that another optimizer already validated. */
    protected Optimizer(String name, Optimizer wrapped) {
        this.name = name;
        this.groups = wrapped.groups;
    }

    /** Checks one group's option values; messages name the optimizer, group and option. */
    protected abstract void validate(ParamGroup g, int index);

    /**
     * Updates {@code param} in place from {@code grad} (same shape and dtype) and the
     * parameter's state, whose {@link ParamState#step()} already counts this update.
     */
    protected abstract void update(Tensor param, Tensor grad, ParamState st, ParamGroup g);

    public final String name() { return name; }

    public final List<ParamGroup> paramGroups() { return groups; }

    /** Sets {@code lr} of every group (what a single schedule drives). */
    public void setLr(double lr) {
        for (ParamGroup g : groups) g.lr(lr);
    }

    /** The state of {@code p}, or null before its first update. */
    public final ParamState state(Variable p) { return state.get(p); }

    /** One update of every parameter that requires grad and has a gradient. */
    public void step() {
        try (NoGrad ignored = NoGrad.enter(); TensorScope scope = new TensorScope()) {
            for (ParamGroup g : groups) {
                DeviceSteps deviceSteps = new DeviceSteps();
                for (Variable p : g.params()) {
                    if (!updatable(p)) continue;
                    Tensor value = p.value(), grad = p.grad();
                    if (!value.shape().equals(grad.shape()) || value.dtype() != grad.dtype()) {
                        throw new IllegalStateException(name + ".step: gradient " + grad.describe() + " of " + p
                                + " does not match its value " + value.describe());
                    }
                    ParamState st = state.computeIfAbsent(p, k -> new ParamState());
                    st.step++;
                    if (value.device().isCpu()) {
                        update(value, grad, st, g);
                    } else if (!queueOnDevice(value, grad, st, g, deviceSteps)) {
                        // the update rules are per-element host loops: run them on host copies (state stays on the
                        // host) and copy the parameter back; correct for every rule, at three transfers per parameter
                        Tensor hv = value.to(Device.CPU), hg = grad.to(Device.CPU);
                        update(hv, hg, st, g);
                        value.copy_(hv);
                    }
                    value.storage().bumpVersion();
                }
                flushDevice(g, deviceSteps);
            }
        }
    }

    /**
     * Device updates of one group waiting for {@link #flushDevice}: rows of tensors (parameter,
     * gradient, state buffers) under a key that says which ones one fused launch may take together
     * (the same device and, say, the same step number).
     */
    protected static final class DeviceSteps {
        private final Map<Object, List<Tensor[]>> rows = new LinkedHashMap<>();

        public void add(Object key, Tensor... row) { rows.computeIfAbsent(key, k -> new ArrayList<>()).add(row); }

        public Map<Object, List<Tensor[]>> byKey() { return rows; }
    }

    /**
     * Takes a device parameter's update: either queues it in {@code steps} for one fused launch per
     * key at the end of the group ({@link #flushDevice}), or updates it now; returns false when
     * neither applies, so that {@link #step()} runs {@link #update} on host copies. The default
     * takes nothing.
     */
    protected boolean queueOnDevice(Tensor param, Tensor grad, ParamState st, ParamGroup g, DeviceSteps steps) { return false; }

    /** Runs the updates {@link #queueOnDevice} queued for group {@code g}. */
    protected void flushDevice(ParamGroup g, DeviceSteps steps) {
        if (!steps.byKey().isEmpty()) throw new IllegalStateException(name + ": device steps were queued but " + getClass().getSimpleName()
                + " does not flush them");
    }

    /** The CUDA backend of a device tensor, or null (the CPU). */
    static org.voxelforge.core.cuda.CudaBackend cudaBackend(Tensor t) {
        return t.backend() instanceof org.voxelforge.core.cuda.CudaBackend c ? c : null;
    }

    /** True when {@link #step()} would update {@code p}. */
    static boolean updatable(Variable p) { return p.requiresGrad() && p.grad() != null; }

    /** Frees the gradient of every parameter of every group. */
    public void zeroGrad() {
        for (ParamGroup g : groups) for (Variable p : g.params()) p.zeroGrad();
    }

    /** Runs {@code body} over {@code [0, n)} in parallel chunks (elements are independent). */
    protected static void forEachElement(long n, Parallel.RangeBody body) { Parallel.forRange(n, GRAIN, body); }

    /** The gradient with the group's L1 and L2 penalties added. */
    protected static double penalized(double g, double p, double l1, double l2) {
        if (l2 != 0) g += l2 * p;
        if (l1 != 0) g += l1 * Math.signum(p);
        return g;
    }

    // ---- state as named tensors ------------------------------------------------------------

    /** Parameters of all groups in order; a parameter's position is its index in the state dict. */
    protected final List<Variable> allParams() {
        List<Variable> out = new ArrayList<>();
        for (ParamGroup g : groups) out.addAll(g.params());
        return out;
    }

    /**
     * The optimizer's state as named tensors (copies the caller owns), keyed like PyTorch's
     * state_dict: {@code param_groups.<g>.<option>} (float64 scalars),
     * {@code state.<i>.step} (int64 scalar) and {@code state.<i>.<buffer>}, where {@code i}
     * is the parameter's position over all groups.
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int gi = 0; gi < groups.size(); gi++) {
            for (Map.Entry<String, Double> e : groups.get(gi).options().entrySet()) {
                out.put("param_groups." + gi + "." + e.getKey(), Tensor.scalar(e.getValue(), DType.FLOAT64));
            }
        }
        List<Variable> ps = allParams();
        for (int i = 0; i < ps.size(); i++) {
            ParamState st = state.get(ps.get(i));
            if (st == null) continue;
            out.put("state." + i + ".step", Tensor.ofLongs(new long[] {st.step}));
            for (Map.Entry<String, Tensor> e : st.buffers().entrySet()) out.put("state." + i + "." + e.getKey(), e.getValue().copy());
        }
        return out;
    }

    /**
     * Replaces options and state with those of {@code dict} (as written by {@link #stateDict()}
     * for the same parameter layout). Unknown keys, parameter indices out of range and shapes
     * that do not match are errors naming the key.
     */
    public void loadStateDict(Map<String, Tensor> dict) {
        List<Variable> ps = allParams();
        Map<Variable, ParamState> loaded = new IdentityHashMap<>();
        Map<String, Tensor> stateKeys = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : dict.entrySet()) {
            String key = e.getKey();
            String[] parts = key.split("\\.", 3);
            if (parts.length == 3 && parts[0].equals("param_groups")) {
                int gi = index(parts[1], groups.size(), key);
                if (!groups.get(gi).has(parts[2])) throw new IllegalArgumentException(name + ".loadStateDict: '" + key + "' names an unknown option");
                groups.get(gi).set(parts[2], e.getValue().item());
            } else if (parts.length == 3 && parts[0].equals("state")) {
                stateKeys.put(key, e.getValue());
            } else {
                throw new IllegalArgumentException(name + ".loadStateDict: unexpected key '" + key
                        + "'; expected param_groups.<g>.<option> or state.<i>.<buffer>");
            }
        }
        try (TensorScope scope = new TensorScope()) { // casts die here; ParamState.put untracks the copies
            for (Map.Entry<String, Tensor> e : stateKeys.entrySet()) {
                String key = e.getKey();
                String[] parts = key.split("\\.", 3);
                Variable p = ps.get(index(parts[1], ps.size(), key));
                ParamState st = loaded.computeIfAbsent(p, k -> new ParamState());
                Tensor src = e.getValue();
                if (parts[2].equals("step")) {
                    st.step = src.dtype().getLong(src.segment(), src.offset());
                } else {
                    Shape want = p.value().shape();
                    if (!src.shape().equals(want)) {
                        throw new IllegalArgumentException(name + ".loadStateDict: '" + key + "' has shape " + src.describe()
                                + " but parameter " + p + " has shape " + want);
                    }
                    Tensor copy = Tensor.zeros(p.value().dtype(), want.dims());
                    copy.copy_(src.dtype() == copy.dtype() ? src : src.cast(copy.dtype()));
                    st.put(parts[2], copy);
                }
            }
        } catch (RuntimeException ex) {
            loaded.values().forEach(ParamState::close);
            throw ex;
        }
        state.values().forEach(ParamState::close);
        state.clear();
        state.putAll(loaded);
    }

    private int index(String s, int size, String key) {
        int i;
        try {
            i = Integer.parseInt(s);
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(name + ".loadStateDict: '" + key + "' has no numeric index");
        }
        if (i < 0 || i >= size) throw new IllegalArgumentException(name + ".loadStateDict: index in '" + key + "' is out of range [0, " + size + ")");
        return i;
    }

    // ---- validation helpers ----------------------------------------------------------------

    protected final void requireAtLeast(ParamGroup g, int gi, String option, double min) {
        double v = g.get(option);
        if (!(v >= min)) throw new IllegalArgumentException(name + ": group " + gi + " option " + option + " must be >= " + min + ", got " + v);
    }

    protected final void requireUnit(ParamGroup g, int gi, String option) {
        double v = g.get(option);
        if (!(v >= 0 && v < 1)) throw new IllegalArgumentException(name + ": group " + gi + " option " + option + " must be in [0, 1), got " + v);
    }

    /** Frees all state buffers (not the parameters). */
    @Override public void close() {
        state.values().forEach(ParamState::close);
        state.clear();
    }
}
