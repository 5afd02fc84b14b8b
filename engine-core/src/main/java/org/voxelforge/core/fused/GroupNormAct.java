package org.voxelforge.core.fused;

/**
 * CPU twin of kernels/src/main/cuda/groupnorm.cuh: group norm (instance norm when groups ==
 * channels) + per-channel affine + LeakyReLU (slope 1 = none) over NCDHW float32 arrays.
 *
 * <p>Forward: each (n, g) row of M = (C/G)*S contiguous elements is cut into chunks
 * ({@link Chunking}); per chunk, float sums of d = x - K and d^2 with K the row's first element;
 * the chunks are combined in double: mean = K + s1/M, biased var = s2/M - (s1/M)^2 (clamped at 0),
 * rstd = 1/sqrt(var + eps); then pre = (x - mean)*(rstd*gamma) + beta and y = leaky(pre).
 * Saved for backward: mean and rstd per (n, g).
 *
 * <p>Backward: d = dy * leaky'(pre) (slope where pre <= 0), per (n, c) and chunk float sums of d
 * and d*xhat; dbeta, dgamma and A = sum_c gamma_c sum d, B = sum_c gamma_c sum d*xhat per (n, g)
 * combined in double; dx = rstd*(d*gamma - A/M - xhat*B/M).
 */
public final class GroupNormAct {
    private GroupNormAct() {}

    /** Shape of an [N, C, S] input split into G groups of C/G channels. */
    public record Geometry(int n, int c, int groups, int spatial) {
        public Geometry {
            if (n < 1 || c < 1 || spatial < 1 || groups < 1 || c % groups != 0) {
                throw new IllegalArgumentException("GroupNormAct: need N, C, S >= 1 and groups dividing C; got N=" + n + ", C=" + c
                        + ", groups=" + groups + ", S=" + spatial);
            }
        }

        public int groupSize() { return c / groups; }
        /** Elements of one (n, g) row. */
        public long groupLength() { return (long) groupSize() * spatial; }
        public long numel() { return (long) n * c * spatial; }
    }

    /** What backward needs: mean and rstd per (n, g), index n*G + g. */
    public record Saved(float[] mean, float[] rstd) {}

    public record ParamGrads(float[] dgamma, float[] dbeta) {}

    /** groupnorm.cuh's vf_gn_act: LeakyReLU, and for slope 0 relu's values exactly (+0 below zero, NaN kept). */
    static float activation(float pre, float slope) {
        return pre > 0 ? pre : (slope == 0 ? (Float.isNaN(pre) ? pre : 0f) : pre * slope);
    }

    /** Writes y; returns the saved statistics. */
    public static Saved forward(Geometry geo, float[] x, float[] gamma, float[] beta, float slope, double eps, float[] y) {
        check(geo, x, "x");
        check(geo, y, "y");
        checkChannels(geo, gamma, beta);
        int rows = geo.n() * geo.groups();
        long m = geo.groupLength();
        long chunkLen = Chunking.chunkLength(m);
        int chunks = Chunking.chunks(m, chunkLen);
        float[] mean = new float[rows], rstd = new float[rows];
        for (int ng = 0; ng < rows; ng++) {
            int base = (int) (ng * m);
            float shift = x[base];
            double s1 = 0, s2 = 0; // the finalize kernel's double combination of the chunks
            for (int k = 0; k < chunks; k++) {
                long lo = k * chunkLen, hi = Math.min(m, lo + chunkLen);
                float c1 = 0, c2 = 0; // one block's float partials
                for (long i = lo; i < hi; i++) {
                    float d = x[(int) (base + i)] - shift;
                    c1 += d;
                    c2 += d * d;
                }
                s1 += c1;
                s2 += c2;
            }
            double mu = s1 / m;
            double var = Math.max(0, s2 / m - mu * mu);
            mean[ng] = (float) (shift + mu);
            rstd[ng] = (float) (1.0 / Math.sqrt(var + eps));
        }
        int s = geo.spatial();
        for (int nc = 0; nc < geo.n() * geo.c(); nc++) {
            int c = nc % geo.c(), ng = nc / geo.c() * geo.groups() + c / geo.groupSize();
            float mu = mean[ng], a = rstd[ng] * gamma[c], b = beta[c];
            for (int i = nc * s; i < (nc + 1) * s; i++) {
                float pre = (x[i] - mu) * a + b;
                y[i] = activation(pre, slope);
            }
        }
        return new Saved(mean, rstd);
    }

