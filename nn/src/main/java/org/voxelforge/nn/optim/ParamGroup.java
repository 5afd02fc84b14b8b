package org.voxelforge.nn.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.voxelforge.autograd.Variable;

/**
 * Parameters that share hyper-parameters, as PyTorch's {@code param_groups} entry: a list of
 * {@link Variable}s and named numeric options ({@code lr}, {@code weight_decay}, {@code momentum},
 * ...; flags are 0 or 1). Options not set here take the optimizer's defaults when the optimizer
 * is built. Schedulers change {@code lr} through {@link #lr(double)} between steps.
 */
public final class ParamGroup {
    private final List<Variable> params;
    private final Map<String, Double> options = new LinkedHashMap<>();

    private ParamGroup(List<Variable> params) {
        this.params = List.copyOf(params);
    }

    public static ParamGroup of(List<Variable> params) { return new ParamGroup(params); }

    public static ParamGroup of(Variable... params) { return new ParamGroup(List.of(params)); }

    /** Sets an option (returns this, for chaining). */
    public ParamGroup set(String option, double value) {
        options.put(option, value);
        return this;
    }

    public ParamGroup set(String option, boolean on) { return set(option, on ? 1 : 0); }

    public List<Variable> params() { return params; }

    public boolean has(String option) { return options.containsKey(option); }

    /** An option's value; a missing option is an error naming the ones that exist. */
    public double get(String option) {
        Double v = options.get(option);
        if (v == null) throw new IllegalArgumentException("parameter group has no option '" + option + "'; it has " + options.keySet());
        return v;
    }

    public boolean flag(String option) { return get(option) != 0; }

    public double lr() { return get("lr"); }

    public ParamGroup lr(double lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException("lr must be >= 0, got " + lr);
        return set("lr", lr);
    }

    /** The options, in insertion order (read-only). */
    public Map<String, Double> options() { return Collections.unmodifiableMap(options); }

    /** One group holding each list, for optimizers built from plain parameter lists. */
    static List<ParamGroup> single(List<Variable> params) {
        List<ParamGroup> out = new ArrayList<>();
        out.add(of(params));
        return out;
    }
}
