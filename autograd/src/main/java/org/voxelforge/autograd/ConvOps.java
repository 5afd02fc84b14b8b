package org.voxelforge.autograd;

import java.util.ArrayList;
import java.util.List;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.ConvTranspose3d;
import org.voxelforge.core.MaxPool3dResult;
import org.voxelforge.core.Pool3dParams;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.UpsampleMode;

/**
 * 3D convolution, pooling and resampling. The backend supplies each forward and its adjoint
 * (backward) as primitives, so here every rule is one line:
 * <pre>
 *   y = conv3d(x, w) + b          gx = conv3dBackwardData(g, w)   gw = conv3dBackwardWeight(g, x)   gb = sum_{n,d,h,w} g
 *   y = convT3d(x, w) + b         gx = conv3d(g, w)               gw = conv3dBackwardWeight(x, g)   gb likewise
 *   y = maxPool3d(x)              gx = scatter of g to the argmax positions
 *   y = avgPool3d / adaptive / upsample(x)    gx = the op's adjoint applied to g
 * </pre>
 */
public final class ConvOps {
    private ConvOps() {}

    private static List<Variable> inputs(Variable x, Variable w, Variable b) {
        List<Variable> l = new ArrayList<>(List.of(x, w));
        if (b != null) l.add(b);
        return l;
    }

    /** Bias gradient: the output gradient summed over batch and space. */
    private static Tensor biasGrad(Tensor g) { return g.sum(0, 2, 3, 4); }

    public static Variable conv3d(Variable x, Variable w, Variable bias, Conv3dParams p) {
        Shape xs = x.shape(), ws = w.shape();
        boolean bf16 = Autocast.active();
        return Op.apply(bf16 ? "conv3d (bf16)" : "conv3d", inputs(x, w, bias),
                ctx -> {
                    if (bf16) {
                        try (Tensor xb = Autocast.toBf16(x.value()); Tensor wb = Autocast.toBf16(w.value());
                             Tensor xr = Autocast.toF32(xb); Tensor wr = Autocast.toF32(wb)) {
                            ctx.save(xb, wb);
                            return xr.backend().conv3d(xr, wr, bias == null ? null : bias.value(), p);
                        }
                    }
                    ctx.save(x.value(), w.value());
                    return x.value().backend().conv3d(x.value(), w.value(), bias == null ? null : bias.value(), p);
                },
                (ctx, g0) -> {
                    Tensor g = bf16 ? Autocast.rounded(g0) : g0;
                    Tensor xv = Autocast.toF32(ctx.saved(0)), wv = Autocast.toF32(ctx.saved(1));
                    Tensor gx = x.requiresGrad() ? g.backend().conv3dBackwardData(g, wv, xs, p) : null;
                    Tensor gw = w.requiresGrad() ? g.backend().conv3dBackwardWeight(g, xv, ws, p) : null;
                    Tensor gb = bias != null && bias.requiresGrad() ? biasGrad(g) : null;
                    return bias == null ? new Tensor[] {gx, gw} : new Tensor[] {gx, gw, gb};
                });
    }

    public static Variable convTranspose3d(Variable x, Variable w, Variable bias, Conv3dParams p) {
        Shape ws = w.shape();
        boolean bf16 = Autocast.active();
        return Op.apply(bf16 ? "conv_transpose3d (bf16)" : "conv_transpose3d", inputs(x, w, bias),
                ctx -> {
                    if (bf16) {
                        try (Tensor xb = Autocast.toBf16(x.value()); Tensor wb = Autocast.toBf16(w.value());
                             Tensor xr = Autocast.toF32(xb); Tensor wr = Autocast.toF32(wb)) {
                            ctx.save(xb, wb);
                            return ConvTranspose3d.forward(xr, wr, bias == null ? null : bias.value(), p);
                        }
                    }
                    ctx.save(x.value(), w.value());
                    return ConvTranspose3d.forward(x.value(), w.value(), bias == null ? null : bias.value(), p);
                },
                (ctx, g0) -> {
                    Tensor g = bf16 ? Autocast.rounded(g0) : g0;
                    Tensor xv = Autocast.toF32(ctx.saved(0)), wv = Autocast.toF32(ctx.saved(1));
                    Tensor gx = x.requiresGrad() ? ConvTranspose3d.backwardData(g, wv, p) : null;
                    Tensor gw = w.requiresGrad() ? ConvTranspose3d.backwardWeight(g, xv, ws, p) : null;
                    Tensor gb = bias != null && bias.requiresGrad() ? biasGrad(g) : null;
                    return bias == null ? new Tensor[] {gx, gw} : new Tensor[] {gx, gw, gb};
                });
    }

    public static Variable maxPool3d(Variable x, Pool3dParams p) {
        Shape xs = x.shape();
        return Op.apply("max_pool3d", List.of(x),
                ctx -> {
                    MaxPool3dResult r = x.value().backend().maxPool3d(x.value(), p);
                    ctx.save(r.indices());
                    r.indices().close();
                    return r.values();
                },
                (ctx, g) -> new Tensor[] {g.backend().maxPool3dBackward(g, ctx.saved(0), xs, p)});
    }

    public static Variable avgPool3d(Variable x, Pool3dParams p, boolean countIncludePad) {
        Shape xs = x.shape();
        return Op.apply("avg_pool3d", List.of(x),
                ctx -> x.value().backend().avgPool3d(x.value(), p, countIncludePad),
                (ctx, g) -> new Tensor[] {g.backend().avgPool3dBackward(g, xs, p, countIncludePad)});
    }

    public static Variable adaptiveAvgPool3d(Variable x, int... outSize) {
        Shape xs = x.shape();
        int[] out = outSize.clone();
        return Op.apply("adaptive_avg_pool3d", List.of(x),
                ctx -> x.value().backend().adaptiveAvgPool3d(x.value(), out),
                (ctx, g) -> new Tensor[] {g.backend().adaptiveAvgPool3dBackward(g, xs)});
    }

    public static Variable upsample3d(Variable x, int[] outSize, UpsampleMode mode, boolean alignCorners) {
        Shape xs = x.shape();
        int[] out = outSize.clone();
        return Op.apply("upsample3d_" + mode.name().toLowerCase(java.util.Locale.ROOT), List.of(x),
                ctx -> x.value().backend().upsample3d(x.value(), out, mode, alignCorners),
                (ctx, g) -> new Tensor[] {g.backend().upsample3dBackward(g, xs, mode, alignCorners)});
    }
}
