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
 *
 * <p>{@link Layout#NDHWC} (channels last, x stored [N, S, C]) follows the NDHWC kernels: S is cut
 * into chunks of {@link #voxelChunk} voxels, one block per (n, chunk) over all C channels; per
 * (n, c, chunk) the block's float sums are formed lane by lane ({@link #lanes}: each of the block's
 * {@code rows} voxel rows sums voxels lo + r, lo + r + rows, ... in order, then the rows are added
 * in order). The forward combines a group's partials in double, channel by channel then chunk by
 * chunk; the backward combines them like NCDHW's per-channel partials. Same formulas otherwise.
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

    /** How x, y, dy, dx are stored: NCDHW ([N, C, S], voxel fastest) or NDHWC ([N, S, C], channel fastest). */
    public enum Layout {
        NCDHW, NDHWC;

        /** The array index of element (n, c, voxel s). */
        int index(Geometry geo, int n, int c, int s) {
            return this == NCDHW ? (n * geo.c() + c) * geo.spatial() + s : (n * geo.spatial() + s) * geo.c() + c;
        }
    }

    /** Voxels per chunk of the NDHWC reductions: a chunk of all C channels holds about Chunking.chunkLength(S*C) elements. */
    public static long voxelChunk(Geometry geo) {
        return Math.ceilDiv(Chunking.chunkLength((long) geo.spatial() * geo.c()), geo.c());
    }

    /** Chunks per sample of the NDHWC reductions (at most Chunking.MAX_CHUNKS). */
    public static int voxelChunks(Geometry geo) { return Chunking.chunks(geo.spatial(), voxelChunk(geo)); }

    /**
     * The NDHWC kernels' block layout: {cw, rows}, cw = min(C, THREADS) channel lanes (channel fastest)
     * times rows = THREADS / cw voxel rows.
     */
    public static int[] lanes(Geometry geo) {
        int cw = Math.min(geo.c(), Chunking.THREADS);
        return new int[] {cw, Chunking.THREADS / cw};
    }

    /** groupnorm.cuh's vf_gn_act: LeakyReLU, and for slope 0 relu's values exactly (+0 below zero, NaN kept). */
    static float activation(float pre, float slope) {
        return pre > 0 ? pre : (slope == 0 ? (Float.isNaN(pre) ? pre : 0f) : pre * slope);
    }

    /** groupnorm.cuh's vf_gn_dact: dy times the activation's derivative at pre (slope where pre <= 0). */
    static float activationGrad(float pre, float dy, float slope) { return pre > 0 ? dy : dy * slope; }

    /** Writes y; returns the saved statistics. NCDHW. */
    public static Saved forward(Geometry geo, float[] x, float[] gamma, float[] beta, float slope, double eps, float[] y) {
        return forward(geo, Layout.NCDHW, x, gamma, beta, slope, eps, y);
    }

    /** Writes y; returns the saved statistics. x and y are stored in {@code layout}. */
    public static Saved forward(Geometry geo, Layout layout, float[] x, float[] gamma, float[] beta, float slope, double eps, float[] y) {
        requireLayout(layout);
        check(geo, x, "x");
        check(geo, y, "y");
        checkChannels(geo, gamma, beta);
        Saved saved = layout == Layout.NCDHW ? statsRows(geo, x, eps) : statsChannelsLast(geo, x, eps);
        float[] mean = saved.mean(), rstd = saved.rstd();
        int s = geo.spatial();
        for (int nc = 0; nc < geo.n() * geo.c(); nc++) {
            int n = nc / geo.c(), c = nc % geo.c(), ng = n * geo.groups() + c / geo.groupSize();
            float mu = mean[ng], a = rstd[ng] * gamma[c], b = beta[c];
            for (int v = 0; v < s; v++) {
                int i = layout.index(geo, n, c, v);
                float pre = (x[i] - mu) * a + b;
                y[i] = activation(pre, slope);
            }
        }
        return saved;
    }

    /** NCDHW statistics: each (n, g) is one contiguous row of M elements, chunked by Chunking. */
    private static Saved statsRows(Geometry geo, float[] x, double eps) {
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
            finishStats(s1, s2, m, shift, eps, mean, rstd, ng);
        }
        return new Saved(mean, rstd);
    }

    /**
     * NDHWC statistics: float partials per (n, c, voxel chunk) of d = x - K (K: the group's element at
     * voxel 0, first channel), summed per group in double, channel by channel, chunk by chunk.
     */
    private static Saved statsChannelsLast(Geometry geo, float[] x, double eps) {
        int cc = geo.c(), cg = geo.groupSize(), s = geo.spatial(), chunks = voxelChunks(geo);
        float[][] partials = channelsLastPartials(geo, (n, c) -> {
            float shift = x[(n * s) * cc + c / cg * cg];
            return (i, acc) -> {
                float d = x[i] - shift;
                acc[0] += d;
                acc[1] += d * d;
            };
        });
        int rows = geo.n() * geo.groups();
        float[] mean = new float[rows], rstd = new float[rows];
        for (int ng = 0; ng < rows; ng++) {
            int n = ng / geo.groups(), c0 = ng % geo.groups() * cg;
            double s1 = 0, s2 = 0;
            for (int c = c0; c < c0 + cg; c++) {
                float[] p = partials[n * cc + c];
                for (int k = 0; k < chunks; k++) {
                    s1 += p[2 * k];
                    s2 += p[2 * k + 1];
                }
            }
            finishStats(s1, s2, geo.groupLength(), x[n * s * cc + c0], eps, mean, rstd, ng);
        }
        return new Saved(mean, rstd);
    }

    /** The finalize kernels' vf_gn_finish_stats: mean and rstd of (n, g) from the double sums of x - shift. */
    private static void finishStats(double s1, double s2, double m, float shift, double eps, float[] mean, float[] rstd, int ng) {
        double mu = s1 / m;
        double var = Math.max(0, s2 / m - mu * mu);
        mean[ng] = (float) (shift + mu);
        rstd[ng] = (float) (1.0 / Math.sqrt(var + eps));
    }

    /** Adds the two float terms of element i to acc[0], acc[1]. */
    private interface Terms {
        void add(int i, float[] acc);
    }

    /** The terms of channel c of sample n. */
    private interface ChannelTerms {
        Terms of(int n, int c);
    }

    /**
     * The NDHWC reduction kernels' block sums: [n*C + c][2*k + j] = sum of term j over voxel chunk k of
     * channel c of sample n, formed as a block does (per voxel row, then the rows in order).
     */
    private static float[][] channelsLastPartials(Geometry geo, ChannelTerms terms) {
        int cc = geo.c(), s = geo.spatial(), rows = lanes(geo)[1], chunks = voxelChunks(geo);
        long chunkLen = voxelChunk(geo);
        float[][] partials = new float[geo.n() * cc][2 * chunks];
        for (int n = 0; n < geo.n(); n++) {
            for (int c = 0; c < cc; c++) {
                Terms t = terms.of(n, c);
                float[] p = partials[n * cc + c];
                for (int k = 0; k < chunks; k++) {
                    long lo = k * chunkLen, hi = Math.min(s, lo + chunkLen);
                    float[] lane = new float[2];
                    for (int r = 0; r < rows; r++) {
                        lane[0] = 0;
                        lane[1] = 0;
                        for (long v = lo + r; v < hi; v += rows) t.add((int) ((n * (long) s + v) * cc + c), lane);
                        p[2 * k] += lane[0];
                        p[2 * k + 1] += lane[1];
                    }
                }
            }
        }
        return partials;
    }

    /** Writes dx; returns dgamma and dbeta. NCDHW. */
    public static ParamGrads backward(Geometry geo, float[] x, float[] dy, float[] gamma, float[] beta, Saved saved, float slope, float[] dx) {
        return backward(geo, Layout.NCDHW, x, dy, gamma, beta, saved, slope, dx);
    }

    /** Writes dx; returns dgamma and dbeta. x, dy and dx are stored in {@code layout}. */
    public static ParamGrads backward(Geometry geo, Layout layout, float[] x, float[] dy, float[] gamma, float[] beta, Saved saved,
                                      float slope, float[] dx) {
        requireLayout(layout);
        check(geo, x, "x");
        check(geo, dy, "dy");
        check(geo, dx, "dx");
        checkChannels(geo, gamma, beta);
        int n = geo.n(), cc = geo.c(), g = geo.groups(), s = geo.spatial();
        double[] sumD = new double[n * cc], sumDx = new double[n * cc];
        if (layout == Layout.NCDHW) channelSumsRows(geo, x, dy, gamma, beta, saved, slope, sumD, sumDx);
        else channelSumsChannelsLast(geo, x, dy, gamma, beta, saved, slope, sumD, sumDx);
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
            for (int v = 0; v < s; v++) {
                int i = layout.index(geo, nc / cc, c, v);
                float centered = x[i] - mu;
                float pre = centered * a + b;
                float d = activationGrad(pre, dy[i], slope);
                dx[i] = r * (d * gm - ca - centered * r * cb);
            }
        }
        return new ParamGrads(dgamma, dbeta);
    }

    /** NCDHW per-(n, c) sums of d and d*xhat: float per chunk of the channel's contiguous S voxels, chunks in double. */
    private static void channelSumsRows(Geometry geo, float[] x, float[] dy, float[] gamma, float[] beta, Saved saved, float slope,
                                        double[] sumD, double[] sumDx) {
        int n = geo.n(), cc = geo.c(), g = geo.groups(), s = geo.spatial();
        long chunkLen = Chunking.chunkLength(s);
        int chunks = Chunking.chunks(s, chunkLen);
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
                    float d = activationGrad(pre, dy[i], slope);
                    c1 += d;
                    c2 += d * (centered * r);
                }
                sumD[nc] += c1;
                sumDx[nc] += c2;
            }
        }
    }

    /** NDHWC per-(n, c) sums of d and d*xhat: the block partials of {@link #channelsLastPartials}, chunks in double. */
    private static void channelSumsChannelsLast(Geometry geo, float[] x, float[] dy, float[] gamma, float[] beta, Saved saved,
                                                float slope, double[] sumD, double[] sumDx) {
        float[][] partials = channelsLastPartials(geo, (n, c) -> {
            int ng = n * geo.groups() + c / geo.groupSize();
            float mu = saved.mean()[ng], r = saved.rstd()[ng], a = r * gamma[c], b = beta[c];
            return (i, acc) -> {
                float centered = x[i] - mu;
                float pre = centered * a + b;
                float d = activationGrad(pre, dy[i], slope);
                acc[0] += d;
                acc[1] += d * (centered * r);
            };
        });
        for (int nc = 0; nc < partials.length; nc++) {
            for (int k = 0; k < partials[nc].length / 2; k++) {
                sumD[nc] += partials[nc][2 * k];
                sumDx[nc] += partials[nc][2 * k + 1];
            }
        }
    }

    private static void requireLayout(Layout layout) {
        if (layout == null) throw new IllegalArgumentException("GroupNormAct: layout is null; pass Layout.NCDHW or Layout.NDHWC");
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
