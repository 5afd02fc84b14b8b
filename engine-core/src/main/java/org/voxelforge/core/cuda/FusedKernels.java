package org.voxelforge.core.cuda;

import org.voxelforge.core.fused.Chunking;
import org.voxelforge.core.fused.DiceCe;
import org.voxelforge.core.fused.FusedOptimizer;
import org.voxelforge.core.fused.GroupNormAct;
import org.voxelforge.core.fused.GroupNormAct.Layout;
import org.voxelforge.core.fused.RegionLoss;
import org.voxelforge.core.fused.RegionLossTwin;

/**
 * Typed launchers of the fused kernels (groupnorm.cuh, dice_ce.cuh incl. the region losses, optim.cuh) over a
 * {@link KernelLauncher} (the GPU or the host emulator). Arguments are device pointers (0 for an
 * absent optional one); scratch buffers are the caller's, sized by the {@code *Scratch} methods,
 * so a training step can keep them. The reductions cut their rows as {@link Chunking} says, like
 * the CPU twins in org.voxelforge.core.fused; every launch goes on {@code stream} in order, so
 * a sequence needs no synchronisation in between.
 *
 * <p>The kernels' parameter lists are in {@link CudaKernels}' javadoc.
 */
public final class FusedKernels {
    private static final int THREADS = Chunking.THREADS;
    /** CUDA's limit on gridDim.y and gridDim.z. */
    private static final int MAX_GRID_YZ = 65535;
    /** Row (uint64 values) of the optimizer parameter table: param, grad, state0, state1, numel. */
    public static final int OPT_ROW = 5;

    private final KernelLauncher launcher;

    public FusedKernels(KernelLauncher launcher) { this.launcher = launcher; }

    public FusedKernels(CudaKernels kernels) { this(kernels.launcher()); }

    // ---- group norm + affine + LeakyReLU ------------------------------------------------------

    /** Floats of scratch {@link #groupNormForward} needs (NCDHW): the chunk partials. */
    public static long groupNormForwardScratch(GroupNormAct.Geometry geo) { return groupNormForwardScratch(geo, Layout.NCDHW); }

    /** Floats of scratch {@link #groupNormForward} needs: the chunk partials, per (n, g) for NCDHW, per (n, c) for NDHWC. */
    public static long groupNormForwardScratch(GroupNormAct.Geometry geo, Layout layout) {
        requireLayout("groupNormForwardScratch", layout);
        if (layout == Layout.NDHWC) return channelsLastPartials(geo);
        long m = geo.groupLength();
        return (long) geo.n() * geo.groups() * Chunking.chunks(m, Chunking.chunkLength(m)) * 2;
    }

    /** Floats of scratch {@link #groupNormBackward} needs (NCDHW). */
    public static long groupNormBackwardScratch(GroupNormAct.Geometry geo) { return groupNormBackwardScratch(geo, Layout.NCDHW); }

    /** Floats of scratch {@link #groupNormBackward} needs: per-channel chunk partials and the (n, g) coefficients. */
    public static long groupNormBackwardScratch(GroupNormAct.Geometry geo, Layout layout) {
        requireLayout("groupNormBackwardScratch", layout);
        long s = geo.spatial();
        long partials = layout == Layout.NDHWC ? channelsLastPartials(geo)
                : (long) geo.n() * geo.c() * Chunking.chunks(s, Chunking.chunkLength(s)) * 2;
        return partials + 2L * geo.n() * geo.groups();
    }

    /** [N*C][voxel chunks][2] floats. */
    private static long channelsLastPartials(GroupNormAct.Geometry geo) {
        return (long) geo.n() * geo.c() * GroupNormAct.voxelChunks(geo) * 2;
    }

    /** {@link #groupNormForward(GroupNormAct.Geometry, Layout, long, long, long, float, double, long, long, long, long, long)} on NCDHW x and y. */
    public void groupNormForward(GroupNormAct.Geometry geo, long x, long gamma, long beta, float slope, double eps,
                                 long y, long mean, long rstd, long scratch, long stream) {
        groupNormForward(geo, Layout.NCDHW, x, gamma, beta, slope, eps, y, mean, rstd, scratch, stream);
    }

