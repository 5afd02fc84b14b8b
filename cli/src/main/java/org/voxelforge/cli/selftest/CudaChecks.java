package org.voxelforge.cli.selftest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.voxelforge.core.BinaryOp;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.UnaryOp;
import org.voxelforge.core.cuda.Cublas;
import org.voxelforge.core.cuda.CudaDevice;
import org.voxelforge.core.cuda.CudaKernels;
import org.voxelforge.core.cuda.CudaRuntime;
import org.voxelforge.core.cuda.CudnnVersionPolicy;
import org.voxelforge.core.cuda.EmulatedKernels;
import java.util.function.Supplier;

/**
 * The CUDA checks: device facts, memory round trips, our fatbin's kernels against their CPU
 * definitions, cuBLAS SGEMM and a cuDNN 3D convolution against double-precision CPU references.
 * Where CUDA is unavailable every check is a SKIP carrying the discovery reason (with
 * {@code required}, i.e. {@code --device cuda}, the device check is a FAIL instead).
 *
 * <p>Written without a GPU at hand: every device buffer goes back to the allocator in a
 * finally ({@link DeviceBuffers}), every cuDNN descriptor is destroyed, and the device is
 * synchronised before results are read so that a kernel fault is reported by the check that
 * caused it. UNVERIFIED on a GPU until a GPU session runs {@code voxelforge selftest --device cuda}.
 */
public final class CudaChecks {
    private CudaChecks() {}

    static final String DEVICE = "cuda device", MEMCPY = "cuda memcpy round trip", FILL = " fill kernel",
            ELEMENTWISE = " elementwise kernels vs cpu", RANDOM = " philox kernel vs cpu (bitwise)",
            CUBLAS = "cuda cublas sgemm", CUDNN = "cuda cudnn conv3d forward";
    static final List<String> NAMES = names();

    private static List<String> names() {
        List<String> n = new ArrayList<>(List.of(DEVICE, MEMCPY));
        for (String k : kernelCheckNames()) n.add("cuda" + k);
        n.addAll(List.of(CUBLAS, CUDNN));
        return List.copyOf(n);
    }

    /** The kernel checks' names after their target's label ("cuda" or "emulator"). */
    static List<String> kernelCheckNames() {
        List<String> n = new ArrayList<>(List.of(FILL, ELEMENTWISE, RANDOM));
        n.addAll(FusedKernelChecks.NAMES);
        n.addAll(VolumeKernelChecks.NAMES);
        n.add(ConvKernelChecks.NAME);
        n.add(ChannelsLastConvCheck.NAME);
        n.add(TensorKernelChecks.NAME);
        n.add(BackendStepCheck.NAME);
        n.add(BackendStepCheck.CHANNELS_LAST_NAME);
        n.add(DeviceAugmentationCheck.NAME);
        n.add(DistanceMapsCheck.NAME);
        n.add(ChannelsLastPoolCheck.NAME);
        return n;
    }

    /**
     * Our kernels' checks on {@code target} (a fresh one per check, closed after it): fill, every
     * elementwise op, Philox bit for bit, the fused kernels against their CPU twins, the volume
     * kernels (distance transform, resampling, sliding window) against their CPU references, and
     * the implicit-GEMM conv3d and the op kernels (broadcasting, copy/cast, reductions, softmax)
     * against the CPU backend; then, on the device backend, channels-last conv3d and its backwards
     * (cuDNN's NDHWC path on a GPU), a U-Net training step in NCDHW and channels-last, the augmentation steps and the signed
     * distance maps against the same on the CPU.
     */
    static List<SelfTestCheck> kernelChecks(Supplier<KernelTarget> target, String label, org.voxelforge.core.Device device, boolean quick) {
        int big = quick ? 1 << 20 : 16 << 20;
        List<SelfTestCheck> out = new ArrayList<>();
        out.add(KernelTarget.check(label + FILL, target, (t, name) -> fill(t, name, big + 7)));
        out.add(KernelTarget.check(label + ELEMENTWISE, target, (t, name) -> elementwise(t, name, quick ? 10_007 : 1_000_003)));
        out.add(KernelTarget.check(label + RANDOM, target, (t, name) -> random(t, name, quick ? 100_003 : 3_000_017)));
        out.addAll(FusedKernelChecks.all(target, label, quick));
        out.addAll(VolumeKernelChecks.all(target, label, quick));
        out.add(ConvKernelChecks.check(target, label, quick));
        out.add(ChannelsLastConvCheck.of(label, device, quick || device.kind() == org.voxelforge.core.Device.Kind.EMULATOR));
        out.add(TensorKernelChecks.check(target, label, quick));
        int stepSize = quick || device.kind() == org.voxelforge.core.Device.Kind.EMULATOR ? 8 : 32;
        out.add(BackendStepCheck.of(label, device, stepSize));
        out.add(BackendStepCheck.channelsLast(label, device, stepSize));
        out.add(DeviceAugmentationCheck.of(label, device, quick));
        out.add(DistanceMapsCheck.of(label, device, quick));
        out.add(ChannelsLastPoolCheck.of(label, device, quick));
        return out;
    }

