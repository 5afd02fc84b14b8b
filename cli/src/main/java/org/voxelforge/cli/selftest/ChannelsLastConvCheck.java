package org.voxelforge.cli.selftest;

import java.util.Map;
import java.util.function.UnaryOperator;
import org.voxelforge.core.Backend;
import org.voxelforge.core.Backends;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.Device;
import org.voxelforge.core.MemoryFormat;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.cuda.CudaBackend;

/**
 * conv3d, conv3dBackwardData and conv3dBackwardWeight on channels-last activations on the device
 * backend (on a GPU: cuDNN with NDHWC tensors and a KDHWC filter, or our kernels with CL = 1 where
 * cuDNN is absent; on the emulator: our kernels) against the CPU backend in float64 on the same
 * float values. Each element's error is measured against the same pass on absolute values
 * ({@link ErrorBound}, as {@link Conv3dCheck}); the result is the worst pass of the worst case
 * relative to its bound. Also FAILs when y or dx does not come back dense channels-last, when dw
 * is not contiguous, or when a pass ran on the host. One case's gradY is a channel slice of a
 * wider channels-last tensor (not dense: what concat's backward hands a decoder convolution).
 */
final class ChannelsLastConvCheck {
    static final String NAME = " conv3d channels-last vs cpu";

    private ChannelsLastConvCheck() {}

    /** x [N, Cin, spatial], w [Cout, Cin/groups, k]; {@code slicedGradY}: gradY a channel slice of a wider channels-last tensor. */
    record Case(int[] x, int[] w, Conv3dParams p, boolean bias, boolean slicedGradY) {}

    static SelfTestCheck of(String label, Device device, boolean quick) {
        String name = label + NAME;
        return SelfTestCheck.of(name, () -> run(name, device, cases(quick), UnaryOperator.identity()));
    }

    static Case[] cases(boolean quick) {
        return quick
                ? new Case[] {
                        new Case(new int[] {2, 3, 7, 6, 5}, new int[] {5, 3, 3, 3, 3}, Conv3dParams.of(2, 1), true, false),
                        new Case(new int[] {1, 4, 6, 7, 5}, new int[] {6, 2, 3, 2, 3}, Conv3dParams.of(1, 2).withDilation(2, 1, 2).withGroups(2), false, true),
                        new Case(new int[] {2, 5, 4, 3, 5}, new int[] {7, 5, 1, 1, 1}, Conv3dParams.DEFAULT, true, false)}
                : new Case[] {
                        new Case(new int[] {2, 16, 17, 16, 15}, new int[] {32, 16, 3, 3, 3}, Conv3dParams.of(2, 1), true, false),
                        new Case(new int[] {2, 32, 12, 13, 11}, new int[] {32, 8, 3, 2, 3}, Conv3dParams.of(1, 2).withDilation(2, 1, 2).withGroups(4), false, true),
                        new Case(new int[] {2, 64, 10, 10, 10}, new int[] {32, 64, 1, 1, 1}, Conv3dParams.DEFAULT, true, false),
                        new Case(new int[] {1, 32, 12, 12, 12}, new int[] {32, 32, 3, 3, 3}, Conv3dParams.of(1, 1), true, true)};
    }

