package org.voxelforge.autograd;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.voxelforge.core.BinaryOp;
import org.voxelforge.core.DType;
import org.voxelforge.core.PadMode;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/**
 * A tensor value in a computation graph. A Variable made by the user is a <em>leaf</em>
 * ({@link #node()} is null); one made by an op points to the {@link Node} that produced it.
 * Calling {@link #backward()} on a result fills {@link #grad()} of every leaf that
 * {@link #requiresGrad()}; gradients add up across backward calls until {@link #zeroGrad()}.
 *
 * <p>The op methods below only forward to the op families ({@link ElementwiseOps},
 * {@link ReductionOps}, {@link MatmulOp}, {@link ViewOps}, {@link JoinOps}, {@link IndexOps}),
 * where each op's forward and backward sit side by side.
 *
 * <p>Lifetimes: the value tensor belongs to whoever created it (usually the caller's
 * {@link TensorScope}); the gradient belongs to this Variable and is closed by
 * {@link #zeroGrad()} or {@link #close()}.
 */
public final class Variable implements AutoCloseable {
    private Tensor value;
    private boolean requiresGrad;
    private final Node node;
    private Tensor grad;
    private String name;
    private final List<UnaryOperator<Tensor>> hooks = new ArrayList<>();

    Variable(Tensor value, boolean requiresGrad, Node node) {
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.node = node;
    }

    /** A leaf that requires grad (a parameter, or an input we differentiate with respect to). */
    public static Variable param(Tensor value) {
        requireFloating(value, "param");
        return new Variable(value, true, null);
    }

    /** A leaf that requires grad, with a name shown by {@link GraphInspector}. */
    public static Variable param(Tensor value, String name) { return param(value).named(name); }

    /**
     * A differentiable op defined outside this package (a fused kernel, say), recorded like the
     * built-in ones: {@code forward} computes the output from the inputs' values and may save
     * tensors in the context; {@code backward} returns one gradient per input (null where an input
     * needs none) from the saved tensors and the output's gradient.
     */
    public static Variable custom(String name, List<Variable> inputs, java.util.function.Function<Context, Tensor> forward,
                                  Node.Backward backward) {
        return Op.apply(name, inputs, forward::apply, backward);
    }

    /** A leaf that does not require grad (data, labels, masks). */
    public static Variable constant(Tensor value) { return new Variable(value, false, null); }

    public static Variable constant(Tensor value, String name) { return constant(value).named(name); }

    // ---- state -----------------------------------------------------------------------------

    public Tensor value() { return value; }

    public boolean requiresGrad() { return requiresGrad; }

    /** Switches gradient tracking of a leaf on or off. */
    public Variable requiresGrad(boolean on) {
        if (node != null) {
            throw new IllegalStateException("requiresGrad: " + this + " was produced by " + node.describe()
                    + "; only leaves can change requiresGrad (use detach() to cut the graph)");
        }
        if (on) requireFloating(value, "requiresGrad");
        requiresGrad = on;
        return this;
    }

    /** The node that produced this Variable, or null for a leaf. */
    public Node node() { return node; }

    public boolean isLeaf() { return node == null; }

    /** Accumulated gradient of a leaf (null before the first backward or after zeroGrad). */
    public Tensor grad() { return grad; }

    /**
     * Puts {@code next} (same shape and dtype, any device) in place of a leaf's value and returns
     * the old one, which the caller owns again; the gradient is freed. This is how a module moves
     * its parameters to another device while optimizers keep holding the same Variables.
     */
    public Tensor replaceValue(Tensor next) {
        if (node != null) throw new IllegalStateException("replaceValue: " + this + " is not a leaf (produced by " + node.describe() + ")");
        if (!next.shape().equals(value.shape()) || next.dtype() != value.dtype()) {
            throw new IllegalArgumentException("replaceValue: " + next.describe() + " does not match the value " + value.describe()
                    + " of " + this);
        }
        Tensor old = value;
        value = next;
        zeroGrad();
        return old;
    }

    /** Frees the gradient; the next backward starts from zero. */
    public void zeroGrad() {
        if (grad != null) grad.close();
        grad = null;
    }

    public String name() { return name; }

    public Variable named(String n) {
        this.name = n;
        return this;
    }

    public Shape shape() { return value.shape(); }

    public int[] dims() { return value.dims(); }

    public int rank() { return value.rank(); }

    public int dim(int axis) { return value.dim(axis); }

    public DType dtype() { return value.dtype(); }

    /** Same value, no history, requiresGrad false. Shares the value tensor. */
    public Variable detach() { return new Variable(value, false, null); }

