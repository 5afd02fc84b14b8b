package org.voxelforge.core.cuda;

import java.lang.foreign.Arena;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The kernels of voxelforge.fatbin (built by kernels/build-fatbin.sh, packaged in the kernels
 * jar) loaded into one device's context with cuModuleLoadData; functions are looked up by name
 * once and kept. Kernels are 1-D grid-stride loops, launched with {@link LaunchConfig}.
 *
 * <p>Kernel parameter lists (kernels/src/main/cuda/*.cuh), to be matched by {@link KernelArgs}:
 * <pre>
 *   vf_unary_f32 (int op, const float* x, float* y, int64_t n)
 *   vf_binary_f32(int op, const float* a, const float* b, int64_t b_stride, float* y, int64_t n)
 *   vf_fill_f32  (float* y, float value, int64_t n)
 *   vf_random_f32(float* y, int dist, double a, double b, uint64_t key, uint64_t counter, int64_t n)
 * </pre>
 */
public final class CudaKernels {
    private final CudaDevice device;
    private final long module;
    private final ConcurrentHashMap<String, Long> functions = new ConcurrentHashMap<>();

    CudaKernels(CudaDevice device, byte[] fatbin) {
        this.device = device;
        device.makeCurrent();
        this.module = device.driver().moduleLoadData(fatbin);
    }

    /** The CUfunction of a kernel; a missing name throws a CudaException naming it. */
    public long function(String name) {
        return functions.computeIfAbsent(name, n -> {
            device.makeCurrent();
            return device.driver().moduleGetFunction(module, n);
        });
    }

    /**
     * Launches a grid-stride kernel over {@code n} elements on {@code stream}: {@code args} adds the
     * kernel's parameters in order. The arguments are copied by the driver at launch.
     */
    public void launch(String kernel, long n, long stream, Consumer<KernelArgs> args) {
        LaunchConfig cfg = LaunchConfig.gridStride(n, device.multiprocessors());
        long f = function(kernel);
        try (Arena a = Arena.ofConfined()) {
            KernelArgs k = new KernelArgs(a);
            args.accept(k);
            device.makeCurrent();
            device.driver().launchKernel(f, cfg.blocks(), 1, 1, cfg.threads(), 1, 1, 0, stream, k.toPointerArray());
        }
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
        device.makeCurrent();
        device.driver().moduleUnload(module);
    }
}