    /** The kernel checks on the host emulator (no GPU needed): SKIP with the reason when its library is missing. */
    public static List<SelfTestCheck> emulated(boolean quick) {
        EmulatedKernels.Availability a = EmulatedKernels.availability();
        if (!a.available()) {
            List<SelfTestCheck> out = new ArrayList<>();
            for (String n : kernelCheckNames()) out.add(SelfTestCheck.skipped("emulator" + n, "kernel emulator unavailable: " + a.reason()));
            return out;
        }
        return kernelChecks(() -> new EmulatorTarget(EmulatedKernels.get()), "emulator", org.voxelforge.core.Device.EMULATOR, quick);
    }

    public static List<SelfTestCheck> all(boolean quick, boolean required) {
        return all(quick, required, CudaRuntime.availability());
    }

    static List<SelfTestCheck> all(boolean quick, boolean required, CudaRuntime.Availability a) {
        if (!a.available()) {
            // the full discovery reason once, on the device line; the others point at it
            String reason = "CUDA unavailable: " + a.reason();
            List<SelfTestCheck> out = new ArrayList<>();
            out.add(required ? SelfTestCheck.of(DEVICE, () -> SelfTestResult.fail(DEVICE, reason + " (asked for by --device cuda)"))
                    : SelfTestCheck.skipped(DEVICE, reason));
            for (String n : NAMES.subList(1, NAMES.size())) out.add(SelfTestCheck.skipped(n, "CUDA unavailable (reason on the '" + DEVICE + "' line)"));
            return out;
        }
        Gpu gpu = new Gpu();
        int big = quick ? 1 << 20 : 16 << 20;
        List<SelfTestCheck> out = new ArrayList<>();
        out.add(SelfTestCheck.of(DEVICE, () -> device(gpu, a)));
        out.add(SelfTestCheck.of(MEMCPY, () -> memcpy(gpu, big + 3)));
        out.addAll(kernelChecks(() -> new GpuTarget(gpu), "cuda", org.voxelforge.core.Device.cuda(gpu.device().ordinal()), quick));
        out.add(SelfTestCheck.of(CUBLAS, () -> cublas(gpu, quick)));
        out.add(CudnnConvCheck.of(CUDNN, gpu, quick));
        return out;
    }

    // ---- device facts --------------------------------------------------------------------------

    static SelfTestResult device(Gpu gpu, CudaRuntime.Availability a) {
        CudaDevice d = gpu.device();
        long[] mem = d.memoryInfo();
        String cudnn;
        try {
            long v = gpu.runtime().cudnnVersion();
            CudnnVersionPolicy.Verdict tf32 = CudnnVersionPolicy.check(v, CudnnVersionPolicy.Precision.FLOAT32_TF32, 3);
            cudnn = CudnnVersionPolicy.format(v) + (tf32.ok() ? "" : " (" + tf32.reason() + ")");
        } catch (RuntimeException | LinkageError e) {
            cudnn = "not loadable (" + e.getMessage() + ")";
        }
        String detail = d.describe() + "; " + a.deviceCount() + " device(s); driver CUDA " + a.driverVersion() / 1000 + "."
                + a.driverVersion() % 1000 / 10 + "; memory free " + gib(mem[0]) + " of " + gib(mem[1])
                + "; cuDNN " + cudnn;
        if (mem.length < 2 || mem[1] <= 0 || mem[0] > mem[1]) return SelfTestResult.fail(DEVICE, "implausible memory info; " + detail);
        return SelfTestResult.pass(DEVICE, detail);
    }

    // ---- memory ------------------------------------------------------------------------------------

    /** Host -> device -> device -> host, bit for bit. */
    static SelfTestResult memcpy(Gpu gpu, int n) {
        float[] data = new float[n];
        RandomGenerator rng = new RandomGenerator(50);
        for (int i = 0; i < n; i++) data[i] = (float) (rng.nextDouble() * 2e6 - 1e6);
        try (DeviceBuffers buf = gpu.buffers()) {
            long p = buf.upload(data);
            long q = buf.allocate(n);
            gpu.device().makeCurrent();
            gpu.driver().memcpyDtoD(q, p, 4L * n);
            float[] back = buf.download(q, n);
            long bad = mismatches(data, back);
            String detail = n + " floats (" + gib(4L * n) + ") H2D, D2D, D2H";
            return bad == 0 ? SelfTestResult.pass(MEMCPY, detail) : SelfTestResult.fail(MEMCPY, bad + " of " + n + " floats differ after " + detail);
        }
    }

