package org.voxelforge.autograd;

import java.util.List;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;

/**
 * Elementwise ops: each is one {@link Op#apply} call, forward first, then backward. The
 * backward may return a gradient in the broadcast shape; the engine sums it back to the input's
 * shape ({@link GradShapes#sumToShape}). Derivatives, with y the output and g its gradient:
 * <pre>
 *   a + b      ga = g                 gb = g
 *   a - b      ga = g                 gb = -g
 *   a * b      ga = g b               gb = g a
 *   a / b      ga = g / b             gb = -g a / b^2
 *   a ^ b      ga = g b a^(b-1)       gb = g y log(a)   (0 where a == 0)
 *   -x, exp, log, sqrt, abs, square:  -g, g y, g / x, g / (2 y), g sign(x), 2 g x
 *   clamp      g where lo <= x <= hi, else 0
 *   relu       g where x > 0          leakyRelu: g, or slope g where x <= 0
 *   sigmoid    g y (1 - y)            tanh: g (1 - y^2)
 *   erf        g 2/sqrt(pi) exp(-x^2)
 *   where(c,a,b)  ga = c ? g : 0      gb = c ? 0 : g
 * </pre>
 */
final class ElementwiseOps {
    private ElementwiseOps() {}

    static Variable add(Variable a, Variable b) {
        return Op.apply("add", List.of(a, b),
                ctx -> a.value().add(b.value()),
                (ctx, g) -> new Tensor[] {g, g});
    }

    static Variable sub(Variable a, Variable b) {
        return Op.apply("sub", List.of(a, b),
                ctx -> a.value().sub(b.value()),
                (ctx, g) -> new Tensor[] {g, g.neg()});
    }

    static Variable mul(Variable a, Variable b) {
        boolean needA = a.requiresGrad(), needB = b.requiresGrad(); // fixed now: what is saved depends on it
        return Op.apply("mul", List.of(a, b),
                ctx -> {
                    // each side's gradient needs only the other side's value
                    ctx.save(needB ? a.value() : null, needA ? b.value() : null);
                    return a.value().mul(b.value());
                },
                (ctx, g) -> new Tensor[] {
                        needA ? g.mul(ctx.saved(1)) : null,
                        needB ? g.mul(ctx.saved(0)) : null});
    }

    static Variable div(Variable a, Variable b) {
        boolean needA = a.requiresGrad(), needB = b.requiresGrad();
        return Op.apply("div", List.of(a, b),
                ctx -> { ctx.save(needB ? a.value() : null, b.value()); return a.value().div(b.value()); },
                (ctx, g) -> {
                    Tensor y = ctx.saved(1);
                    Tensor ga = needA ? g.div(y) : null;
                    Tensor gb = needB ? g.mul(ctx.saved(0)).div(y.square()).neg() : null;
                    return new Tensor[] {ga, gb};
                });
    }

    static Variable pow(Variable a, Variable b) {
        return Op.apply("pow", List.of(a, b),
                ctx -> {
                    Tensor y = a.value().pow(b.value());
                    ctx.save(a.value(), b.value(), y);
                    return y;
                },
                (ctx, g) -> {
                    Tensor x = ctx.saved(0), p = ctx.saved(1), y = ctx.saved(2);
                    Tensor ga = a.requiresGrad() ? g.mul(p).mul(x.pow(p.sub(1.0))) : null;
                    Tensor gb = null;
                    if (b.requiresGrad()) {
                        // d/db a^b = a^b log a; at a == 0 PyTorch (and the limit for b > 0) gives 0, not NaN
                        Tensor logX = Tensor.where(x.eq(0.0), Tensor.scalar(0.0, x.dtype()), x.log());
                        gb = g.mul(y).mul(logX);
                    }
                    return new Tensor[] {ga, gb};
                });
    }

    static Variable addScalar(Variable x, double s) {
        return Op.apply("add_scalar", List.of(x), ctx -> x.value().add(s), (ctx, g) -> new Tensor[] {g});
    }

    static Variable mulScalar(Variable x, double s) {
        return Op.apply("mul_scalar", List.of(x), ctx -> x.value().mul(s), (ctx, g) -> new Tensor[] {g.mul(s)});
    }

    static Variable divScalar(Variable x, double s) {
        return Op.apply("div_scalar", List.of(x), ctx -> x.value().div(s), (ctx, g) -> new Tensor[] {g.div(s)});
    }

    static Variable powScalar(Variable x, double p) {
        return Op.apply("pow_scalar", List.of(x),
                ctx -> { ctx.save(x.value()); return x.value().pow(p); },
                (ctx, g) -> new Tensor[] {g.mul(ctx.saved(0).pow(p - 1)).mul(p)});
    }

