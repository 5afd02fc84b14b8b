package org.voxelforge.nn.layers;

import org.voxelforge.core.Tensor;

/**
 * Obviously right loop implementations over [N, C, D, H, W] arrays, the references the layer
 * tests compare against. Slow on purpose; only tiny inputs go through them.
 */
final class Naive {
    private Naive() {}

    /** A 5D array: data in row-major order and its dims. */
    record Vol(double[] a, int n, int c, int d, int h, int w) {
        static Vol of(Tensor t) {
            int[] s = t.dims();
            return new Vol(t.toDoubleArray(), s[0], s[1], s[2], s[3], s[4]);
        }

        static Vol zeros(int n, int c, int d, int h, int w) { return new Vol(new double[n * c * d * h * w], n, c, d, h, w); }

        int idx(int in, int ic, int z, int y, int x) { return (((in * c + ic) * d + z) * h + y) * w + x; }

        double get(int in, int ic, int z, int y, int x) { return a[idx(in, ic, z, y, x)]; }

        void add(int in, int ic, int z, int y, int x, double v) { a[idx(in, ic, z, y, x)] += v; }

        int[] dims() { return new int[] {n, c, d, h, w}; }
    }

    /** weight [Cout, Cin/g, kd, kh, kw]; all params per axis. */
    static Vol conv3d(Vol x, Vol wt, double[] bias, int[] s, int[] p, int[] dl, int groups) {
        int cout = wt.n(), cinG = wt.c(), coutG = cout / groups;
        int od = (x.d() + 2 * p[0] - dl[0] * (wt.d() - 1) - 1) / s[0] + 1;
        int oh = (x.h() + 2 * p[1] - dl[1] * (wt.h() - 1) - 1) / s[1] + 1;
        int ow = (x.w() + 2 * p[2] - dl[2] * (wt.w() - 1) - 1) / s[2] + 1;
        Vol y = Vol.zeros(x.n(), cout, od, oh, ow);
        for (int n = 0; n < x.n(); n++)
            for (int co = 0; co < cout; co++)
                for (int z = 0; z < od; z++)
                    for (int yy = 0; yy < oh; yy++)
                        for (int xx = 0; xx < ow; xx++) {
                            double acc = bias == null ? 0 : bias[co];
                            int g = co / coutG;
                            for (int ci = 0; ci < cinG; ci++)
                                for (int kz = 0; kz < wt.d(); kz++)
                                    for (int ky = 0; ky < wt.h(); ky++)
                                        for (int kx = 0; kx < wt.w(); kx++) {
                                            int iz = z * s[0] - p[0] + kz * dl[0], iy = yy * s[1] - p[1] + ky * dl[1], ix = xx * s[2] - p[2] + kx * dl[2];
                                            if (iz < 0 || iy < 0 || ix < 0 || iz >= x.d() || iy >= x.h() || ix >= x.w()) continue;
                                            acc += x.get(n, g * cinG + ci, iz, iy, ix) * wt.get(co, ci, kz, ky, kx);
                                        }
                            y.add(n, co, z, yy, xx, acc);
                        }
        return y;
    }

    /** Transposed conv by scattering each input voxel; weight [Cin, Cout/g, kd, kh, kw], one group. */
    static Vol convTranspose3d(Vol x, Vol wt, double[] bias, int[] s, int[] p) {
        int cout = wt.c();
        int od = (x.d() - 1) * s[0] - 2 * p[0] + wt.d(), oh = (x.h() - 1) * s[1] - 2 * p[1] + wt.h(), ow = (x.w() - 1) * s[2] - 2 * p[2] + wt.w();
        Vol y = Vol.zeros(x.n(), cout, od, oh, ow);
        for (int n = 0; n < x.n(); n++)
            for (int ci = 0; ci < x.c(); ci++)
                for (int z = 0; z < x.d(); z++)
                    for (int yy = 0; yy < x.h(); yy++)
                        for (int xx = 0; xx < x.w(); xx++)
                            for (int co = 0; co < cout; co++)
                                for (int kz = 0; kz < wt.d(); kz++)
                                    for (int ky = 0; ky < wt.h(); ky++)
                                        for (int kx = 0; kx < wt.w(); kx++) {
                                            int oz = z * s[0] - p[0] + kz, oy = yy * s[1] - p[1] + ky, ox = xx * s[2] - p[2] + kx;
                                            if (oz < 0 || oy < 0 || ox < 0 || oz >= od || oy >= oh || ox >= ow) continue;
                                            y.add(n, co, oz, oy, ox, x.get(n, ci, z, yy, xx) * wt.get(ci, co, kz, ky, kx));
                                        }
        if (bias != null)
            for (int i = 0; i < y.a().length; i++) y.a()[i] += bias[(i / (od * oh * ow)) % cout];
        return y;
    }

