package org.voxelforge.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/**
 * A building block of a network, as in PyTorch: it owns named parameters (trainable
 * {@link Variable}s), named buffers (non-trainable state such as BatchNorm's running mean) and
 * named child modules. Names are dotted paths ({@code encoder.0.conv1.weight}) in registration
 * order, which is also the order of {@link #stateDict()} and of the safetensors files.
 *
 * <p>Subclasses register everything in their constructor and implement {@link #forward}.
 * Callers use {@link #apply}, which also runs forward hooks.
 */
public abstract class Module implements AutoCloseable {
    private final Map<String, Variable> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final List<ForwardHook> hooks = new ArrayList<>();
    private boolean training = true;
    private org.voxelforge.core.MemoryFormat inputFormat = org.voxelforge.core.MemoryFormat.CONTIGUOUS;

    /** Called after {@link #forward} with the module, its input and output; may return a replacement output. */
    @FunctionalInterface
    public interface ForwardHook {
        Variable after(Module module, Variable input, Variable output);
    }

    /** The computation, on one input. */
    public abstract Variable forward(Variable x);

    /** Runs {@link #forward} (on the input packed in {@link #inputFormat}) and then the forward hooks. */
    public final Variable apply(Variable x) {
        x = inInputFormat(x);
        Variable y = forward(x);
        for (ForwardHook h : hooks) {
            Variable r = h.after(this, x, y);
            if (r != null) y = r;
        }
        return y;
    }

    /**
     * Packs the input of {@link #apply} in {@code format} first: {@code CHANNELS_LAST} on a CUDA
     * device makes the whole network compute channels-last (each op there keeps its input's
     * layout: cuDNN's NDHWC convolutions, the NDHWC group-norm kernels). Not saved with the weights;
     * CONTIGUOUS (the default) leaves the input as it comes.
     */
    public Module inputFormat(org.voxelforge.core.MemoryFormat format) {
        if (format == null) throw new IllegalArgumentException("inputFormat: format is null; pass MemoryFormat.CONTIGUOUS or CHANNELS_LAST");
        inputFormat = format;
        return this;
    }

    public org.voxelforge.core.MemoryFormat inputFormat() { return inputFormat; }

    /** x packed in {@link #inputFormat} (x itself for CONTIGUOUS); for forward entry points other than apply. */
    protected final Variable inInputFormat(Variable x) {
        return inputFormat == org.voxelforge.core.MemoryFormat.CONTIGUOUS || x.rank() < 3 ? x : x.contiguous(inputFormat);
    }

    public Module registerForwardHook(ForwardHook hook) {
        hooks.add(hook);
        return this;
    }

    /** Whether {@link #apply} runs hooks after forward (a block that fuses this module's op with another's must not skip them). */
    public boolean hasForwardHooks() { return !hooks.isEmpty(); }

    // ---- registration ----------------------------------------------------------------------

    /** Takes ownership of {@code init} (kept out of the caller's TensorScope) as a trainable parameter. */
    protected final Variable registerParameter(String name, Tensor init) {
        checkName(name);
        TensorScope.untrack(init);
        Variable p = Variable.param(init, name);
        params.put(name, p);
        return p;
    }

    /** Takes ownership of {@code t} as non-trainable state saved with the weights. */
    protected final Tensor registerBuffer(String name, Tensor t) {
        checkName(name);
        TensorScope.untrack(t);
        buffers.put(name, t);
        return t;
    }

    /** Replaces a buffer's tensor (e.g. running statistics), closing the old one. */
    protected final void setBuffer(String name, Tensor t) {
        Tensor old = buffers.get(name);
        if (old == null) throw new IllegalArgumentException("no buffer named '" + name + "' in " + getClass().getSimpleName());
        TensorScope.untrack(t);
        buffers.put(name, t);
        old.close();
    }

