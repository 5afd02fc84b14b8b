package org.voxelforge.nn.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/**
 * What an optimizer remembers about one parameter: how many updates it received (PyTorch's
 * per-parameter {@code step}) and named buffers of the parameter's shape and dtype
 * ({@code momentum_buffer}, {@code exp_avg}, {@code exp_avg_sq}, ...). Buffers are owned here
 * and closed by {@link #close()}.
 */
public final class ParamState implements AutoCloseable {
    long step;
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();

    public long step() { return step; }

    public boolean has(String name) { return buffers.containsKey(name); }

    public Tensor get(String name) {
        Tensor t = buffers.get(name);
        if (t == null) throw new IllegalStateException("optimizer state has no buffer '" + name + "'; it has " + buffers.keySet());
        return t;
    }

    /** The buffer {@code name}, created as zeros shaped like {@code like} on first use. */
    public Tensor zerosLike(String name, Tensor like) {
        Tensor t = buffers.get(name);
        if (t == null) {
            t = TensorScope.untrack(Tensor.zeros(like.device(), like.dtype(), like.dims()));
            buffers.put(name, t);
        } else if (!t.device().equals(like.device())) {
            // state loaded from a file (host) for a parameter on a device, or the other way round
            Tensor moved = t.to(like.device());
            put(name, moved);
            t = moved;
        }
        return t;
    }

    /** Stores {@code t} (taking ownership) under {@code name}, closing any previous buffer. */
    void put(String name, Tensor t) {
        Tensor old = buffers.put(name, TensorScope.untrack(t));
        if (old != null && old != t) old.close();
    }

    public Map<String, Tensor> buffers() { return Collections.unmodifiableMap(buffers); }

    @Override public void close() {
        buffers.values().forEach(Tensor::close);
        buffers.clear();
    }
}