    /**
     * y = leaky(groupnorm(x) * gamma + beta), x and y dense in {@code layout}; writes mean and rstd
     * ([N*G] floats each) for backward. scratch: {@link #groupNormForwardScratch(GroupNormAct.Geometry, Layout)} floats.
     */
    public void groupNormForward(GroupNormAct.Geometry geo, Layout layout, long x, long gamma, long beta, float slope, double eps,
                                 long y, long mean, long rstd, long scratch, long stream) {
        requireLayout("groupNormForward", layout);
        boolean last = layout == Layout.NDHWC;
        String op = "groupNormForward (vf_gn_*" + (last ? "_ndhwc" : "") + "_f32) on " + layout + " x " + dims(geo, layout)
                + ", groups " + geo.groups();
        requirePointers(op, "x", x, "gamma", gamma, "beta", beta, "y", y, "mean", mean, "rstd", rstd, "scratch", scratch);
        if (!(eps > 0)) throw new IllegalArgumentException(op + ": eps must be > 0, got " + eps);
        int rows = geo.n() * geo.groups();
        if (last) {
            requireGridY(op, "N", geo.n());
            long chunkVoxels = GroupNormAct.voxelChunk(geo);
            int chunks = GroupNormAct.voxelChunks(geo);
            launcher.launch("vf_gn_stats_partial_ndhwc_f32", chunks, geo.n(), 1, THREADS, 1, 1, 0, stream,
                    k -> k.ptr(x).ptr(scratch).i32(geo.c()).i32(geo.groups()).i64(geo.spatial()).i64(chunkVoxels));
            launcher.launch("vf_gn_stats_finalize_ndhwc_f32", blocks(rows), 1, 1, THREADS, 1, 1, 0, stream,
                    k -> k.ptr(x).ptr(scratch).ptr(mean).ptr(rstd).i32(geo.n()).i32(geo.c()).i32(geo.groups()).i64(geo.spatial())
                            .i32(chunks).f64(eps));
            launcher.launch("vf_gn_forward_ndhwc_f32", voxelTiles(geo), geo.n(), 1, THREADS, 1, 1, 0, stream,
                    k -> k.ptr(x).ptr(gamma).ptr(beta).ptr(mean).ptr(rstd).ptr(y)
                            .i32(geo.c()).i32(geo.groups()).i64(geo.spatial()).f32(slope));
            return;
        }
        requireGridY(op, "N*G", (long) geo.n() * geo.groups());
        requireGridY(op, "N*C", (long) geo.n() * geo.c());
        long m = geo.groupLength(), chunkLen = Chunking.chunkLength(m);
        int chunks = Chunking.chunks(m, chunkLen);
        launcher.launch("vf_gn_stats_partial_f32", chunks, rows, 1, THREADS, 1, 1, 0, stream,
                k -> k.ptr(x).ptr(scratch).i64(m).i64(chunkLen));
        launcher.launch("vf_gn_stats_finalize_f32", blocks(rows), 1, 1, THREADS, 1, 1, 0, stream,
                k -> k.ptr(x).ptr(scratch).ptr(mean).ptr(rstd).i64(m).i32(chunks).i32(rows).f64(eps));
        launcher.launch("vf_gn_forward_f32", blocks(geo.spatial()), geo.n() * geo.c(), 1, THREADS, 1, 1, 0, stream,
                k -> k.ptr(x).ptr(gamma).ptr(beta).ptr(mean).ptr(rstd).ptr(y)
                        .i32(geo.n()).i32(geo.c()).i32(geo.groups()).i64(geo.spatial()).f32(slope));
    }

    /** {@link #groupNormBackward(GroupNormAct.Geometry, Layout, long, long, long, long, long, long, float, long, long, long, long, long)} on NCDHW x, dy and dx. */
    public void groupNormBackward(GroupNormAct.Geometry geo, long x, long dy, long gamma, long beta, long mean, long rstd,
                                  float slope, long dx, long dgamma, long dbeta, long scratch, long stream) {
        groupNormBackward(geo, Layout.NCDHW, x, dy, gamma, beta, mean, rstd, slope, dx, dgamma, dbeta, scratch, stream);
    }

