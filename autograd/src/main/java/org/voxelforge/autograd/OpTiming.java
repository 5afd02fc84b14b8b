package org.voxelforge.autograd;

/**
 * Turns on per-node timing: while a scope is open on this thread, every op records how long
 * its forward took, and every backward pass records how long each node's backward took.
 * {@link GraphInspector} prints both. Off by default, because {@code System.nanoTime} per op
 * is not free.
 * <pre>{@code
 * try (OpTiming timing = OpTiming.enable()) {
 *     Variable loss = step(x);
 *     loss.backward();
 * }
 * System.out.println(GraphInspector.text(loss));
 * }</pre>
 */
public final class OpTiming implements AutoCloseable {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private boolean closed;

    private OpTiming() { DEPTH.get()[0]++; }

    public static OpTiming enable() { return new OpTiming(); }

    public static boolean isEnabled() { return DEPTH.get()[0] > 0; }

    @Override public void close() {
        if (!closed) {
            closed = true;
            DEPTH.get()[0]--;
        }
    }
}
