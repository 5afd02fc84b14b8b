package org.voxelforge.cli.selftest;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.voxelforge.core.Backend;
import org.voxelforge.core.Backends;
import org.voxelforge.core.DType;
import org.voxelforge.core.Device;
import org.voxelforge.core.MaxPool3dResult;
import org.voxelforge.core.MemoryFormat;
import org.voxelforge.core.Pool3dParams;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.UpsampleMode;
import org.voxelforge.core.cuda.CudaBackend;

/**
 * 3D pooling and resizing on channels-last device tensors (an [N, D, H, W, C] buffer seen as
 * [N, C, D, H, W], the layout a channels-last U-Net feeds MaxPool3d and trilinear Upsample), each
 * forward and backward on the device backend, against the CPU backend on the same logical values:
 * max pool (values, int64 indices and backward, also with NCDHW indices under a channels-last
 * gradient), average pool, adaptive average pool, nearest and trilinear resize. Max pool exactly;
 * the others, float sums of n terms against the CPU's double ones, each value within
 * 2 * (n + 4) * 2^-24 of the same op applied to |input| (the sum of the terms' magnitudes: the
 * bound EmulatedPoolKernelsTest explains; a wrong or missing term is far above it). Every result must
 * come back channels-last: a result in another format is infinitely wrong, and so is an op that
 * ran on the host instead of the device (its kernel untested).
 */
final class ChannelsLastPoolCheck {
    static final String NAME = " channels-last pooling + upsample vs cpu";

    private ChannelsLastPoolCheck() {}

    static SelfTestCheck of(String label, Device device, boolean quick) {
        String name = label + NAME;
        int[] dims = quick || device.kind() == Device.Kind.EMULATOR ? new int[] {2, 5, 6, 7, 9} : new int[] {2, 16, 20, 22, 24};
        return SelfTestCheck.of(name, () -> run(name, device, dims));
    }

    private static SelfTestResult run(String name, Device device, int[] dims) {
        WorstError worst = new WorstError();
        Map<String, Long> before = CudaBackend.hostFallbacks();
        try (TensorScope scope = new TensorScope()) {
            compareAll(Backends.cpu(), device, dims, worst);
        }
        String host = BackendStepCheck.hostOps(before);
        // an op that fell back to the host did not test its kernel
        if (!host.equals("none")) worst.note("ops ran on the host: " + host, Double.POSITIVE_INFINITY);
        return worst.result(name, String.format(Locale.ROOT, "x %s channels-last: max/avg/adaptive pool, nearest/trilinear "
                + "resize, forward and backward; host ops: %s", Arrays.toString(dims), host));
    }

    /** host [N, C, D, H, W] -> on the device, stored [N, D, H, W, C], seen as [N, C, D, H, W]. */
    static Tensor channelsLast(Tensor host, Device device) {
        try (Tensor d = host.to(device)) {
            return d.contiguous(MemoryFormat.CHANNELS_LAST);
        }
    }