    /** Max (max=true) or average (count_include_pad) pooling with a cubic window k, stride s, padding p. */
    static Vol pool(Vol x, int k, int s, int p, boolean max) {
        int od = (x.d() + 2 * p - k) / s + 1, oh = (x.h() + 2 * p - k) / s + 1, ow = (x.w() + 2 * p - k) / s + 1;
        Vol y = Vol.zeros(x.n(), x.c(), od, oh, ow);
        for (int n = 0; n < x.n(); n++)
            for (int c = 0; c < x.c(); c++)
                for (int z = 0; z < od; z++)
                    for (int yy = 0; yy < oh; yy++)
                        for (int xx = 0; xx < ow; xx++) {
                            double acc = max ? Double.NEGATIVE_INFINITY : 0;
                            for (int kz = 0; kz < k; kz++)
                                for (int ky = 0; ky < k; ky++)
                                    for (int kx = 0; kx < k; kx++) {
                                        int iz = z * s - p + kz, iy = yy * s - p + ky, ix = xx * s - p + kx;
                                        boolean in = iz >= 0 && iy >= 0 && ix >= 0 && iz < x.d() && iy < x.h() && ix < x.w();
                                        if (!in) continue; // padding: ignored by max, counts as 0 in the average
                                        double v = x.get(n, c, iz, iy, ix);
                                        acc = max ? Math.max(acc, v) : acc + v;
                                    }
                            y.add(n, c, z, yy, xx, max ? acc : acc / (k * k * k));
                        }
        return y;
    }

    /** PyTorch's adaptive average pooling: cell i covers [floor(i*in/out), ceil((i+1)*in/out)). */
    static Vol adaptiveAvg(Vol x, int od, int oh, int ow) {
        Vol y = Vol.zeros(x.n(), x.c(), od, oh, ow);
        for (int n = 0; n < x.n(); n++)
            for (int c = 0; c < x.c(); c++)
                for (int z = 0; z < od; z++)
                    for (int yy = 0; yy < oh; yy++)
                        for (int xx = 0; xx < ow; xx++) {
                            int z0 = z * x.d() / od, z1 = ceilDiv((z + 1) * x.d(), od);
                            int y0 = yy * x.h() / oh, y1 = ceilDiv((yy + 1) * x.h(), oh);
                            int x0 = xx * x.w() / ow, x1 = ceilDiv((xx + 1) * x.w(), ow);
                            double acc = 0;
                            for (int a = z0; a < z1; a++) for (int b = y0; b < y1; b++) for (int e = x0; e < x1; e++) acc += x.get(n, c, a, b, e);
                            y.add(n, c, z, yy, xx, acc / ((z1 - z0) * (y1 - y0) * (x1 - x0)));
                        }
        return y;
    }