    protected final <M extends Module> M registerModule(String name, M child) {
        checkName(name);
        children.put(name, child);
        return child;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("module member name '" + name + "' must be non-empty and contain no '.'");
        }
        if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " already has a member named '" + name + "'");
        }
    }

    // ---- traversal -------------------------------------------------------------------------

    /** Every parameter of this module and its descendants, by dotted name. */
    public final Map<String, Variable> namedParameters() {
        Map<String, Variable> out = new LinkedHashMap<>();
        collect("", out, null);
        return Collections.unmodifiableMap(out);
    }

    /** Every buffer of this module and its descendants, by dotted name. */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", null, out);
        return Collections.unmodifiableMap(out);
    }

    private void collect(String prefix, Map<String, Variable> ps, Map<String, Tensor> bs) {
        if (ps != null) params.forEach((n, p) -> ps.put(prefix + n, p));
        if (bs != null) buffers.forEach((n, b) -> bs.put(prefix + n, b));
        children.forEach((n, c) -> c.collect(prefix + n + ".", ps, bs));
    }

    /** Parameters that currently require grad, in registration order (what an optimizer updates). */
    public final List<Variable> trainableParameters() {
        List<Variable> out = new ArrayList<>();
        for (Variable p : namedParameters().values()) if (p.requiresGrad()) out.add(p);
        return out;
    }

    /** Parameter values and buffers, by dotted name: what a weights file holds. */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedParameters().forEach((n, p) -> out.put(n, p.value()));
        out.putAll(namedBuffers());
        return Collections.unmodifiableMap(out);
    }

    /**
     * Moves every parameter and buffer of this module and its descendants to {@code device}
     * (copies; the old tensors are closed, gradients freed). The Variables stay the same objects,
     * so an optimizer built before the move keeps working. Returns this module.
     */
    public Module to(org.voxelforge.core.Device device) {
        for (Variable p : params.values()) {
            if (p.value().device().equals(device)) continue;
            p.replaceValue(TensorScope.untrack(p.value().to(device))).close();
        }
        for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
            Tensor b = e.getValue();
            if (b.device().equals(device)) continue;
            e.setValue(TensorScope.untrack(b.to(device)));
            b.close();
        }
        for (Module c : children.values()) c.to(device);
        return this;
    }

    /** The device of the first parameter (or buffer); the CPU for a module with neither. */
    public org.voxelforge.core.Device device() {
        for (Variable p : namedParameters().values()) return p.value().device();
        for (Tensor b : namedBuffers().values()) return b.device();
        return org.voxelforge.core.Device.CPU;
    }

    /** Direct children by name. */
    public final Map<String, Module> children() { return Collections.unmodifiableMap(children); }

    /** Number of scalar parameters (all, trainable or frozen), as PyTorch's sum(p.numel()). */
    public final long parameterCount() {
        long n = 0;
        for (Variable p : namedParameters().values()) n += p.value().numel();
        return n;
    }

    // ---- modes -----------------------------------------------------------------------------

    /** Training mode (dropout active, batch statistics) or evaluation mode, recursively. */
    public Module train(boolean on) {
        training = on;
        for (Module c : children.values()) c.train(on);
        return this;
    }

    public final Module eval() { return train(false); }

    public final boolean isTraining() { return training; }

    public final void zeroGrad() {
        for (Variable p : namedParameters().values()) p.zeroGrad();
    }

    // ---- freezing (transfer learning) ------------------------------------------------------

    /**
     * Freezes (requiresGrad false) every parameter whose dotted name matches {@code glob}
     * ({@code *} matches within one name part, {@code **} across parts; e.g. {@code encoder.**}).
     * Returns the number of parameters affected; zero matches is an error naming the pattern.
     */
    public final int freeze(String glob) { return setTrainable(glob, false); }

    public final int unfreeze(String glob) { return setTrainable(glob, true); }

    private int setTrainable(String glob, boolean on) {
        Predicate<String> match = globPredicate(glob);
        int n = 0;
        for (Map.Entry<String, Variable> e : namedParameters().entrySet()) {
            if (match.test(e.getKey())) {
                e.getValue().requiresGrad(on);
                n++;
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("no parameter name matches '" + glob + "'; names look like "
                    + namedParameters().keySet().stream().limit(3).toList());
        }
        return n;
    }

    static Predicate<String> globPredicate(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    re.append(".*");
                    i++;
                } else {
                    re.append("[^.]*");
                }
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        Pattern p = Pattern.compile(re.toString());
        return s -> p.matcher(s).matches();
    }

    /** Frees parameters, their gradients and buffers, recursively. */
    @Override public void close() {
        for (Variable p : params.values()) {
            p.close();
            p.value().close();
        }
        for (Tensor b : buffers.values()) b.close();
        for (Module c : children.values()) c.close();
    }

    @Override public String toString() {
        return getClass().getSimpleName() + "(" + parameterCount() + " parameters)";
    }
}