    /**
     * Every op on {@code reference} (host tensors) and on the device (channels-last tensors), the
     * differences noted in {@code worst}. The reference is a parameter so that a test can show a
     * wrong one fails.
     */
    static void compareAll(Backend reference, Device device, int[] dims, WorstError worst) {
        RandomGenerator rng = new RandomGenerator(97);
        Tensor x = rng.fill(RandomGenerator.Distribution.NORMAL, 0, 2, DType.FLOAT32, dims), xd = channelsLast(x, device);
        Shape xs = x.shape();

        for (Pool3dParams p : new Pool3dParams[] {Pool3dParams.of(2, 2, 0), Pool3dParams.of(3, 2, 1)}) {
            MaxPool3dResult want = reference.maxPool3d(x, p), got = xd.backend().maxPool3d(xd, p);
            exact("maxPool3d " + p + " values", want.values(), got.values(), worst);
            exact("maxPool3d " + p + " indices", want.indices(), got.indices(), worst);
            Tensor gy = rng.fill(RandomGenerator.Distribution.NORMAL, 0, 1, DType.FLOAT32, want.values().dims());
            Tensor gyd = channelsLast(gy, device), gxWant = reference.maxPool3dBackward(gy, want.indices(), xs, p);
            exact("maxPool3dBackward " + p, gxWant, gyd.backend().maxPool3dBackward(gyd, got.indices(), xs, p), worst);
            try (Tensor ncdhwIndices = got.indices().contiguous()) {
                exact("maxPool3dBackward " + p + " (NCDHW indices)", gxWant,
                        gyd.backend().maxPool3dBackward(gyd, ncdhwIndices, xs, p), worst);
            }
            int window = Arrays.stream(p.kernel()).reduce(1, (a, b) -> a * b);
            for (boolean inc : new boolean[] {true, false}) {
                String tag = " " + p + " countIncludePad " + inc;
                compare("avgPool3d" + tag, reference.avgPool3d(x, p, inc), reference.avgPool3d(x.abs(), p, inc),
                        xd.backend().avgPool3d(xd, p, inc), window, worst);
                compare("avgPool3dBackward" + tag, reference.avgPool3dBackward(gy, xs, p, inc),
                        reference.avgPool3dBackward(gy.abs(), xs, p, inc), gyd.backend().avgPool3dBackward(gyd, xs, p, inc), window, worst);
            }
        }

        int[] pooled = {dims[2] / 2 + 1, dims[3] / 2, dims[4] / 3 + 1};
        int window = 1, readers = 1;
        for (int a = 0; a < 3; a++) window *= Math.ceilDiv(dims[2 + a], pooled[a]) + 1;
        compare("adaptiveAvgPool3d", reference.adaptiveAvgPool3d(x, pooled), reference.adaptiveAvgPool3d(x.abs(), pooled),
                xd.backend().adaptiveAvgPool3d(xd, pooled), window, worst);
        Tensor ga = rng.fill(RandomGenerator.Distribution.NORMAL, 0, 1, DType.FLOAT32, dims[0], dims[1], pooled[0], pooled[1], pooled[2]);
        Tensor gad = channelsLast(ga, device);
        compare("adaptiveAvgPool3dBackward", reference.adaptiveAvgPool3dBackward(ga, xs), reference.adaptiveAvgPool3dBackward(ga.abs(), xs),
                gad.backend().adaptiveAvgPool3dBackward(gad, xs), window, worst);

        int[] up = {2 * dims[2], 2 * dims[3] - 1, 2 * dims[4] + 3};
        Tensor gu = rng.fill(RandomGenerator.Distribution.NORMAL, 0, 1, DType.FLOAT32, dims[0], dims[1], up[0], up[1], up[2]);
        Tensor gud = channelsLast(gu, device);
        // backward: an input voxel collects at most 2 * ceil(out / in) + 2 outputs per axis
        for (int a = 0; a < 3; a++) readers *= 2 * Math.ceilDiv(up[a], dims[2 + a]) + 2;
        for (UpsampleMode mode : UpsampleMode.values()) {
            for (boolean corners : new boolean[] {false, true}) {
                if (mode == UpsampleMode.NEAREST && corners) continue;
                String tag = " " + mode + " alignCorners " + corners;
                compare("upsample3d" + tag, reference.upsample3d(x, up, mode, corners), reference.upsample3d(x.abs(), up, mode, corners),
                        xd.backend().upsample3d(xd, up, mode, corners), 8, worst);
                compare("upsample3dBackward" + tag, reference.upsample3dBackward(gu, xs, mode, corners),
                        reference.upsample3dBackward(gu.abs(), xs, mode, corners), gud.backend().upsample3dBackward(gud, xs, mode, corners),
                        readers, worst);
            }
        }
    }

    /**
     * Each value within 2 * (terms + 4) * 2^-24 of its magnitude (the op on |input|); see
     * {@link #layoutAndShape} for the rest.
     */
    static void compare(String what, Tensor want, Tensor magnitude, Tensor got, int terms, WorstError worst) {
        if (!layoutAndShape(what, want, got, worst)) return;
        double factor = 2.0 * (terms + 4) * 0x1p-24, r = 0;
        float[] w = want.toFloatArray(), m = magnitude.toFloatArray(), g = got.toFloatArray();
        for (int i = 0; i < w.length; i++) {
            double e = Math.abs((double) w[i] - g[i]), ri = e == 0 ? 0 : e / (factor * m[i]);
            r = Double.isNaN(ri) ? Double.POSITIVE_INFINITY : Math.max(r, ri);
        }
        worst.note(what, r);
    }

    /** Bit for bit (int64 indices or float values); see {@link #layoutAndShape} for the rest. */
    static void exact(String what, Tensor want, Tensor got, WorstError worst) {
        if (!layoutAndShape(what, want, got, worst)) return;
        if (want.dtype() == DType.INT64) {
            long[] w = want.toLongArray(), g = got.toLongArray();
            for (int i = 0; i < w.length; i++) {
                if (w[i] != g[i]) {
                    worst.note(what + " (first difference at " + i + ": " + g[i] + ", expected " + w[i] + ")", Double.POSITIVE_INFINITY);
                    return;
                }
            }
            worst.note(what, 0);
        } else {
            worst.exact(what, want.toFloatArray(), got.toFloatArray());
        }
    }

    /**
     * Whether got has want's shape and dtype and is dense channels-last (its memoryFormat()
     * CHANNELS_LAST unless it is dense in both formats); when not, noted as infinitely wrong.
     */
    private static boolean layoutAndShape(String what, Tensor want, Tensor got, WorstError worst) {
        if (!got.shape().equals(want.shape()) || got.dtype() != want.dtype()) {
            worst.note(what + ": " + got.describe() + ", expected " + want.describe(), Double.POSITIVE_INFINITY);
            return false;
        }
        if (!MemoryFormat.CHANNELS_LAST.isDense(got) || !got.isContiguous() && got.memoryFormat() != MemoryFormat.CHANNELS_LAST) {
            worst.note(what + " came back " + got.memoryFormat().label() + " with strides " + Arrays.toString(got.strides())
                    + ", not channels-last", Double.POSITIVE_INFINITY);
            return false;
        }
        return true;
    }
}
