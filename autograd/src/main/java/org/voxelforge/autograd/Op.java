package org.voxelforge.autograd;

import java.util.List;
import org.voxelforge.core.Tensor;

/**
 * Runs one op: its forward on tensors and, if a graph is being recorded, a {@link Node} holding
 * its backward. Every differentiable op in this package is one call of {@link #apply}, with the
 * forward and the backward written side by side:
 * <pre>{@code
 * static Variable exp(Variable x) {
 *     return Op.apply("exp", List.of(x),
 *         ctx -> { Tensor y = x.value().exp(); ctx.save(y); return y; },   // forward
 *         (ctx, g) -> new Tensor[] {g.mul(ctx.saved(0))});                 // backward: d exp(x) = exp(x) dx
 * }
 * }</pre>
 * A graph is recorded when grad mode is on ({@link NoGrad}), some input requires grad and the
 * output is floating-point (integer and bool outputs have no gradient).
 */
final class Op {
    private Op() {}

    @FunctionalInterface
    interface Forward {
        Tensor apply(Context ctx);
    }

    static Variable apply(String name, List<Variable> inputs, Forward forward, Node.Backward backward) {
        boolean anyGrad = false;
        for (Variable v : inputs) anyGrad |= v.requiresGrad();
        boolean recording = anyGrad && NoGrad.isGradEnabled();
        Context ctx = new Context(recording);
        boolean timed = OpTiming.isEnabled();
        long t0 = timed ? System.nanoTime() : 0;
        Tensor out;
        try {
            out = forward.apply(ctx);
        } catch (RuntimeException e) {
            ctx.release(); // bad input: drop whatever the forward saved before it failed
            throw e;
        }
        long nanos = timed ? System.nanoTime() - t0 : -1;
        if (!recording || !out.dtype().isFloatingPoint()) {
            ctx.release();
            return new Variable(out, false, null);
        }
        return new Variable(out, true, new Node(name, inputs, ctx, backward, out, nanos));
    }

    /** Result of an op that has no gradient (comparisons, argmax, oneHot). */
    static Variable constant(Tensor out) { return new Variable(out, false, null); }
}