    /** Writes dx; returns dgamma and dbeta. */
    public static ParamGrads backward(Geometry geo, float[] x, float[] dy, float[] gamma, float[] beta, Saved saved, float slope, float[] dx) {
        check(geo, x, "x");
        check(geo, dy, "dy");
        check(geo, dx, "dx");
        checkChannels(geo, gamma, beta);
        int n = geo.n(), cc = geo.c(), g = geo.groups(), s = geo.spatial();
        long chunkLen = Chunking.chunkLength(s);
        int chunks = Chunking.chunks(s, chunkLen);
        double[] sumD = new double[n * cc], sumDx = new double[n * cc];
        for (int nc = 0; nc < n * cc; nc++) {
            int c = nc % cc, ng = nc / cc * g + c / geo.groupSize();
            float mu = saved.mean()[ng], r = saved.rstd()[ng], a = r * gamma[c], b = beta[c];
            for (int k = 0; k < chunks; k++) {
                long lo = k * chunkLen, hi = Math.min(s, lo + chunkLen);
                float c1 = 0, c2 = 0;
                for (long j = lo; j < hi; j++) {
                    int i = (int) (nc * (long) s + j);
                    float centered = x[i] - mu;
                    float pre = centered * a + b;
                    float d = pre > 0 ? dy[i] : dy[i] * slope;
                    c1 += d;
                    c2 += d * (centered * r);
                }
                sumD[nc] += c1;
                sumDx[nc] += c2;
            }
        }
        float[] dgamma = new float[cc], dbeta = new float[cc];
        for (int c = 0; c < cc; c++) {
            double db = 0, dg = 0;
            for (int i = 0; i < n; i++) { db += sumD[i * cc + c]; dg += sumDx[i * cc + c]; }
            dbeta[c] = (float) db;
            dgamma[c] = (float) dg;
        }
        float[] coef = new float[2 * n * g];
        double m = geo.groupLength();
        for (int ng = 0; ng < n * g; ng++) {
            int i = ng / g, gi = ng % g;
            double aa = 0, bb = 0;
            for (int c = gi * geo.groupSize(); c < (gi + 1) * geo.groupSize(); c++) {
                aa += (double) gamma[c] * sumD[i * cc + c];
                bb += (double) gamma[c] * sumDx[i * cc + c];
            }
            coef[2 * ng] = (float) (aa / m);
            coef[2 * ng + 1] = (float) (bb / m);
        }
        for (int nc = 0; nc < n * cc; nc++) {
            int c = nc % cc, ng = nc / cc * g + c / geo.groupSize();
            float mu = saved.mean()[ng], r = saved.rstd()[ng], gm = gamma[c], a = r * gm, b = beta[c];
            float ca = coef[2 * ng], cb = coef[2 * ng + 1];
            for (int i = nc * s; i < (nc + 1) * s; i++) {
                float centered = x[i] - mu;
                float pre = centered * a + b;
                float d = pre > 0 ? dy[i] : dy[i] * slope;
                dx[i] = r * (d * gm - ca - centered * r * cb);
            }
        }
        return new ParamGrads(dgamma, dbeta);
    }

    private static void check(Geometry geo, float[] a, String name) {
        if (a.length != geo.numel()) {
            throw new IllegalArgumentException("GroupNormAct: " + name + " has " + a.length + " elements, expected N*C*S = "
                    + geo.n() + "*" + geo.c() + "*" + geo.spatial() + " = " + geo.numel());
        }
    }

    private static void checkChannels(Geometry geo, float[] gamma, float[] beta) {
        if (gamma.length != geo.c() || beta.length != geo.c()) {
            throw new IllegalArgumentException("GroupNormAct: gamma [" + gamma.length + "] and beta [" + beta.length
                    + "] must have C = " + geo.c() + " elements");
        }
    }
}