    /**
     * dx, dgamma [C], dbeta [C] from x, dy (dense in {@code layout}, as dx) and the saved mean/rstd of
     * {@link #groupNormForward}. scratch: {@link #groupNormBackwardScratch(GroupNormAct.Geometry, Layout)} floats.
     */
    public void groupNormBackward(GroupNormAct.Geometry geo, Layout layout, long x, long dy, long gamma, long beta, long mean, long rstd,
                                  float slope, long dx, long dgamma, long dbeta, long scratch, long stream) {
        requireLayout("groupNormBackward", layout);
        boolean last = layout == Layout.NDHWC;
        String op = "groupNormBackward (vf_gn_backward_*" + (last ? "_ndhwc" : "") + "_f32) on " + layout + " x " + dims(geo, layout)
                + ", groups " + geo.groups();
        requirePointers(op, "x", x, "dy", dy, "gamma", gamma, "beta", beta, "mean", mean, "rstd", rstd,
                "dx", dx, "dgamma", dgamma, "dbeta", dbeta, "scratch", scratch);
        long s = geo.spatial();
        long chunkLen = last ? GroupNormAct.voxelChunk(geo) : Chunking.chunkLength(s);
        int chunks = last ? GroupNormAct.voxelChunks(geo) : Chunking.chunks(s, chunkLen);
        requireGridY(op, last ? "N" : "N*C", last ? geo.n() : (long) geo.n() * geo.c());
        long coef = scratch + 4L * geo.n() * geo.c() * chunks * 2;
        // the same arguments; NCDHW blocks cover one (n, c) chunk each, NDHWC blocks one (n, voxel chunk) of all channels
        launcher.launch(last ? "vf_gn_backward_reduce_ndhwc_f32" : "vf_gn_backward_reduce_f32", chunks, last ? geo.n() : geo.n() * geo.c(), 1,
                THREADS, 1, 1, 0, stream, k -> k.ptr(x).ptr(dy).ptr(gamma).ptr(beta).ptr(mean).ptr(rstd).ptr(scratch)
                        .i32(geo.c()).i32(geo.groups()).i64(s).i64(chunkLen).f32(slope));
        // Both reductions leave partials [N*C][chunks][2]: one finalize serves both layouts.
        launcher.launch("vf_gn_backward_finalize_f32", blocks(Math.max(geo.c(), (long) geo.n() * geo.groups())), 1, 1, THREADS, 1, 1, 0, stream,
                k -> k.ptr(scratch).ptr(gamma).ptr(coef).ptr(dgamma).ptr(dbeta)
                        .i32(geo.n()).i32(geo.c()).i32(geo.groups()).i64(s).i32(chunks));
        if (last) {
            launcher.launch("vf_gn_backward_dx_ndhwc_f32", voxelTiles(geo), geo.n(), 1, THREADS, 1, 1, 0, stream,
                    k -> k.ptr(x).ptr(dy).ptr(gamma).ptr(beta).ptr(mean).ptr(rstd).ptr(coef).ptr(dx)
                            .i32(geo.c()).i32(geo.groups()).i64(s).f32(slope));
        } else {
            launcher.launch("vf_gn_backward_dx_f32", blocks(s), geo.n() * geo.c(), 1, THREADS, 1, 1, 0, stream,
                    k -> k.ptr(x).ptr(dy).ptr(gamma).ptr(beta).ptr(mean).ptr(rstd).ptr(coef).ptr(dx)
                            .i32(geo.n()).i32(geo.c()).i32(geo.groups()).i64(s).f32(slope));
        }
    }

    /**
     * Blocks along x of the elementwise NDHWC kernels (grid y = N): tiles of GroupNormAct.lanes rows
     * voxels, no more than the grid-stride budget for all N*S*C elements shared among the N samples.
     */
    private int voxelTiles(GroupNormAct.Geometry geo) {
        long tiles = Math.ceilDiv(geo.spatial(), GroupNormAct.lanes(geo)[1]);
        return (int) Math.max(1, Math.min(tiles, Math.ceilDiv(blocks(geo.numel()), geo.n())));
    }

    private static void requireLayout(String op, Layout layout) {
        if (layout == null) throw new IllegalArgumentException(op + ": layout is null; pass GroupNormAct.Layout.NCDHW or NDHWC");
    }

