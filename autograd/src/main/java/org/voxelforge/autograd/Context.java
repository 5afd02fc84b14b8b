package org.voxelforge.autograd;

import java.util.ArrayList;
import java.util.List;
import org.voxelforge.core.Tensor;

/**
 * What an op's forward leaves for its backward (minitorch's {@code ctx}): the tensors it
 * saved. Each saved tensor is kept as its own handle on the same storage, together with the
 * storage's version at save time, so that
 * <ul>
 *   <li>the caller may close its own handle without breaking backward, and</li>
 *   <li>an in-place write to the tensor after saving (fill_, copy_, set) is detected when the
 *       backward reads it, instead of silently producing a wrong gradient.</li>
 * </ul>
 * When no graph is being recorded, {@link #save} does nothing.
 */
public final class Context {
    private final boolean recording;
    private final List<Tensor> saved = new ArrayList<>();
    private final List<Integer> versions = new ArrayList<>();
    private Node node; // set once the node exists; for error messages
    private long savedBytes;
    private boolean released;

    Context(boolean recording) { this.recording = recording; }

    /** True when a graph is being recorded; ops skip computing what only backward needs otherwise. */
    public boolean recording() { return recording; }

    /**
     * Keeps each tensor for backward (a new handle on its storage), remembering its version. A
     * null keeps its slot empty: ops pass null for what the backward will not need, such as
     * the other operand of a product when only one side requires grad.
     */
    public void save(Tensor... ts) {
        if (!recording) return;
        for (Tensor t : ts) {
            if (t == null) {
                saved.add(null);
                versions.add(-1);
                continue;
            }
            saved.add(new Tensor(t.storage(), t.dtype(), t.shape(), t.strides(), t.offset()));
            versions.add(t.version());
            savedBytes += t.numel() * t.dtype().byteSize();
        }
    }

    /** Saved tensor {@code i}, after checking it is still open and unmodified. */
    public Tensor saved(int i) {
        checkNotReleased();
        String op = node == null ? "?" : node.describe();
        Tensor t = saved.get(i);
        if (t == null) throw new IllegalStateException("autograd: " + op + " did not save tensor " + i + " for backward");
        if (t.isClosed() || t.storage().isFreed()) {
            throw new IllegalStateException("autograd: saved tensor " + i + " (" + t.describe() + ") of " + op
                    + " was freed before backward; run backward inside the TensorScope that ran the forward");
        }
        int now = t.version(), then = versions.get(i);
        if (now != then) {
            throw new IllegalStateException("autograd: one of the tensors needed for gradient computation has been "
                    + "modified by an in-place operation: saved tensor " + i + " (" + t.describe() + ") of " + op
                    + " is at version " + now + "; expected version " + then + ". Do not write in place (fill_, copy_, "
                    + "set) into a tensor an op saved for backward, or give the op a copy");
        }
        return t;
    }

    public int savedCount() { return saved.size(); }

    boolean isReleased() { return released; }

    void checkNotReleased() {
        if (released) {
            throw new IllegalStateException("autograd: trying to backward through " + (node == null ? "?" : node.describe())
                    + " a second time, but the graph was freed after the first backward; pass retainGraph = true to "
                    + "the first backward(...) if you need to run backward twice");
        }
    }

    /** Bytes the saved tensors held at save time (element count times element size). */
    long savedBytes() { return savedBytes; }

    void attach(Node n) { this.node = n; }

    /** Frees the saved tensors; a later backward through this node fails with a clear message. */
    void release() {
        if (released) return;
        released = true;
        for (Tensor t : saved) if (t != null) t.close();
        saved.clear();
    }
}
