package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import org.voxelforge.core.DType;
import org.voxelforge.core.GroupNormShape;
import org.voxelforge.core.Parallel;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.UnaryOp;

/**
 * Group normalisation (instance normalisation is groups = channels) over x [N, C, ...], forward
 * and backward, in two passes over the data each (see {@link org.voxelforge.core.Backend#groupNorm}).
 *
 * <p>Each (sample, group) row is C/G whole channels, contiguous in NC... layout. Forward: one pass
 * sums x and x*x per channel in double ({@link VectorKernels#sumF32}, {@link VectorKernels#dotF32}),
 * giving mean and biased variance (E[x^2] - mean^2 in double: the float products are exact there),
 * and one pass writes {@code (x - mean) * rstd * gamma + beta}. Backward: one pass sums dy and
 * dy*x per channel, from which the row's two coefficients and dgamma, dbeta follow in closed form,
 * and one pass writes dx. Rows run in parallel; dgamma and dbeta are summed over samples in order
 * afterwards, so results do not depend on the thread count.
 *
 * <p>With a LeakyReLU slope other than 1 ({@link org.voxelforge.core.Backend#groupNormAct}) the
 * forward applies the activation in place after normalising each channel, and the backward first
 * recomputes the channel's pre-activation into dx with the forward's own kernel (so it is bitwise
 * the value the forward produced), turns it into d = dy * leaky'(pre) in place, and then runs the
 * plain backward on d: the results equal groupNorm, leakyRelu and their backwards in sequence, bit
 * for bit, while only x is kept between forward and backward.
 *
 * <p>float32 takes the vector kernels; other floating types a plain double loop (the gradcheck
 * path). Statistics (mean, rstd) are float64 [N, G] whatever x's type.
 */
final class CpuGroupNorm {
    private CpuGroupNorm() {}

    /** {y, mean [N, G], rstd [N, G]}; y = leaky(norm(x)) with {@code slope} (1 = no activation). */
    static Tensor[] forward(Tensor x, Tensor gamma, Tensor beta, int groups, double eps, double slope) {
        Geometry geo = Geometry.of("groupNorm", x, gamma, beta, groups);
        if (!(eps > 0)) throw new IllegalArgumentException("groupNorm: eps must be > 0, got " + eps);
        double[] g = geo.affine(gamma, 1), b = geo.affine(beta, 0);
        Tensor out = null, mean = null, rstd = null;
        try (Tensor xc = CpuConv3d.dense(x)) {
            out = CpuBackend.INSTANCE.zeros(x.dtype(), x.shape());
            double[] mu = new double[geo.rows()], rs = new double[geo.rows()];
            MemorySegment xs = xc.segment(), ys = out.segment();
            long xo = xc.offset();
            boolean f32 = x.dtype() == DType.FLOAT32;
            DType dt = x.dtype();
            VectorKernels k = VectorKernels.get();
            boolean act = slope != 1.0;
            Parallel.forRange(geo.rows(), 1, (lo, hi) -> {
                for (int row = (int) lo; row < hi; row++) {
                    int c0 = geo.firstChannel(row);
                    long base = (long) row * geo.rowLength();
                    double sum = 0, sumSq = 0;
                    for (int c = 0; c < geo.cg; c++) {
                        long at = base + (long) c * geo.s;
                        if (f32) {
                            for (long p = 0; p < geo.s; p += Integer.MAX_VALUE) {
                                int len = (int) Math.min(Integer.MAX_VALUE, geo.s - p);
                                sum += k.sumF32(xs, xo + at + p, len);
                                sumSq += k.dotF32(xs, xo + at + p, xs, xo + at + p, len);
                            }
                        } else {
                            for (long i = 0; i < geo.s; i++) {
                                double v = dt.get(xs, xo + at + i);
                                sum += v;
                                sumSq += v * v;
                            }
                        }
                    }
                    double m = sum / geo.rowLength(), var = Math.max(0, sumSq / geo.rowLength() - m * m);
                    double r = 1 / Math.sqrt(var + eps);
                    mu[row] = m;
                    rs[row] = r;
                    for (int c = 0; c < geo.cg; c++) {
                        long at = base + (long) c * geo.s;
                        double a = r * g[c0 + c];
                        if (f32) {
                            for (long p = 0; p < geo.s; p += Integer.MAX_VALUE) {
                                int len = (int) Math.min(Integer.MAX_VALUE, geo.s - p);
                                k.normalizeF32(xs, xo + at + p, (float) m, (float) a, (float) b[c0 + c], ys, at + p, len);
                                if (slope == 0) k.unaryF32(UnaryOp.RELU, ys, at + p, ys, at + p, len); // relu's +0, as the unfused pair
                                else if (act) k.leakyReluF32(ys, at + p, (float) slope, ys, at + p, len);
                            }
                        } else {
                            for (long i = 0; i < geo.s; i++) {
                                dt.set(ys, at + i, (dt.get(xs, xo + at + i) - m) * a + b[c0 + c]);
                                double v = dt.get(ys, at + i);
                                if (act) dt.set(ys, at + i, slope == 0 ? UnaryOp.RELU.apply(v) : ScalarVectorKernels.leakyRelu(v, slope));
                            }
                        }
                    }
                }
            });
            mean = Tensor.of(DType.FLOAT64, mu, geo.n, geo.groups);
            rstd = Tensor.of(DType.FLOAT64, rs, geo.n, geo.groups);
            out.storage().bumpVersion();
            return new Tensor[] {out, mean, rstd};
        } catch (RuntimeException | Error e) {
            if (out != null) out.close();
            throw e;
        }
    }