    private static String dims(GroupNormAct.Geometry geo, Layout layout) {
        return layout == Layout.NDHWC ? "[" + geo.n() + ", " + geo.spatial() + ", " + geo.c() + "]"
                : "[" + geo.n() + ", " + geo.c() + ", " + geo.spatial() + "]";
    }

    // ---- softmax + cross-entropy + soft Dice --------------------------------------------------

    /** Floats of scratch {@link #diceCeStatistics} needs. */
    public static long diceCeScratch(DiceCe.Geometry geo) {
        long s = geo.spatial();
        return (long) geo.n() * geo.tiles() * Chunking.chunks(s, Chunking.chunkLength(s)) * DiceCe.SLOTS;
    }

    /**
     * The statistics of {@link DiceCe#statistics} into {@code stats} ({@link DiceCe.Geometry#statsLength()}
     * doubles); the host forms the loss and coefficients with {@link DiceCe#finish}. mask: 0 for none.
     */
    public void diceCeStatistics(DiceCe.Geometry geo, long logits, long labels, long mask, long stats, long scratch, long stream) {
        String op = "diceCeStatistics (vf_dice_ce_stats_*_f32) on logits [" + geo.n() + ", " + geo.c() + ", " + geo.spatial() + "]";
        requirePointers(op, "logits", logits, "labels", labels, "stats", stats, "scratch", scratch);
        requireGridY(op, "N", geo.n());
        requireGridY(op, "class tiles", geo.tiles());
        long s = geo.spatial(), chunkLen = Chunking.chunkLength(s);
        int chunks = Chunking.chunks(s, chunkLen);
        launcher.launch("vf_dice_ce_stats_partial_f32", chunks, geo.n(), geo.tiles(), THREADS, 1, 1, 0, stream,
                k -> k.ptr(logits).ptr(labels).ptr(mask).ptr(scratch).i32(geo.c()).i64(s).i64(chunkLen));
        launcher.launch("vf_dice_ce_stats_finalize_f32", blocks((long) geo.n() * geo.c() + geo.n()), 1, 1, THREADS, 1, 1, 0, stream,
                k -> k.ptr(scratch).ptr(stats).i32(geo.n()).i32(geo.c()).i32(chunks));
    }

    /** dlogits from the coefficients of {@link DiceCe#finish} (coefI, coefP: [N*C] floats on the device). */
    public void diceCeBackward(DiceCe.Geometry geo, long logits, long labels, long mask, long coefI, long coefP, float ceScale,
                               boolean squared, long dlogits, long stream) {
        String op = "diceCeBackward (vf_dice_ce_backward_f32) on logits [" + geo.n() + ", " + geo.c() + ", " + geo.spatial() + "]";
        requirePointers(op, "logits", logits, "labels", labels, "coefI", coefI, "coefP", coefP, "dlogits", dlogits);
        launcher.launch("vf_dice_ce_backward_f32", blocks(geo.spatial()), Math.min(geo.n(), MAX_GRID_YZ), 1, THREADS, 1, 1, 0, stream,
                k -> k.ptr(logits).ptr(labels).ptr(mask).ptr(coefI).ptr(coefP).f32(ceScale).i32(squared ? 1 : 0).ptr(dlogits)
                        .i32(geo.n()).i32(geo.c()).i64(geo.spatial()));
    }

    // ---- the region losses: Dice or Tversky, CE or focal, boundary (dice_ce.cuh, vf_region_*) -----
    //   vf_region_stats_partial_f32 (const float* logits, const int* labels, const float* mask, const float* alpha, float gamma,
    //                                int focal, const float* dist, float* partials, int C, int64_t S, int64_t chunkLen)
    //   vf_region_stats_finalize_f32(const float* partials, double* stats, int N, int C, int chunks, int boundary)
    //   vf_region_backward_f32      (const float* logits, const int* labels, const float* mask, const float* alpha, float gamma,
    //                                int focal, const float* dist, const float* coefI, const float* coefP, const float* coefB,
    //                                float clsScale, int squared, float* dlogits, int N, int C, int64_t S)

    /** Floats of scratch {@link #regionStatistics} needs. */
    public static long regionScratch(DiceCe.Geometry geo) {
        long s = geo.spatial();
        return (long) geo.n() * geo.tiles() * Chunking.chunks(s, Chunking.chunkLength(s)) * RegionLoss.SLOTS;
    }