    /**
     * Registers {@code hook}, called during backward with this Variable's gradient (summed over
     * all its uses) before it flows on. It may return a replacement gradient of the same shape,
     * or null to keep the gradient as it is. Hooks must not write into the gradient in place.
     */
    public Variable registerHook(UnaryOperator<Tensor> hook) {
        if (!requiresGrad) throw new IllegalStateException("registerHook: " + this + " does not require grad");
        hooks.add(hook);
        return this;
    }

    List<UnaryOperator<Tensor>> hooks() { return hooks; }

    /** Adds {@code g} (already of this Variable's shape and dtype) into the leaf gradient. */
    void accumulateGrad(Tensor g) {
        Tensor next = grad == null ? g.copy() : grad.add(g);
        TensorScope.untrack(next);
        if (grad != null) grad.close();
        grad = next;
    }

    /** Closes the gradient (the value belongs to its creator and is not closed). */
    @Override public void close() { zeroGrad(); }

    // ---- backward --------------------------------------------------------------------------

    /** Backward from a one-element result with implicit gradient 1; frees the graph. */
    public void backward() { BackwardEngine.run(this, null, false); }

    /** Backward with an explicit gradient of this Variable's shape. */
    public void backward(Tensor gradient) { BackwardEngine.run(this, gradient, false); }

    /** Backward; with {@code retainGraph} the saved tensors are kept so backward can run again. */
    public void backward(Tensor gradient, boolean retainGraph) { BackwardEngine.run(this, gradient, retainGraph); }

    // ---- arithmetic (ElementwiseOps) -------------------------------------------------------

    public Variable add(Variable o) { return ElementwiseOps.add(this, o); }
    public Variable sub(Variable o) { return ElementwiseOps.sub(this, o); }
    public Variable mul(Variable o) { return ElementwiseOps.mul(this, o); }
    public Variable div(Variable o) { return ElementwiseOps.div(this, o); }
    public Variable pow(Variable o) { return ElementwiseOps.pow(this, o); }
    public Variable add(double s) { return ElementwiseOps.addScalar(this, s); }
    public Variable sub(double s) { return ElementwiseOps.addScalar(this, -s); }
    public Variable mul(double s) { return ElementwiseOps.mulScalar(this, s); }
    public Variable div(double s) { return ElementwiseOps.divScalar(this, s); }
    public Variable pow(double p) { return ElementwiseOps.powScalar(this, p); }
    public Variable neg() { return ElementwiseOps.neg(this); }
    public Variable exp() { return ElementwiseOps.exp(this); }
    public Variable log() { return ElementwiseOps.log(this); }
    public Variable sqrt() { return ElementwiseOps.sqrt(this); }
    public Variable abs() { return ElementwiseOps.abs(this); }
    public Variable square() { return ElementwiseOps.square(this); }
    /** Clamps to [lo, hi]; NaN means no bound. */
    public Variable clamp(double lo, double hi) { return ElementwiseOps.clamp(this, lo, hi); }
    public Variable relu() { return ElementwiseOps.relu(this); }
    public Variable leakyRelu(double slope) { return ElementwiseOps.leakyRelu(this, slope); }

    /** Group normalisation of this [N, C, ...] (instance normalisation: groups = C); see {@link NormOps#groupNorm}. */
    public Variable groupNorm(Variable gamma, Variable beta, int groups, double eps) { return NormOps.groupNorm(this, gamma, beta, groups, eps); }

    /** {@link #groupNorm} then LeakyReLU with {@code slope} (0 = relu) as one node; see {@link NormOps#groupNormAct}. */
    public Variable groupNormAct(Variable gamma, Variable beta, int groups, double eps, double slope) {
        return NormOps.groupNormAct(this, gamma, beta, groups, eps, slope);
    }
    public Variable sigmoid() { return ElementwiseOps.sigmoid(this); }
    public Variable tanh() { return ElementwiseOps.tanh(this); }
    public Variable erf() { return ElementwiseOps.erf(this); }

    /** {@code cond ? a : b}; differentiable in a and b. */
    public static Variable where(Variable cond, Variable a, Variable b) { return ElementwiseOps.where(cond, a, b); }

    public static Variable where(Tensor cond, Variable a, Variable b) { return ElementwiseOps.where(constant(cond), a, b); }

    // ---- reductions (ReductionOps) ---------------------------------------------------------

    /** Sum over axes (all when none given), dropping them. */
    public Variable sum(int... axes) { return ReductionOps.sum(this, false, axes); }
    public Variable sumKeep(int... axes) { return ReductionOps.sum(this, true, axes); }
    public Variable mean(int... axes) { return ReductionOps.mean(this, false, axes); }
    public Variable meanKeep(int... axes) { return ReductionOps.mean(this, true, axes); }
    /** Max over axes; the gradient is split evenly among tied maxima. */
    public Variable max(boolean keepDims, int... axes) { return ReductionOps.max(this, keepDims, axes); }
    public Variable min(boolean keepDims, int... axes) { return ReductionOps.min(this, keepDims, axes); }
    public Variable variance(int correction, boolean keepDims, int... axes) {
        return ReductionOps.variance(this, correction, keepDims, axes);
    }
    public Variable softmax(int axis) { return ReductionOps.softmax(this, axis); }
    public Variable logSoftmax(int axis) { return ReductionOps.logSoftmax(this, axis); }

