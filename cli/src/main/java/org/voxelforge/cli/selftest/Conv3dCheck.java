package org.voxelforge.cli.selftest;

import java.util.Arrays;
import org.voxelforge.core.Backend;
import org.voxelforge.core.Backends;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/**
 * The CPU conv3d in float32 (packed GEMMs, {@code CpuConv3d}) against the same op in float64,
 * which runs the direct loops ({@code Conv3dDirect}): forward, backward data and backward
 * weight. Each element's error is measured against the same convolution of absolute values
 * (the sum of |terms|, {@link ErrorBound}); the result is the worst of the three passes.
 */
final class Conv3dCheck {
    private Conv3dCheck() {}

    /** x [n, cin, d, h, w], weight [cout, cin/groups, k, k, k]. */
    record Case(int n, int cin, int cout, int[] spatial, int k, Conv3dParams p) {
        String label() {
            return "cpu conv3d " + n + "x" + cin + "x" + spatial[0] + "x" + spatial[1] + "x" + spatial[2] + " -> " + cout + " k" + k
                    + " s" + compact(p.stride()) + " p" + compact(p.padding()) + " d" + compact(p.dilation()) + (p.groups() > 1 ? " g" + p.groups() : "");
        }

        private static String compact(int[] v) {
            return v[0] == v[1] && v[1] == v[2] ? Integer.toString(v[0]) : Arrays.toString(v).replace(" ", "");
        }
    }

    static SelfTestCheck of(Case c, long seed) {
        String name = c.label();
        return SelfTestCheck.of(name, () -> run(name, c, seed));
    }

    private static SelfTestResult run(String name, Case c, long seed) {
        Backend cpu = Backends.cpu();
        try (TensorScope scope = new TensorScope()) {
            RandomGenerator rng = new RandomGenerator(seed);
            int cg = c.cin() / c.p().groups(), og = c.cout() / c.p().groups();
            Tensor x = rng.uniform(-1, 1, c.n(), c.cin(), c.spatial()[0], c.spatial()[1], c.spatial()[2]);
            Tensor w = rng.uniform(-1, 1, c.cout(), cg, c.k(), c.k(), c.k());
            Tensor b = rng.uniform(-1, 1, c.cout());
            Tensor x64 = x.cast(DType.FLOAT64), w64 = w.cast(DType.FLOAT64), b64 = b.cast(DType.FLOAT64);
            Tensor ax = x64.abs(), aw = w64.abs(), ab = b64.abs();
            int kvol = c.k() * c.k() * c.k();

            Tensor y = cpu.conv3d(x, w, b, c.p());
            ErrorBound.Worst fwd = ErrorBound.worstRatio(y.toFloatArray(), cpu.conv3d(x64, w64, b64, c.p()).toDoubleArray(),
                    cpu.conv3d(ax, aw, ab, c.p()).toDoubleArray());
            double fwdTol = ErrorBound.float32SumBound((long) cg * kvol + 1);

            Tensor gy = rng.uniform(-1, 1, y.dims());
            Tensor gy64 = gy.cast(DType.FLOAT64), agy = gy64.abs();
            Shape xs = x.shape(), ws = w.shape();
            ErrorBound.Worst data = ErrorBound.worstRatio(cpu.conv3dBackwardData(gy, w, xs, c.p()).toFloatArray(),
                    cpu.conv3dBackwardData(gy64, w64, xs, c.p()).toDoubleArray(), cpu.conv3dBackwardData(agy, aw, xs, c.p()).toDoubleArray());
            double dataTol = ErrorBound.float32SumBound((long) og * kvol);

            long outVoxels = (long) y.dim(2) * y.dim(3) * y.dim(4);
            ErrorBound.Worst weight = ErrorBound.worstRatio(cpu.conv3dBackwardWeight(gy, x, ws, c.p()).toFloatArray(),
                    cpu.conv3dBackwardWeight(gy64, x64, ws, c.p()).toDoubleArray(), cpu.conv3dBackwardWeight(agy, ax, ws, c.p()).toDoubleArray());
            double weightTol = ErrorBound.float32SumBound(c.n() * outVoxels);

            // the three passes have different tolerances: report the one closest to (or past) its limit
            String[] passes = {"forward", "backward data", "backward weight"};
            ErrorBound.Worst[] worst = {fwd, data, weight};
            double[] tol = {fwdTol, dataTol, weightTol};
            int pick = 0;
            for (int i = 1; i < 3; i++) if (worst[i].ratio() / tol[i] > worst[pick].ratio() / tol[pick]) pick = i;
            boolean ok = worst[pick].ratio() <= tol[pick];
            String detail = "worst pass: " + passes[pick] + (ok ? "" : "; " + worst[pick].where());
            return SelfTestResult.compare(name, worst[pick].ratio(), tol[pick], detail);
        }
    }
}
