package org.voxelforge.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Closes every tensor created on this thread while it is open, except the ones retained:
 * <pre>{@code
 * try (TensorScope scope = new TensorScope()) {
 *     Tensor h = x.matmul(w).relu();      // intermediates die with the scope
 *     return scope.retain(h.sum());       // this one survives (into the enclosing scope, if any)
 * }
 * }</pre>
 * Scopes nest per thread. Tensors created on other threads are not tracked by this scope.
 */
public final class TensorScope implements AutoCloseable {
    private static final ThreadLocal<ArrayDeque<TensorScope>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    private final Set<Tensor> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Thread thread = Thread.currentThread();
    private boolean closed;

    public TensorScope() { STACK.get().push(this); }

    static void register(Tensor t) {
        TensorScope s = STACK.get().peek();
        if (s != null) s.owned.add(t);
    }

    /** Keeps {@code t} alive past this scope; it moves to the enclosing scope if there is one. */
    public <T extends Tensor> T retain(T t) {
        owned.remove(t);
        ArrayDeque<TensorScope> stack = STACK.get();
        boolean passed = false;
        for (TensorScope s : stack) { // iterates from the innermost
            if (passed) {
                s.owned.add(t);
                break;
            }
            if (s == this) passed = true;
        }
        return t;
    }

    /**
     * Removes {@code t} from every scope open on this thread: the caller now owns it and must
     * close it. For long-lived tensors created inside a scope, such as autograd's leaf gradients.
     */
    public static <T extends Tensor> T untrack(T t) {
        for (TensorScope s : STACK.get()) s.owned.remove(t);
        return t;
    }

    /** Retains several tensors at once. */
    public List<Tensor> retainAll(List<Tensor> ts) {
        for (Tensor t : ts) retain(t);
        return ts;
    }

    /** Number of tensors this scope will close. */
    public int size() { return owned.size(); }

    @Override public void close() {
        if (closed) return;
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a TensorScope must be closed on the thread that opened it");
        }
        closed = true;
        ArrayDeque<TensorScope> stack = STACK.get();
        if (stack.peek() != this) {
            throw new IllegalStateException("TensorScope closed out of order: close inner scopes first "
                    + "(use try-with-resources)");
        }
        stack.pop();
        for (Tensor t : new ArrayList<>(owned)) t.close();
        owned.clear();
    }
}