    // ---- linear algebra --------------------------------------------------------------------

    public Variable matmul(Variable o) { return MatmulOp.matmul(this, o); }

    // ---- views and casts (ViewOps) ---------------------------------------------------------

    public Variable cast(DType to) { return ViewOps.cast(this, to); }
    public Variable reshape(int... dims) { return ViewOps.reshape(this, dims); }
    /** The same values densely packed in {@code format} (a view when they already are); differentiable. */
    public Variable contiguous(org.voxelforge.core.MemoryFormat format) { return ViewOps.contiguous(this, format); }
    public Variable view(int... dims) { return ViewOps.view(this, dims); }
    public Variable flatten() { return ViewOps.reshape(this, -1); }
    public Variable permute(int... order) { return ViewOps.permute(this, order); }
    public Variable transpose(int a, int b) { return ViewOps.transpose(this, a, b); }
    public Variable slice(int axis, int start, int end, int step) { return ViewOps.slice(this, axis, start, end, step); }
    public Variable slice(int axis, int start, int end) { return ViewOps.slice(this, axis, start, end, 1); }
    public Variable select(int axis, int index) { return ViewOps.select(this, axis, index); }
    public Variable expand(int... dims) { return ViewOps.expand(this, dims); }
    public Variable broadcastTo(Shape target) { return ViewOps.expand(this, target.dims()); }
    public Variable squeeze(int axis) { return ViewOps.squeeze(this, axis); }
    public Variable squeeze() { return ViewOps.squeezeAll(this); }
    public Variable unsqueeze(int axis) { return ViewOps.unsqueeze(this, axis); }

    // ---- joins, padding, flips (JoinOps) ---------------------------------------------------

    public static Variable concat(List<Variable> xs, int axis) { return JoinOps.concat(xs, axis); }
    public static Variable stack(List<Variable> xs, int axis) { return JoinOps.stack(xs, axis); }
    public Variable pad(int[] before, int[] after, PadMode mode, double value) { return JoinOps.pad(this, before, after, mode, value); }
    public Variable flip(int... axes) { return JoinOps.flip(this, axes); }

    // ---- indexing and non-differentiable ops (IndexOps) ------------------------------------

    public Variable gather(int axis, Tensor index) { return IndexOps.gather(this, axis, index); }
    public Variable indexSelect(int axis, Tensor index) { return IndexOps.indexSelect(this, axis, index); }
    public Variable eq(Variable o) { return IndexOps.compare(this, o, BinaryOp.EQ); }
    public Variable ne(Variable o) { return IndexOps.compare(this, o, BinaryOp.NE); }
    public Variable lt(Variable o) { return IndexOps.compare(this, o, BinaryOp.LT); }
    public Variable le(Variable o) { return IndexOps.compare(this, o, BinaryOp.LE); }
    public Variable gt(Variable o) { return IndexOps.compare(this, o, BinaryOp.GT); }
    public Variable ge(Variable o) { return IndexOps.compare(this, o, BinaryOp.GE); }
    public Variable eq(double s) { return IndexOps.compareScalar(this, s, BinaryOp.EQ); }
    public Variable gt(double s) { return IndexOps.compareScalar(this, s, BinaryOp.GT); }
    public Variable ge(double s) { return IndexOps.compareScalar(this, s, BinaryOp.GE); }
    public Variable lt(double s) { return IndexOps.compareScalar(this, s, BinaryOp.LT); }
    public Variable le(double s) { return IndexOps.compareScalar(this, s, BinaryOp.LE); }
    public Variable argmax(int axis, boolean keepDim) { return IndexOps.argmax(this, axis, keepDim); }
    public Variable argmin(int axis, boolean keepDim) { return IndexOps.argmin(this, axis, keepDim); }
    public Variable oneHot(int numClasses, int axis, DType to) { return IndexOps.oneHot(this, numClasses, axis, to); }

    // ---- helpers ---------------------------------------------------------------------------

    private static void requireFloating(Tensor t, String what) {
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(what + ": only floating-point tensors can require grad, got "
                    + t.describe() + "; cast it to float32 or float64 first");
        }
    }

    @Override public String toString() {
        String who = name != null ? "'" + name + "' " : "";
        String how = node != null ? node.op() : (requiresGrad ? "leaf" : "constant");
        return "Variable(" + who + value.describe() + ", " + how + ")";
    }
}