    static Variable neg(Variable x) {
        return Op.apply("neg", List.of(x), ctx -> x.value().neg(), (ctx, g) -> new Tensor[] {g.neg()});
    }

    static Variable exp(Variable x) {
        return Op.apply("exp", List.of(x),
                ctx -> { Tensor y = x.value().exp(); ctx.save(y); return y; },
                (ctx, g) -> new Tensor[] {g.mul(ctx.saved(0))});
    }

    static Variable log(Variable x) {
        return Op.apply("log", List.of(x),
                ctx -> { ctx.save(x.value()); return x.value().log(); },
                (ctx, g) -> new Tensor[] {g.div(ctx.saved(0))});
    }

    static Variable sqrt(Variable x) {
        return Op.apply("sqrt", List.of(x),
                ctx -> { Tensor y = x.value().sqrt(); ctx.save(y); return y; },
                (ctx, g) -> new Tensor[] {g.div(ctx.saved(0)).mul(0.5)});
    }

    static Variable abs(Variable x) {
        return Op.apply("abs", List.of(x),
                ctx -> { ctx.save(x.value()); return x.value().abs(); },
                (ctx, g) -> new Tensor[] {g.mul(ctx.saved(0).sign())});
    }

    static Variable square(Variable x) {
        return Op.apply("square", List.of(x),
                ctx -> { ctx.save(x.value()); return x.value().square(); },
                (ctx, g) -> new Tensor[] {g.mul(ctx.saved(0)).mul(2.0)});
    }

    /** The gradient passes where lo <= x <= hi (bounds included, as in PyTorch); NaN means no bound. */
    static Variable clamp(Variable x, double lo, double hi) {
        return Op.apply("clamp", List.of(x),
                ctx -> { ctx.save(x.value()); return x.value().clamp(lo, hi); },
                (ctx, g) -> {
                    Tensor v = ctx.saved(0);
                    Tensor pass = Tensor.full(g.device(), 1.0, g.dtype(), v.dims());
                    if (!Double.isNaN(lo)) pass = pass.mul(asMask(v.ge(lo), g.dtype()));
                    if (!Double.isNaN(hi)) pass = pass.mul(asMask(v.le(hi), g.dtype()));
                    return new Tensor[] {g.mul(pass)};
                });
    }

    static Variable relu(Variable x) {
        return Op.apply("relu", List.of(x),
                ctx -> { ctx.save(x.value()); return x.value().relu(); },
                (ctx, g) -> new Tensor[] {g.backend().leakyReluBackward(ctx.saved(0), g, 0.0)});
    }

    static Variable leakyRelu(Variable x, double slope) {
        return Op.apply("leaky_relu", List.of(x),
                ctx -> { ctx.save(x.value()); return x.value().leakyRelu(slope); },
                (ctx, g) -> new Tensor[] {g.backend().leakyReluBackward(ctx.saved(0), g, slope)});
    }

    static Variable sigmoid(Variable x) {
        return Op.apply("sigmoid", List.of(x),
                ctx -> { Tensor y = x.value().sigmoid(); ctx.save(y); return y; },
                (ctx, g) -> {
                    Tensor y = ctx.saved(0);
                    return new Tensor[] {g.mul(y).mul(y.neg().add(1.0))};
                });
    }

    static Variable tanh(Variable x) {
        return Op.apply("tanh", List.of(x),
                ctx -> { Tensor y = x.value().tanh(); ctx.save(y); return y; },
                (ctx, g) -> new Tensor[] {g.mul(ctx.saved(0).square().neg().add(1.0))});
    }

    static Variable erf(Variable x) {
        return Op.apply("erf", List.of(x),
                ctx -> { ctx.save(x.value()); return x.value().erf(); },
                (ctx, g) -> new Tensor[] {g.mul(ctx.saved(0).square().neg().exp().mul(2.0 / Math.sqrt(Math.PI)))});
    }

    static Variable where(Variable cond, Variable a, Variable b) {
        if (cond.requiresGrad()) {
            throw new IllegalArgumentException("where: the condition " + cond + " must not require grad; it is a mask");
        }
        return Op.apply("where", List.of(a, b),
                ctx -> { ctx.save(cond.value()); return Tensor.where(cond.value(), a.value(), b.value()); },
                (ctx, g) -> {
                    Tensor c = ctx.saved(0);
                    Tensor zero = Tensor.scalar(0.0, g.dtype());
                    return new Tensor[] {
                            a.requiresGrad() ? Tensor.where(c, g, zero) : null,
                            b.requiresGrad() ? Tensor.where(c, zero, g) : null};
                });
    }

    /** A 0/1 tensor of {@code dtype} from a bool mask, so gradients are masked by multiplication. */
    static Tensor asMask(Tensor bool, DType dtype) { return bool.cast(dtype); }
}
