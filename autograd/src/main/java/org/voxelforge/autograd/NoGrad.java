package org.voxelforge.autograd;

/**
 * A scope in which ops record nothing: no nodes, no saved tensors, outputs that do not
 * require grad. Use it for inference and for optimizer updates.
 * <pre>{@code
 * try (NoGrad ignored = NoGrad.enter()) {
 *     Variable prediction = model.forward(x);   // no graph is built
 * }
 * }</pre>
 * Scopes nest; the setting is per thread.
 */
public final class NoGrad implements AutoCloseable {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private boolean closed;

    private NoGrad() { DEPTH.get()[0]++; }

    public static NoGrad enter() { return new NoGrad(); }

    /** True unless a {@code NoGrad} scope is open on this thread. */
    public static boolean isGradEnabled() { return DEPTH.get()[0] == 0; }

    @Override public void close() {
        if (!closed) {
            closed = true;
            DEPTH.get()[0]--;
        }
    }
}