    private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }

    /** Nearest (legacy) or trilinear upsampling with PyTorch's coordinate rules. */
    static Vol upsample(Vol x, int od, int oh, int ow, boolean trilinear, boolean alignCorners) {
        Vol y = Vol.zeros(x.n(), x.c(), od, oh, ow);
        for (int n = 0; n < x.n(); n++)
            for (int c = 0; c < x.c(); c++)
                for (int z = 0; z < od; z++)
                    for (int yy = 0; yy < oh; yy++)
                        for (int xx = 0; xx < ow; xx++) {
                            double v;
                            if (!trilinear) {
                                v = x.get(n, c, Math.min(z * x.d() / od, x.d() - 1), Math.min(yy * x.h() / oh, x.h() - 1), Math.min(xx * x.w() / ow, x.w() - 1));
                            } else {
                                double[] sz = src(z, x.d(), od, alignCorners), sy = src(yy, x.h(), oh, alignCorners), sx = src(xx, x.w(), ow, alignCorners);
                                v = 0;
                                for (int a = 0; a < 2; a++) for (int b = 0; b < 2; b++) for (int e = 0; e < 2; e++) {
                                    double wgt = (a == 0 ? 1 - sz[2] : sz[2]) * (b == 0 ? 1 - sy[2] : sy[2]) * (e == 0 ? 1 - sx[2] : sx[2]);
                                    v += wgt * x.get(n, c, (int) sz[a], (int) sy[b], (int) sx[e]);
                                }
                            }
                            y.add(n, c, z, yy, xx, v);
                        }
        return y;
    }

    /** {lo index, hi index, fraction} of output coordinate o along an axis of size in -> out. */
    private static double[] src(int o, int in, int out, boolean alignCorners) {
        double s;
        if (alignCorners) s = out > 1 ? o * (double) (in - 1) / (out - 1) : 0;
        else s = Math.max((o + 0.5) * in / out - 0.5, 0);
        int lo = Math.min((int) Math.floor(s), in - 1);
        int hi = Math.min(lo + 1, in - 1);
        return new double[] {lo, hi, s - lo};
    }

    /** Normalisation over groups of channels per sample: groups = C gives InstanceNorm, 1 gives LayerNorm-like. */
    static Vol groupNorm(Vol x, int groups, double eps, double[] gamma, double[] beta) {
        Vol y = Vol.zeros(x.n(), x.c(), x.d(), x.h(), x.w());
        int cg = x.c() / groups, sp = x.d() * x.h() * x.w();
        for (int n = 0; n < x.n(); n++)
            for (int g = 0; g < groups; g++) {
                double sum = 0, sq = 0;
                int cnt = cg * sp;
                for (int c = g * cg; c < (g + 1) * cg; c++) for (int i = 0; i < sp; i++) sum += x.a()[(n * x.c() + c) * sp + i];
                double mean = sum / cnt;
                for (int c = g * cg; c < (g + 1) * cg; c++) for (int i = 0; i < sp; i++) { double dv = x.a()[(n * x.c() + c) * sp + i] - mean; sq += dv * dv; }
                double sd = Math.sqrt(sq / cnt + eps);
                for (int c = g * cg; c < (g + 1) * cg; c++)
                    for (int i = 0; i < sp; i++) {
                        int k = (n * x.c() + c) * sp + i;
                        y.a()[k] = (x.a()[k] - mean) / sd * (gamma == null ? 1 : gamma[c]) + (beta == null ? 0 : beta[c]);
                    }
            }
        return y;
    }

    /** Per-channel mean and biased variance over N, D, H, W. */
    static double[][] channelStats(Vol x) {
        int sp = x.d() * x.h() * x.w();
        double[] mean = new double[x.c()], var = new double[x.c()];
        int cnt = x.n() * sp;
        for (int c = 0; c < x.c(); c++) {
            double s = 0;
            for (int n = 0; n < x.n(); n++) for (int i = 0; i < sp; i++) s += x.a()[(n * x.c() + c) * sp + i];
            mean[c] = s / cnt;
            double q = 0;
            for (int n = 0; n < x.n(); n++) for (int i = 0; i < sp; i++) { double dv = x.a()[(n * x.c() + c) * sp + i] - mean[c]; q += dv * dv; }
            var[c] = q / cnt;
        }
        return new double[][] {mean, var};
    }
}
