package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.core.cuda.BackendParityContract.same;

import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.voxelforge.core.Backend;
import org.voxelforge.core.Backends;
import org.voxelforge.core.Device;
import org.voxelforge.core.Tensor;

/**
 * CudaBackend.groupNormAct and groupNormActBackward on channels-last tensors (an [N, D, H, W, C]
 * block seen as [N, C, D, H, W]) on the emulator against the CPU backend on the same values in
 * NCDHW: results within 2e-5 (forward) and 5e-5 (backward) of (1 + |want|), like
 * BackendParityContract, and y, dx channels-last as x was. Host fallbacks are errors, so the NDHWC
 * kernels must really run.
 */
class EmulatedChannelsLastGroupNormBackendTest {
    private final SplittableRandom rnd = new SplittableRandom(13);
    private Backend cuda;

    @RegisterExtension final StrictEmulator emulator = new StrictEmulator();

    @BeforeEach void setUp() {
        cuda = CudaBackend.emulated();
    }

    private Tensor randn(double mean, int... dims) {
        int n = 1;
        for (int d : dims) n *= d;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (mean + rnd.nextGaussian());
        return Tensor.of(v, dims);
    }

    /** host [N, C, D, H, W] -> on the emulator, stored [N, D, H, W, C], seen as [N, C, D, H, W]. */
    private static Tensor channelsLast(Tensor host) {
        try (Tensor stored = host.permute(0, 2, 3, 4, 1).contiguous(); Tensor dev = stored.to(Device.EMULATOR)) {
            return dev.permute(0, 4, 1, 2, 3);
        }
    }

    private static long[] channelsLastStrides(Tensor t) {
        int[] d = t.dims();
        long s = (long) d[2] * d[3] * d[4];
        return new long[] {s * d[1], 1, (long) d[3] * d[4] * d[1], (long) d[4] * d[1], d[1]};
    }

    @Test void channelsLastMatchesTheCpuAndStaysChannelsLast() {
        int n = 2, c = 6;
        for (int groups : new int[] {1, 2, c}) {
            for (double slope : new double[] {1, 0.01, 0}) {
                for (boolean affine : new boolean[] {true, false}) {
                    check(n, c, new int[] {3, 4, 5}, groups, slope, affine);
                }
            }
        }
        check(1, 3, new int[] {13, 14, 15}, 3, 0.01, true); // 2730 voxels: several voxel chunks
    }

    private void check(int n, int c, int[] sp, int groups, double slope, boolean affine) {
        String what = "channels-last groupNormAct N=" + n + " C=" + c + " groups " + groups + " slope " + slope + " affine " + affine;
        Tensor x = randn(0.5, n, c, sp[0], sp[1], sp[2]), dy = randn(0, n, c, sp[0], sp[1], sp[2]);
        Tensor g = affine ? randn(1, c) : null, b = affine ? randn(0, c) : null;
        Tensor dx = channelsLast(x), ddy = channelsLast(dy);
        Tensor dg = g == null ? null : g.to(Device.EMULATOR), db = b == null ? null : b.to(Device.EMULATOR);
        assertArrayEquals(channelsLastStrides(dx), dx.strides(), what + ": the test's input must be channels-last");

        Tensor[] want = Backends.cpu().groupNormAct(x, g, b, groups, 1e-5, slope);
        Tensor[] got = cuda.groupNormAct(dx, dg, db, groups, 1e-5, slope);
        for (int i = 0; i < 3; i++) same(what + " output " + i, want[i], got[i], 2e-5);
        assertArrayEquals(channelsLastStrides(dx), got[0].strides(), what + ": y strides");

        Tensor[] wantB = Backends.cpu().groupNormActBackward(x, dy, g, b, want[1], want[2], groups, slope);
        Tensor[] gotB = cuda.groupNormActBackward(dx, ddy, dg, db, got[1], got[2], groups, slope);
        for (int i = 0; i < 3; i++) {
            if (wantB[i] == null) assertNull(gotB[i], what + " backward " + i);
            else same(what + " backward " + i, wantB[i], gotB[i], 5e-5);
        }
        assertArrayEquals(channelsLastStrides(dx), gotB[0].strides(), what + ": dx strides");
    }

    /** x channels-last but dy dense NCDHW: x's format decides, dy is brought into it, dx comes back channels-last. */
    @Test void mixedLayoutsFollowX() {
        Tensor x = randn(0.5, 2, 6, 3, 4, 5), dy = randn(0, 2, 6, 3, 4, 5), g = randn(1, 6), b = randn(0, 6);
        Tensor dx = channelsLast(x), ddy = dy.to(Device.EMULATOR), dg = g.to(Device.EMULATOR), db = b.to(Device.EMULATOR);
        Tensor[] want = Backends.cpu().groupNormAct(x, g, b, 2, 1e-5, 0.01);
        Tensor[] got = cuda.groupNormAct(dx, dg, db, 2, 1e-5, 0.01);
        Tensor[] wantB = Backends.cpu().groupNormActBackward(x, dy, g, b, want[1], want[2], 2, 0.01);
        Tensor[] gotB = cuda.groupNormActBackward(dx, ddy, dg, db, got[1], got[2], 2, 0.01);
        for (int i = 0; i < 3; i++) same("mixed layouts backward " + i, wantB[i], gotB[i], 5e-5);
        assertArrayEquals(channelsLastStrides(dx), gotB[0].strides(), "dx follows x's channels-last layout");
    }
}