    /**
     * {dx, dgamma [C], dbeta [C]} (the last two null when gamma is null) from the statistics of
     * {@link #forward} with the same slope; beta (null for 0) is read only when slope is not 1.
     */
    static Tensor[] backward(Tensor x, Tensor dy, Tensor gamma, Tensor beta, Tensor mean, Tensor rstd, int groups, double slope) {
        GroupNormShape shape = GroupNormShape.check("groupNormBackward", x, gamma, beta, groups);
        shape.checkBackward(x, dy, mean, rstd);
        Geometry geo = Geometry.of(shape);
        boolean act = slope != 1.0;
        double[] b = geo.affine(beta, 0);
        double[] g = geo.affine(gamma, 1), mu = mean.toDoubleArray(), rs = rstd.toDoubleArray();
        // per (sample, channel): sum dy and sum dy * (x - mean) * rstd, for dgamma and dbeta
        double[] sumDy = new double[geo.n * geo.c], sumDyXhat = new double[geo.n * geo.c];
        Tensor dx = null;
        try (Tensor xc = CpuConv3d.dense(x); Tensor dc = CpuConv3d.dense(dy)) {
            dx = CpuBackend.INSTANCE.zeros(dy.dtype(), dy.shape());
            MemorySegment xs = xc.segment(), ds = dc.segment(), os = dx.segment();
            long xo = xc.offset(), dofs = dc.offset();
            boolean f32 = x.dtype() == DType.FLOAT32 && dy.dtype() == DType.FLOAT32;
            DType xt = x.dtype(), dt = dy.dtype();
            VectorKernels k = VectorKernels.get();
            Parallel.forRange(geo.rows(), 1, (lo, hi) -> {
                for (int row = (int) lo; row < hi; row++) {
                    int c0 = geo.firstChannel(row), n = row / geo.groups;
                    long base = (long) row * geo.rowLength();
                    double m = mu[row], r = rs[row], sumDxhat = 0, sumDxhatXhat = 0;
                    for (int c = 0; c < geo.cg; c++) {
                        long at = base + (long) c * geo.s;
                        double sdy = 0, sdyx = 0;
                        if (f32) {
                            for (long p = 0; p < geo.s; p += Integer.MAX_VALUE) {
                                int len = (int) Math.min(Integer.MAX_VALUE, geo.s - p);
                                MemorySegment src = ds;
                                long si = dofs + at + p;
                                if (act) { // d = dy * leaky'(pre) into dx, pre recomputed as the forward made it
                                    k.normalizeF32(xs, xo + at + p, (float) m, (float) (r * g[c0 + c]), (float) b[c0 + c], os, at + p, len);
                                    k.leakyReluGradF32(os, at + p, ds, dofs + at + p, (float) slope, os, at + p, len);
                                    src = os;
                                    si = at + p;
                                }
                                sdy += k.sumF32(src, si, len);
                                sdyx += k.dotF32(src, si, xs, xo + at + p, len);
                            }
                        } else {
                            for (long i = 0; i < geo.s; i++) {
                                double d = dt.get(ds, dofs + at + i);
                                if (act) { // pre in double: its sign is the rounded one's but for values below x's smallest subnormal
                                    double pre = (xt.get(xs, xo + at + i) - m) * (r * g[c0 + c]) + b[c0 + c];
                                    dt.set(os, at + i, ScalarVectorKernels.leakyReluGrad(pre, d, slope));
                                    d = dt.get(os, at + i);
                                }
                                sdy += d;
                                sdyx += d * xt.get(xs, xo + at + i);
                            }
                        }
                        double sxhat = r * (sdyx - m * sdy); // sum dy * xhat over the channel
                        sumDy[n * geo.c + c0 + c] = sdy;
                        sumDyXhat[n * geo.c + c0 + c] = sxhat;
                        sumDxhat += g[c0 + c] * sdy;
                        sumDxhatXhat += g[c0 + c] * sxhat;
                    }
                    // dx = rstd * (g*dy - mean(dxhat) - xhat * mean(dxhat * xhat))
                    double aMean = sumDxhat / geo.rowLength(), bMean = sumDxhatXhat / geo.rowLength();
                    double a2 = -r * r * bMean, a3 = -r * aMean;
                    for (int c = 0; c < geo.cg; c++) {
                        long at = base + (long) c * geo.s;
                        double a1 = r * g[c0 + c];
                        if (f32) {
                            for (long p = 0; p < geo.s; p += Integer.MAX_VALUE) {
                                int len = (int) Math.min(Integer.MAX_VALUE, geo.s - p);
                                k.normalizeGradF32(act ? os : ds, act ? at + p : dofs + at + p, xs, xo + at + p, (float) m, (float) a1,
                                        (float) a2, (float) a3, os, at + p, len);
                            }
                        } else {
                            for (long i = 0; i < geo.s; i++) {
                                double d = act ? dt.get(os, at + i) : dt.get(ds, dofs + at + i);
                                dt.set(os, at + i, d * a1 + (xt.get(xs, xo + at + i) - m) * a2 + a3);
                            }
                        }
                    }
                }
            });
            dx.storage().bumpVersion();
        } catch (RuntimeException | Error e) {
            if (dx != null) dx.close();
            throw e;
        }
        if (gamma == null) return new Tensor[] {dx, null, null};
        double[] dGamma = new double[geo.c], dBeta = new double[geo.c];
        for (int n = 0; n < geo.n; n++) {
            for (int c = 0; c < geo.c; c++) {
                dGamma[c] += sumDyXhat[n * geo.c + c];
                dBeta[c] += sumDy[n * geo.c + c];
            }
        }
        return new Tensor[] {dx, Tensor.of(gamma.dtype(), dGamma, geo.c), Tensor.of(gamma.dtype(), dBeta, geo.c)};
    }


    /** x [N, C, spatial...] cut into N * G rows of C/G channels of s voxels each. */
    private record Geometry(int n, int c, int groups, int cg, long s) {
        static Geometry of(String op, Tensor x, Tensor gamma, Tensor beta, int groups) {
            return of(GroupNormShape.check(op, x, gamma, beta, groups));
        }

        static Geometry of(GroupNormShape g) { return new Geometry(g.n(), g.c(), g.groups(), g.cg(), g.s()); }

        int rows() { return n * groups; }

        long rowLength() { return cg * s; }

        int firstChannel(int row) { return row % groups * cg; }

        /** Per-channel values of gamma or beta, or {@code fill} when absent. */
        double[] affine(Tensor t, double fill) {
            if (t == null) {
                double[] v = new double[c];
                java.util.Arrays.fill(v, fill);
                return v;
            }
            return t.toDoubleArray();
        }
    }
}