    /**
     * The statistics of {@link RegionLossTwin#statistics} into {@code stats} ({@code geo.statsLength()}
     * doubles, plus N*C with {@code dist}); the host forms the loss with {@link RegionLoss#finish}.
     * alpha: [C] focal class weights or 0; focal: the classification sum is focal (else CE);
     * dist: signed distance maps [N, C, S] or 0 (no boundary sums); mask: 0 for none.
     */
    public void regionStatistics(DiceCe.Geometry geo, long logits, long labels, long mask, long alpha, float gamma, boolean focal,
                                 long dist, long stats, long scratch, long stream) {
        String op = "regionStatistics (vf_region_stats_*_f32) on logits [" + geo.n() + ", " + geo.c() + ", " + geo.spatial() + "]";
        requirePointers(op, "logits", logits, "labels", labels, "stats", stats, "scratch", scratch);
        requireGridY(op, "N", geo.n());
        requireGridY(op, "class tiles", geo.tiles());
        if (!(gamma >= 0)) throw new IllegalArgumentException(op + ": focal gamma must be >= 0, got " + gamma);
        long s = geo.spatial(), chunkLen = Chunking.chunkLength(s);
        int chunks = Chunking.chunks(s, chunkLen);
        launcher.launch("vf_region_stats_partial_f32", chunks, geo.n(), geo.tiles(), THREADS, 1, 1, 0, stream,
                k -> k.ptr(logits).ptr(labels).ptr(mask).ptr(alpha).f32(gamma).i32(focal ? 1 : 0).ptr(dist).ptr(scratch)
                        .i32(geo.c()).i64(s).i64(chunkLen));
        long rows = (long) geo.n() * geo.c() + geo.n() + (dist == 0 ? 0 : (long) geo.n() * geo.c());
        launcher.launch("vf_region_stats_finalize_f32", blocks(rows), 1, 1, THREADS, 1, 1, 0, stream,
                k -> k.ptr(scratch).ptr(stats).i32(geo.n()).i32(geo.c()).i32(chunks).i32(dist == 0 ? 0 : 1));
    }

    /** dlogits from the coefficients of {@link RegionLoss#finish} (coefI, coefP and, with dist, coefB: [N*C] floats on the device). */
    public void regionBackward(DiceCe.Geometry geo, long logits, long labels, long mask, long alpha, float gamma, boolean focal, long dist,
                               long coefI, long coefP, long coefB, float clsScale, boolean squared, long dlogits, long stream) {
        String op = "regionBackward (vf_region_backward_f32) on logits [" + geo.n() + ", " + geo.c() + ", " + geo.spatial() + "]";
        requirePointers(op, "logits", logits, "labels", labels, "coefI", coefI, "coefP", coefP, "dlogits", dlogits);
        if (dist != 0) requirePointers(op, "coefB (with distance maps)", coefB);
        launcher.launch("vf_region_backward_f32", blocks(geo.spatial()), Math.min(geo.n(), MAX_GRID_YZ), 1, THREADS, 1, 1, 0, stream,
                k -> k.ptr(logits).ptr(labels).ptr(mask).ptr(alpha).f32(gamma).i32(focal ? 1 : 0).ptr(dist).ptr(coefI).ptr(coefP)
                        .ptr(coefB).f32(clsScale).i32(squared ? 1 : 0).ptr(dlogits).i32(geo.n()).i32(geo.c()).i64(geo.spatial()));
    }

    // ---- optimizers over a parameter table ----------------------------------------------------

    /** Blocks per parameter of the optimizer kernels: enough for the largest parameter, at most 4 per SM. */
    int optimizerBlocks(long maxNumel) { return (int) Math.max(1, Math.min(Math.ceilDiv(maxNumel, THREADS), 4L * launcher.multiprocessors())); }

    /** Doubles of scratch {@link #gradNorm} needs (the block partials; the 2 outputs are separate). */
    public long gradNormScratch(int numParams, long maxNumel) { return (long) numParams * optimizerBlocks(maxNumel); }

