package org.voxelforge.core.cuda;

import java.util.function.Consumer;

/**
 * Typed launchers for the kernels of voxelforge.cu over a {@link KernelLauncher}: on a GPU the
 * fatbin (built by kernels/build-fatbin.sh, packaged in the kernels jar) loaded into one device's
 * context ({@link CudaDevice#kernels()}), or the host emulator running the same sources on the
 * CPU ({@link EmulatedKernels#kernels()}), where "device pointers" are native host addresses.
 * Kernels are 1-D grid-stride loops, launched with {@link LaunchConfig}.
 *
 * <p>Kernel parameter lists (kernels/src/main/cuda/*.cuh), to be matched by {@link KernelArgs}:
 * <pre>
 *   vf_unary_f32 (int op, const float* x, float* y, int64_t n)
 *   vf_binary_f32(int op, const float* a, const float* b, int64_t b_stride, float* y, int64_t n)
 *   vf_fill_f32  (float* y, float value, int64_t n)
 *   vf_random_f32(float* y, int dist, double a, double b, uint64_t key, uint64_t counter, int64_t n)
 * fused kernels, launched by {@link FusedKernels}:
 *   vf_gn_stats_partial_f32     (const float* x, float* partials, int64_t groupLen, int64_t chunkLen)
 *   vf_gn_stats_finalize_f32    (const float* x, const float* partials, float* mean, float* rstd, int64_t groupLen, int chunks, int groupCount, double eps)
 *   vf_gn_forward_f32           (const float* x, const float* gamma, const float* beta, const float* mean, const float* rstd, float* y, int N, int C, int G, int64_t S, float slope)
 *   vf_gn_backward_reduce_f32   (const float* x, const float* dy, const float* gamma, const float* beta, const float* mean, const float* rstd, float* partials, int C, int G, int64_t S, int64_t chunkLen, float slope)
 *   vf_gn_backward_finalize_f32 (const float* partials, const float* gamma, float* coef, float* dgamma, float* dbeta, int N, int C, int G, int64_t S, int chunks)
 *   vf_gn_backward_dx_f32       (const float* x, const float* dy, const float* gamma, const float* beta, const float* mean, const float* rstd, const float* coef, float* dx, int N, int C, int G, int64_t S, float slope)
 *   vf_gn_stats_partial_ndhwc_f32   (const float* x, float* partials, int C, int G, int64_t S, int64_t chunkVoxels)
 *   vf_gn_stats_finalize_ndhwc_f32  (const float* x, const float* partials, float* mean, float* rstd, int N, int C, int G, int64_t S, int chunks, double eps)
 *   vf_gn_forward_ndhwc_f32         (const float* x, const float* gamma, const float* beta, const float* mean, const float* rstd, float* y, int C, int G, int64_t S, float slope)
 *   vf_gn_backward_reduce_ndhwc_f32 (const float* x, const float* dy, const float* gamma, const float* beta, const float* mean, const float* rstd, float* partials, int C, int G, int64_t S, int64_t chunkVoxels, float slope)
 *   vf_gn_backward_dx_ndhwc_f32     (const float* x, const float* dy, const float* gamma, const float* beta, const float* mean, const float* rstd, const float* coef, float* dx, int C, int G, int64_t S, float slope)
 *   vf_dice_ce_stats_partial_f32 (const float* logits, const int* labels, const float* mask, float* partials, int C, int64_t S, int64_t chunkLen)
 *   vf_dice_ce_stats_finalize_f32(const float* partials, double* stats, int N, int C, int chunks)
 *   vf_dice_ce_backward_f32      (const float* logits, const int* labels, const float* mask, const float* coefI, const float* coefP, float ceScale, int squared, float* dlogits, int N, int C, int64_t S)
 *   vf_grad_sumsq_partial_f32   (const uint64_t* table, int numParams, double* partials)
 *   vf_grad_norm_finalize_f64   (const double* partials, int64_t count, double maxNorm, double* out)
 *   vf_sgd_step_f32             (const uint64_t* table, int numParams, double lr, double momentum, double dampening, double weightDecay, int nesterov, int first, const double* clip)
 *   vf_adamw_step_f32           (const uint64_t* table, int numParams, double decay, double beta1, double beta2, double eps, double stepSize, double bc2Sqrt, const double* clip)
 * volume kernels, launched by {@link VolumeKernels}:
 *   vf_edt_nearest_f32          (const uint8_t* mask, float* sq, int64_t lines, int n, double w2)
 *   vf_edt_envelope_f32         (float* sq, double* bounds, int* roots, float* rootValues, int64_t outer, int n, int64_t inner, double w2)
 *   vf_resample_f32_i32         (const float* image, float* imageOut, int C, const int* labels, int* labelsOut, int L, const float* disp, int inX, int inY, int inZ, int outX, int outY, int outZ, double m00, .., double m23 (12, row-major 3x4), double originX, double originY, double originZ, float fill, int labelFill)
 *   vf_sliding_accumulate_f32   (const float* probs, const float* weight, float* acc, float* weightSum, int K, int px, int py, int pz, int X, int Y, int Z, int ox, int oy, int oz)
 *   vf_sliding_finalize_f32     (const float* acc, const float* weightSum, float* out, int K, int64_t nVol)
 *   vf_flip3_f32                (const float* in, float* out, int C, int X, int Y, int Z, int axes)
 * tensor kernels, launched by {@link TensorKernels} (VfLayout&lt;K&gt;: one int64 struct {rank, dims[6], strides[K][6]}):
 *   vf_unary_strided_f32        (int op, const float* x, float* y, VfLayout<1> L, int64_t n)
 *   vf_binary_strided_f32       (int op, const float* a, const float* b, void* y, VfLayout<2> L, int64_t n)
 *   vf_where_strided_f32        (const uint8_t* cond, const float* a, const float* b, float* y, VfLayout<3> L, int64_t n)
 *   vf_leaky_relu_strided_f32   (const float* x, float* y, float slope, VfLayout<1> L, int64_t n)
 *   vf_clamp_strided_f32        (const float* x, float* y, float lo, float hi, VfLayout<1> L, int64_t n)
 *   vf_copy_strided             (const void* x, int xType, void* y, int yType, VfLayout<2> L, int64_t n)
 *   vf_pad_constant             (const void* x, void* y, int bytes, uint64_t valueBits, VfPadLayout L, int64_t n)
 *   vf_one_hot_f32              (const void* labels, int labelBytes, float* y, int64_t classes, int64_t inner, VfLayout<1> L, long long* bad, int64_t n)
 *   vf_reduce_rows_{thread,block}_f32   (int op, const float* x, float* y, VfLayout<1> outer, VfLayout<1> inner, int64_t nOut, int64_t nIn)
 *   vf_variance_rows_{thread,block}_f32 (const float* x, float* y, VfLayout<1> outer, VfLayout<1> inner, int64_t nOut, int64_t nIn, int correction)
 *   vf_arg_reduce_rows_{thread,block}_f32 (int isMax, const float* x, int64_t* y, VfLayout<1> outer, int64_t n, int64_t axisStride, int64_t nOut)
 *   vf_softmax_rows_{thread,block}_f32  (int logSoftmax, const float* x, float* y, VfLayout<2> outer, int64_t n, int64_t xStride, int64_t yStride, int64_t nOut)
 *   vf_softmax_backward_rows_{thread,block}_f32 (const float* y, const float* dy, float* dx, VfLayout<3> outer, int64_t n, int64_t yStride, int64_t dyStride, int64_t dxStride, int64_t nOut)
 * </pre>
 */