    /**
     * The cases on {@code device}; {@code twist} is applied to every float64 reference (the identity
     * in the selftest; a test hands a wrong one to show the comparison fails).
     */
    static SelfTestResult run(String name, Device device, Case[] cases, UnaryOperator<Tensor> twist) {
        Backend cpu = Backends.cpu();
        Map<String, Long> before = CudaBackend.hostFallbacks();
        RandomGenerator rng = new RandomGenerator(86);
        double worstScore = -1, worstRatio = 0, worstTol = 0;
        String worstWhere = "";
        for (Case c : cases) {
            try (TensorScope scope = new TensorScope()) {
                Conv3dParams p = c.p();
                Shape xs = Shape.of(c.x()), ws = Shape.of(c.w()), ys = p.checkForward(name, xs, ws, null);
                int cg = c.x()[1] / p.groups(), og = c.w()[0] / p.groups(), kvol = c.w()[2] * c.w()[3] * c.w()[4];
                Tensor x = rng.uniform(-1, 1, c.x()), w = rng.uniform(-1, 1, c.w()), b = c.bias() ? rng.uniform(-1, 1, c.w()[0]) : null;
                int extra = c.slicedGradY() ? 3 : 0, from = c.slicedGradY() ? 1 : 0;
                Tensor dyWide = rng.uniform(-1, 1, ys.dim(0), ys.dim(1) + extra, ys.dim(2), ys.dim(3), ys.dim(4));
                Tensor dy = dyWide.slice(1, from, from + ys.dim(1)).contiguous();

                Tensor xl = channelsLast(x, device), wd = w.to(device), bd = b == null ? null : b.to(device);
                Tensor dyl = channelsLast(dyWide, device).slice(1, from, from + ys.dim(1));
                String tag = "x " + xs + " w " + ws + " " + p + (c.bias() ? " + bias" : "") + (c.slicedGradY() ? ", gradY a channel slice" : "");
                if (xl.memoryFormat() != MemoryFormat.CHANNELS_LAST || dyl.memoryFormat() != MemoryFormat.CHANNELS_LAST) {
                    return SelfTestResult.fail(name, tag + ": the check's inputs are not channels-last on " + device);
                }

                Tensor y = xl.backend().conv3d(xl, wd, bd, p);
                Tensor dx = dyl.backend().conv3dBackwardData(dyl, wd, xs, p);
                Tensor dw = xl.backend().conv3dBackwardWeight(dyl, xl, ws, p);
                String format = !dense(y) ? "y" : !dense(dx) ? "dx" : !dw.isContiguous() ? "dw" : null;
                if (format != null) {
                    Tensor t = format.equals("y") ? y : format.equals("dx") ? dx : dw;
                    return SelfTestResult.fail(name, tag + ": " + format + " came back with strides " + java.util.Arrays.toString(t.strides())
                            + (format.equals("dw") ? ", expected contiguous" : ", expected dense channels-last"));
                }

                Tensor x64 = x.cast(DType.FLOAT64), w64 = w.cast(DType.FLOAT64), dy64 = dy.cast(DType.FLOAT64);
                Tensor b64 = b == null ? null : b.cast(DType.FLOAT64);
                Tensor ax = x64.abs(), aw = w64.abs(), ady = dy64.abs(), ab = b64 == null ? null : b64.abs();
                Tensor[] want = {cpu.conv3d(x64, w64, b64, p), cpu.conv3dBackwardData(dy64, w64, xs, p), cpu.conv3dBackwardWeight(dy64, x64, ws, p)};
                Tensor[] scale = {cpu.conv3d(ax, aw, ab, p), cpu.conv3dBackwardData(ady, aw, xs, p), cpu.conv3dBackwardWeight(ady, ax, ws, p)};
                Tensor[] got = {y, dx, dw};
                long outVoxels = (long) ys.dim(2) * ys.dim(3) * ys.dim(4);
                long[] terms = {(long) cg * kvol + 1, (long) og * kvol, ys.dim(0) * outVoxels};
                String[] passes = {"forward", "backward data", "backward weight"};
                for (int i = 0; i < 3; i++) {
                    ErrorBound.Worst e = ErrorBound.worstRatio(got[i].toFloatArray(), twist.apply(want[i]).toDoubleArray(), scale[i].toDoubleArray());
                    double tol = ErrorBound.float32SumBound(terms[i]);
                    if (e.ratio() / tol > worstScore) {
                        worstScore = e.ratio() / tol;
                        worstRatio = e.ratio();
                        worstTol = tol;
                        worstWhere = passes[i] + " on " + tag + (e.ratio() <= tol ? "" : "; " + e.where());
                    }
                }
            }
        }
        String host = BackendStepCheck.hostOps(before);
        if (!host.equals("none")) return SelfTestResult.fail(name, "ran on the host instead of " + device + ": " + host);
        return SelfTestResult.compare(name, worstRatio, worstTol, cases.length + " shapes on " + device + ", y and dx channels-last, dw contiguous; worst: "
                + worstWhere);
    }

    /** host [N, C, D, H, W] -> on {@code device}, stored [N, D, H, W, C], seen as [N, C, D, H, W]. */
    private static Tensor channelsLast(Tensor host, Device device) {
        try (Tensor stored = host.permute(0, 2, 3, 4, 1).contiguous(); Tensor dev = stored.to(device)) {
            return dev.permute(0, 4, 1, 2, 3);
        }
    }

    private static boolean dense(Tensor t) {
        return MemoryFormat.CHANNELS_LAST.isDense(t) && t.memoryFormat() == MemoryFormat.CHANNELS_LAST;
    }
}