    /**
     * out[0] = global L2 norm of the table's gradients, out[1] = the clip scale for {@code maxNorm}
     * (FusedOptimizer.normAndScale); pass {@code out} as {@code clip} to the steps. maxNumel: the
     * largest parameter's element count (it sizes the grid; must equal what gradNormScratch got).
     */
    public void gradNorm(long table, int numParams, long maxNumel, double maxNorm, long partials, long out, long stream) {
        String op = "gradNorm (vf_grad_sumsq_partial_f32, vf_grad_norm_finalize_f64) over " + numParams + " parameters";
        requirePointers(op, "table", table, "partials", partials, "out", out);
        requireTable(op, numParams, maxNumel);
        if (!(maxNorm >= 0)) throw new IllegalArgumentException(op + ": maxNorm must be >= 0, got " + maxNorm);
        int bx = optimizerBlocks(maxNumel);
        launcher.launch("vf_grad_sumsq_partial_f32", bx, Math.min(numParams, MAX_GRID_YZ), 1, THREADS, 1, 1, 0, stream,
                k -> k.ptr(table).i32(numParams).ptr(partials));
        launcher.launch("vf_grad_norm_finalize_f64", 1, 1, 1, THREADS, 1, 1, 0, stream,
                k -> k.ptr(partials).i64((long) numParams * bx).f64(maxNorm).ptr(out));
    }

    /** One SGD step over the table (state0 = momentum buffers when momentum != 0); clip: gradNorm's out, or 0. */
    public void sgdStep(long table, int numParams, long maxNumel, double lr, double momentum, double dampening, double weightDecay,
                        boolean nesterov, boolean first, long clip, long stream) {
        String op = "sgdStep (vf_sgd_step_f32) over " + numParams + " parameters";
        requirePointers(op, "table", table);
        requireTable(op, numParams, maxNumel);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException(op + ": Nesterov needs momentum > 0 and dampening 0, got momentum " + momentum + ", dampening " + dampening);
        }
        launcher.launch("vf_sgd_step_f32", optimizerBlocks(maxNumel), Math.min(numParams, MAX_GRID_YZ), 1, THREADS, 1, 1, 0, stream,
                k -> k.ptr(table).i32(numParams).f64(lr).f64(momentum).f64(dampening).f64(weightDecay)
                        .i32(nesterov ? 1 : 0).i32(first ? 1 : 0).ptr(clip));
    }

    /** One AdamW step number {@code step} (from 1) over the table (state0 = exp_avg, state1 = exp_avg_sq); clip: gradNorm's out, or 0. */
    public void adamwStep(long table, int numParams, long maxNumel, double lr, double beta1, double beta2, double eps, double weightDecay,
                          long step, long clip, long stream) {
        String op = "adamwStep (vf_adamw_step_f32) over " + numParams + " parameters";
        requirePointers(op, "table", table);
        requireTable(op, numParams, maxNumel);
        double[] s = FusedOptimizer.adamwScalars(lr, beta1, beta2, weightDecay, step);
        launcher.launch("vf_adamw_step_f32", optimizerBlocks(maxNumel), Math.min(numParams, MAX_GRID_YZ), 1, THREADS, 1, 1, 0, stream,
                k -> k.ptr(table).i32(numParams).f64(s[0]).f64(beta1).f64(beta2).f64(eps).f64(s[1]).f64(s[2]).ptr(clip));
    }

    // ---- checks ---------------------------------------------------------------------------------

    private int blocks(long n) { return LaunchConfig.gridStride(n, launcher.multiprocessors()).blocks(); }

    private static void requirePointers(String op, Object... nameThenPointer) {
        for (int i = 0; i < nameThenPointer.length; i += 2) {
            if ((long) nameThenPointer[i + 1] == 0) {
                throw new IllegalArgumentException(op + ": " + nameThenPointer[i] + " is a null device pointer");
            }
        }
    }

    private static void requireGridY(String op, String what, long count) {
        if (count > MAX_GRID_YZ) {
            throw new IllegalArgumentException(op + ": " + what + " = " + count + " exceeds the grid's y/z limit " + MAX_GRID_YZ
                    + " (one block row per " + what + ")");
        }
    }

    private static void requireTable(String op, int numParams, long maxNumel) {
        if (numParams < 1 || maxNumel < 1) {
            throw new IllegalArgumentException(op + ": need at least one parameter of at least one element, got numParams="
                    + numParams + ", maxNumel=" + maxNumel);
        }
    }
}