    // ---- our kernels ---------------------------------------------------------------------------------

    static SelfTestResult fill(KernelTarget buf, String name, int n) {
        CudaKernels k = buf.kernels();
        long p = buf.allocate(n);
        for (float v : new float[] {3.25f, -0.0f}) {
            k.fillF32(p, v, n, 0);
            float[] got = buf.download(p, n);
            for (int i = 0; i < n; i++) {
                if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(v)) {
                    return SelfTestResult.fail(name, "fill(" + v + "): element " + i + " of " + n + " is " + got[i]);
                }
            }
        }
        return SelfTestResult.pass(name, n + " floats, 2 values");
    }

    /** The Philox kernel must reproduce RandomGenerator's definition bit for bit, for every distribution. */
    static SelfTestResult random(KernelTarget buf, String name, int n) {
        CudaKernels k = buf.kernels();
        long key = new RandomGenerator(1234).key(), counter = (1L << 32) - n / 2; // crosses into the counter's high word
        int[] scratch = new int[4];
        List<String> bad = new ArrayList<>();
        long mismatches = 0;
        {
            long p = buf.allocate(n);
            for (RandomGenerator.Distribution dist : RandomGenerator.Distribution.values()) {
                double a = dist == RandomGenerator.Distribution.BERNOULLI ? 0.3 : -1.5, b = 2.0;
                k.randomF32(p, dist.ordinal(), a, b, key, counter, n, 0);
                float[] got = buf.download(p, n);
                long m = 0;
                String first = "";
                for (int i = 0; i < n; i++) {
                    float want = (float) RandomGenerator.sample(dist, a, b, key, counter + i, DType.FLOAT32, scratch);
                    if (Float.floatToRawIntBits(want) != Float.floatToRawIntBits(got[i]) && m++ == 0) {
                        first = " (first: element " + i + " gpu " + got[i] + ", cpu " + want + ")";
                    }
                }
                if (m > 0) bad.add(dist.name().toLowerCase(Locale.ROOT) + " " + m + " of " + n + first);
                mismatches += m;
            }
        }
        return mismatches == 0 ? SelfTestResult.pass(name, 3L * n + " values, uniform/normal/bernoulli")
                : SelfTestResult.fail(name, "values differ: " + String.join("; ", bad));
    }

    /**
     * Every unary and binary op code of the elementwise kernels against UnaryOp/BinaryOp.apply
     * (double, rounded to float). Correctly rounded ops (+ - * /, sqrt, reciprocal, comparisons...)
     * must match exactly; transcendental ones within a few ulps (CUDA's documented bounds are
     * 1 to 4 ulps; sigmoid composes two of them).
     */
    static SelfTestResult elementwise(KernelTarget buf, String name, int n) {
        CudaKernels k = buf.kernels();
        RandomGenerator rng = new RandomGenerator(60);
        String worstOp = "";
        double worstUlps = 0, worstTol = 0, worstRatio = -1;
        {
            long y = buf.allocate(n);
            for (UnaryOp op : UnaryOp.values()) {
                float[] x = unaryInputs(op, rng, n);
                long px = buf.upload(x);
                k.unaryF32(op.ordinal(), px, y, n, 0);
                float[] got = buf.download(y, n);
                double ulps = 0;
                for (int i = 0; i < n; i++) ulps = Math.max(ulps, ErrorBound.ulps(got[i], op.apply(x[i])));
                double tol = transcendental(op) ? 8 : 0, r = ratio(ulps, tol);
                if (r > worstRatio) { worstRatio = r; worstUlps = ulps; worstTol = tol; worstOp = op.label(); }
            }
            for (BinaryOp op : BinaryOp.values()) {
                for (int bStride : new int[] {1, 0}) {
                    if (bStride == 0 && op != BinaryOp.ADD && op != BinaryOp.MUL) continue; // broadcast: two ops are enough
                    float[] a = binaryInputs(op, true, rng, n), b = binaryInputs(op, false, rng, bStride == 1 ? n : 1);
                    long pa = buf.upload(a), pb = buf.upload(b);
                    k.binaryF32(op.ordinal(), pa, pb, bStride, y, n, 0);
                    float[] got = buf.download(y, n);
                    double ulps = 0;
                    for (int i = 0; i < n; i++) ulps = Math.max(ulps, ErrorBound.ulps(got[i], op.apply(a[i], b[i * bStride])));
                    double tol = op == BinaryOp.POW ? 8 : 0, r = ratio(ulps, tol);
                    if (r > worstRatio) { worstRatio = r; worstUlps = ulps; worstTol = tol; worstOp = op.label() + (bStride == 0 ? " (broadcast)" : ""); }
                }
            }
        }
        return SelfTestResult.compare(name, worstUlps, worstTol, UnaryOp.values().length + " unary, " + BinaryOp.values().length
                + " binary ops, " + n + " values each; error in ulps, worst op: " + worstOp);
    }

    private static boolean transcendental(UnaryOp op) {
        return switch (op) {
            case EXP, LOG, SIGMOID, TANH, ERF -> true;
            default -> false;
        };
    }

    private static double ratio(double ulps, double tol) { return ulps == 0 ? 0 : tol == 0 ? Double.POSITIVE_INFINITY : ulps / tol; }

    /** Inputs inside each op's domain (positive for log and sqrt, away from 0 for the reciprocal). */
    private static float[] unaryInputs(UnaryOp op, RandomGenerator rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double u = rng.nextDouble();
            x[i] = (float) switch (op) {
                case LOG, SQRT -> 1e-3 + u * 100;
                case RECIPROCAL -> (0.1 + u * 10) * (i % 2 == 0 ? 1 : -1);
                case EXP -> u * 40 - 20;
                default -> u * 12 - 6;
            };
        }
        return x;
    }

    private static float[] binaryInputs(BinaryOp op, boolean first, RandomGenerator rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double u = rng.nextDouble();
            x[i] = (float) switch (op) {
                case POW -> first ? 0.1 + u * 4 : u * 6 - 3;
                case DIV -> first ? u * 20 - 10 : (0.1 + u * 10) * (i % 2 == 0 ? 1 : -1);
                // small integers make equal pairs common, so EQ/NE/LE/GE see both outcomes
                case EQ, NE, LT, LE, GT, GE -> Math.floor(u * 5);
                default -> u * 20 - 10;
            };
        }
        return x;
    }

    // ---- cuBLAS --------------------------------------------------------------------------------------

    /** Row-major SGEMM through cuBLAS (full float32, no TF32) against the double-precision CPU reference. */
    static SelfTestResult cublas(Gpu gpu, boolean quick) {
        int[][] sizes = quick ? new int[][] {{67, 129, 45}} : new int[][] {{67, 129, 45}, {512, 384, 640}};
        Cublas blas = gpu.runtime().cublas();
        long h = gpu.device().cublasHandle();
        blas.setMathMode(h, Cublas.MathMode.DEFAULT); // full float32, so the CPU bound applies
        ErrorBound.Worst worst = null;
        double worstTol = 1, worstRatio = -1;
        String at = "";
        for (int[] s : sizes) {
            int m = s[0], n = s[1], k = s[2];
            RandomGenerator rng = new RandomGenerator(70 + m);
            float[] a = SgemmCheck.uniform(rng, m * k), b = SgemmCheck.uniform(rng, k * n);
            float[] c;
            try (DeviceBuffers buf = gpu.buffers()) {
                long pa = buf.upload(a), pb = buf.upload(b), pc = buf.allocate((long) m * n);
                blas.rowMajorSgemm(h, false, false, m, n, k, 1f, pa, k, pb, n, 0f, pc, n);
                c = buf.download(pc, m * n);
            }
            SgemmCheck.Reference ref = SgemmCheck.reference(a, false, k, b, m, n, k);
            ErrorBound.Worst w = ErrorBound.worstRatio(c, ref.want(), ref.scale());
            double tol = ErrorBound.float32SumBound(k);
            if (w.ratio() / tol > worstRatio) {
                worstRatio = w.ratio() / tol;
                worst = w;
                worstTol = tol;
                at = m + "x" + n + "x" + k;
            }
        }
        boolean ok = worst.ratio() <= worstTol;
        return SelfTestResult.compare(CUBLAS, worst.ratio(), worstTol, "worst size " + at + (ok ? "" : "; " + worst.where()));
    }

    static String gib(long bytes) { return String.format(Locale.ROOT, bytes >= 1L << 30 ? "%.1f GiB" : "%.1f MiB", bytes / (bytes >= 1L << 30 ? 0x1p30 : 0x1p20)); }

    static long mismatches(float[] want, float[] got) {
        if (want.length != got.length) return Math.max(want.length, got.length);
        long bad = 0;
        for (int i = 0; i < want.length; i++) if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) bad++;
        return bad;
    }
}
