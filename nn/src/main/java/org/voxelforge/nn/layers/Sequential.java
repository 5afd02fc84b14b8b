package org.voxelforge.nn.layers;

import java.util.ArrayList;
import java.util.List;
import org.voxelforge.autograd.Variable;
import org.voxelforge.nn.Module;

/**
 * Modules applied in order, registered under "0", "1", ... like PyTorch's {@code nn.Sequential}
 * (or under given names, like an {@code OrderedDict}). Also serves as PyTorch's
 * {@code nn.ModuleList} (a numbered container) when its {@link #forward} is not used.
 */
public final class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    public Sequential(Module... modules) {
        for (Module m : modules) add(m);
    }

    public Sequential(List<? extends Module> modules) {
        for (Module m : modules) add(m);
    }

    /** Appends under the next index. */
    public Sequential add(Module m) { return add(Integer.toString(layers.size()), m); }

    /** Appends under a name. */
    public Sequential add(String name, Module m) {
        layers.add(registerModule(name, m));
        return this;
    }

    public Module get(int i) { return layers.get(i); }

    public int size() { return layers.size(); }

    public List<Module> layers() { return List.copyOf(layers); }

    @Override public Variable forward(Variable x) {
        for (Module m : layers) x = m.apply(x);
        return x;
    }

    @Override public String toString() { return "Sequential" + layers; }
}
