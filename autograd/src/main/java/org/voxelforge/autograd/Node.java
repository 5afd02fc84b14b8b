package org.voxelforge.autograd;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.voxelforge.core.DType;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;

/**
 * One recorded op on the tape: which op, which Variables went in, what the forward saved, and
 * the backward function written next to the forward in the op's source. A Variable produced by
 * an op points to its node ({@link Variable#node()}); leaves have none.
 */
public final class Node {
    /** Turns the gradient of the op's output into one gradient per input (null: none). */
    @FunctionalInterface
    public interface Backward {
        /**
         * May return gradients in the broadcast (output) shape or dtype: the engine sums them
         * back to each input's shape and casts to its dtype.
         */
        Tensor[] apply(Context ctx, Tensor gradOutput);
    }

    private static final AtomicLong IDS = new AtomicLong();

    private final long id = IDS.incrementAndGet();
    private final String op;
    private final List<Variable> inputs;
    private final Context ctx;
    private final Backward backward;
    private final Shape outShape;
    private final DType outDtype;
    private final long forwardNanos;
    private long backwardNanos = -1;

    Node(String op, List<Variable> inputs, Context ctx, Backward backward, Tensor out, long forwardNanos) {
        this.op = op;
        this.inputs = List.copyOf(inputs);
        this.ctx = ctx;
        this.backward = backward;
        this.outShape = out.shape();
        this.outDtype = out.dtype();
        this.forwardNanos = forwardNanos;
        ctx.attach(this);
    }

    /** A number unique in this JVM, in creation order. */
    public long id() { return id; }

    public String op() { return op; }

    public List<Variable> inputs() { return inputs; }

    public Shape outputShape() { return outShape; }

    public DType outputDtype() { return outDtype; }

    /** Bytes of tensors the forward saved for backward (kept even after they are freed). */
    public long savedBytes() { return ctx.savedBytes(); }

    /** True once a backward without retainGraph has freed this node's saved tensors. */
    public boolean isReleased() { return ctx.isReleased(); }

    /** Forward time in nanoseconds, or -1 if {@link OpTiming} was off. */
    public long forwardNanos() { return forwardNanos; }

    /** Time of the latest backward through this node in nanoseconds, or -1 if not timed. */
    public long backwardNanos() { return backwardNanos; }

    /** "mul #12" for messages. */
    public String describe() { return "op '" + op + "' (node #" + id + ", output " + outDtype.label() + outShape + ")"; }

    Tensor[] runBackward(Tensor gradOutput) {
        ctx.checkNotReleased();
        long t0 = OpTiming.isEnabled() ? System.nanoTime() : 0;
        Tensor[] grads = backward.apply(ctx, gradOutput);
        if (OpTiming.isEnabled()) backwardNanos = System.nanoTime() - t0;
        if (grads.length != inputs.size()) {
            throw new IllegalStateException("autograd: backward of " + describe() + " returned " + grads.length
                    + " gradients for " + inputs.size() + " inputs");
        }
        return grads;
    }

    void release() { ctx.release(); }

    @Override public String toString() { return op + "#" + id; }
}