public final class CudaKernels {
    private final KernelLauncher launcher;

    CudaKernels(CudaDevice device, byte[] fatbin) { this(new DriverKernelLauncher(device, fatbin)); }

    CudaKernels(KernelLauncher launcher) { this.launcher = launcher; }

    public KernelLauncher launcher() { return launcher; }

    /** The CUfunction of a kernel on a real GPU; a missing name throws a CudaException naming it. */
    public long function(String name) {
        if (launcher instanceof DriverKernelLauncher d) return d.function(name);
        throw new UnsupportedOperationException("function(\"" + name + "\"): CUfunction handles exist on a real GPU only, not under "
                + launcher.getClass().getSimpleName());
    }

    /**
     * Launches a grid-stride kernel over {@code n} elements on {@code stream}: {@code args} adds the
     * kernel's parameters in order. The arguments are copied at launch.
     */
    public void launch(String kernel, long n, long stream, Consumer<KernelArgs> args) {
        LaunchConfig cfg = LaunchConfig.gridStride(n, launcher.multiprocessors());
        launcher.launch(kernel, cfg.blocks(), 1, 1, cfg.threads(), 1, 1, 0, stream, args);
    }

    // ---- typed launchers for the kernels that exist (their parameter lists are above) ----------

    public void fillF32(long y, float value, long n, long stream) {
        launch("vf_fill_f32", n, stream, k -> k.ptr(y).f32(value).i64(n));
    }

    /** dist: the ordinal of RandomGenerator.Distribution (0 uniform, 1 normal, 2 bernoulli). */
    public void randomF32(long y, int dist, double a, double b, long key, long counter, long n, long stream) {
        launch("vf_random_f32", n, stream, k -> k.ptr(y).i32(dist).f64(a).f64(b).i64(key).i64(counter).i64(n));
    }

    /** op: the ordinal of org.voxelforge.core.UnaryOp. */
    public void unaryF32(int op, long x, long y, long n, long stream) {
        launch("vf_unary_f32", n, stream, k -> k.i32(op).ptr(x).ptr(y).i64(n));
    }

    /** op: the ordinal of org.voxelforge.core.BinaryOp; bStride 0 broadcasts b[0], 1 walks b. */
    public void binaryF32(int op, long a, long b, long bStride, long y, long n, long stream) {
        launch("vf_binary_f32", n, stream, k -> k.i32(op).ptr(a).ptr(b).i64(bStride).ptr(y).i64(n));
    }

    void unload() {
        if (launcher instanceof DriverKernelLauncher d) d.unload();
    }
}
