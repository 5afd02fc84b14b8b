package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.core.cuda.BackendParityContract.same;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.voxelforge.core.Backend;
import org.voxelforge.core.Backends;
import org.voxelforge.core.Device;
import org.voxelforge.core.MaxPool3dResult;
import org.voxelforge.core.MemoryFormat;
import org.voxelforge.core.Pool3dParams;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.UpsampleMode;

/**
 * CudaBackend's pooling and resizing on channels-last tensors (an [N, D, H, W, C] block seen as
 * [N, C, D, H, W]) on the emulator, forward and backward, against the CPU backend on the same
 * logical values: max pool values, indices and backward exactly, the others within
 * BackendParityContract's tolerances. Every result must come back channels-last (forward: x's
 * format, backward: gradY's), and must equal, bit for bit, the same op on the NCDHW copy (the
 * NDHWC kernels make the same float operations in the same order), whose results stay NCDHW. Host
 * fallbacks are errors, so the kernels must really run.
 */
class EmulatedChannelsLastPoolBackendTest {
    private final SplittableRandom rnd = new SplittableRandom(31);
    private Backend cuda;

    @RegisterExtension final StrictEmulator emulator = new StrictEmulator();

    @BeforeEach void setUp() {
        cuda = CudaBackend.emulated();
    }

    /** Gaussian times 10^{-1, 0, 1}, never zero (BackendParityContract's inputs). */
    private Tensor randn(int... dims) {
        float[] v = new float[Math.toIntExact(Shape.of(dims).numel())];
        for (int i = 0; i < v.length; i++) {
            double x = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-1, 2));
            v[i] = (float) (x == 0 ? 0.5 : x);
        }
        return Tensor.of(v, dims);
    }

    /** Max pool input: eighths (ties, -0 and +0) with a few NaNs and infinities. */
    private Tensor ties(int... dims) {
        float[] v = new float[Math.toIntExact(Shape.of(dims).numel())];
        for (int i = 0; i < v.length; i++) {
            double u = rnd.nextDouble();
            v[i] = u < 0.02 ? Float.NaN : u < 0.03 ? Float.NEGATIVE_INFINITY : u < 0.06 ? -0f : (float) (rnd.nextInt(-8, 9) / 8.0);
        }
        return Tensor.of(v, dims);
    }

    /**
     * host [N, C, D, H, W] -> on the emulator, stored [N, D, H, W, C], seen as [N, C, D, H, W]. Its
     * memoryFormat() is CHANNELS_LAST unless it is dense in both formats (C = 1 or one voxel), where
     * it is CONTIGUOUS (PyTorch's suggest_memory_format) and so are the op's results.
     */
    private static Tensor channelsLast(Tensor host) {
        try (Tensor dev = host.to(Device.EMULATOR)) {
            Tensor t = dev.contiguous(MemoryFormat.CHANNELS_LAST);
            assertTrue(MemoryFormat.CHANNELS_LAST.isDense(t) && (t.isContiguous() || t.memoryFormat() == MemoryFormat.CHANNELS_LAST),
                    "the test's input must be channels-last, strides " + Arrays.toString(t.strides()));
            return t;
        }
    }

    private static Tensor ncdhw(Tensor host) { return host.to(Device.EMULATOR); }

    /** Dense channels-last; memoryFormat() says so unless t is dense in both formats (one voxel per plane, or C = 1). */
    private static void isChannelsLast(String what, Tensor t) {
        if (!t.isContiguous()) {
            assertEquals(MemoryFormat.CHANNELS_LAST, t.memoryFormat(), what + ": memory format, strides " + Arrays.toString(t.strides()));
        }
        assertTrue(MemoryFormat.CHANNELS_LAST.isDense(t), what + ": dense channels-last, strides " + Arrays.toString(t.strides()));
    }

    /**
     * op on the CPU (want), on the channels-last device copy (got: within tol, in the input's
     * format) and on the NCDHW device copy (contiguous, and bit-identical to got).
     */
    private void check(String what, Tensor host, Function<Tensor, Tensor> op, double tol) {
        Tensor in = channelsLast(host);
        Tensor want = op.apply(host), got = op.apply(in), dense = op.apply(ncdhw(host));
        same(what + " channels-last vs cpu", want, got, tol);
        if (in.memoryFormat() == MemoryFormat.CHANNELS_LAST) isChannelsLast(what, got);
        else assertTrue(got.isContiguous(), what + ": an input dense in both formats gives a contiguous result");
        assertTrue(dense.isContiguous(), what + ": the NCDHW input's result stays NCDHW");
        same(what + " channels-last vs NCDHW", dense, got, 0);
    }

    static final Pool3dParams[] POOLS = {
            Pool3dParams.of(2, 2, 0),
            Pool3dParams.of(3, 2, 1),
            new Pool3dParams(new int[] {3, 2, 3}, new int[] {1, 2, 2}, new int[] {1, 1, 0}),
    };

    @Test void maxPoolValuesIndicesAndBackwardAreExactAndChannelsLast() {
        for (int[] dims : new int[][] {{2, 3, 5, 6, 7}, {1, 5, 4, 3, 6}}) {
            Tensor x = ties(dims);
            for (Pool3dParams p : POOLS) {
                String what = "maxPool3d " + Arrays.toString(dims) + " " + p;
                MaxPool3dResult want = Backends.cpu().maxPool3d(x, p), got = cuda.maxPool3d(channelsLast(x), p);
                MaxPool3dResult dense = cuda.maxPool3d(ncdhw(x), p);
                same(what + " values", want.values(), got.values(), 0);
                same(what + " indices", want.indices(), got.indices(), 0);
                isChannelsLast(what + " values", got.values());
                isChannelsLast(what + " indices", got.indices());
                assertTrue(dense.values().isContiguous() && dense.indices().isContiguous(), what + ": NCDHW stays NCDHW");
                same(what + " NCDHW values", want.values(), dense.values(), 0);
                same(what + " NCDHW indices", want.indices(), dense.indices(), 0);

                Tensor gy = randn(want.values().dims());
                Tensor gxWant = Backends.cpu().maxPool3dBackward(gy, want.indices(), x.shape(), p);
                Tensor gx = cuda.maxPool3dBackward(channelsLast(gy), got.indices(), x.shape(), p);
                same(what + " backward", gxWant, gx, 0);
                isChannelsLast(what + " backward", gx);
                Tensor gxDense = cuda.maxPool3dBackward(ncdhw(gy), dense.indices(), x.shape(), p);
                assertTrue(gxDense.isContiguous(), what + ": NCDHW backward stays NCDHW");
                same(what + " NCDHW backward", gxWant, gxDense, 0);

                // mixed: the indices are read in gradY's format whatever theirs
                Tensor mixed = cuda.maxPool3dBackward(channelsLast(gy), dense.indices(), x.shape(), p);
                same(what + " backward, channels-last gradY, NCDHW indices", gxWant, mixed, 0);
                isChannelsLast(what + " backward, channels-last gradY, NCDHW indices", mixed);
                Tensor mixed2 = cuda.maxPool3dBackward(ncdhw(gy), got.indices(), x.shape(), p);
                same(what + " backward, NCDHW gradY, channels-last indices", gxWant, mixed2, 0);
                assertTrue(mixed2.isContiguous(), what + ": NCDHW gradY gives an NCDHW gradient");
            }
        }
    }

    @Test void avgPoolForwardAndBackwardMatchTheCpuChannelsLast() {
        Tensor x = randn(2, 3, 5, 6, 7);
        for (Pool3dParams p : POOLS) {
            Tensor gy = randn(p.checkForward("test", x.shape()).dims());
            for (boolean inc : new boolean[] {true, false}) {
                check("avgPool3d " + p + " countIncludePad " + inc, x, t -> t.backend().avgPool3d(t, p, inc), 1e-6);
                check("avgPool3dBackward " + p + " countIncludePad " + inc, gy,
                        t -> t.backend().avgPool3dBackward(t, x.shape(), p, inc), 1e-6);
            }
        }
    }

    @Test void adaptiveAvgPoolForwardAndBackwardMatchTheCpuChannelsLast() {
        Tensor x = randn(2, 3, 5, 6, 7);
        for (int[] out : new int[][] {{2, 4, 3}, {7, 9, 5}, {1, 1, 1}}) {
            String what = "adaptiveAvgPool3d -> " + Arrays.toString(out);
            check(what, x, t -> t.backend().adaptiveAvgPool3d(t, out), 1e-6);
            check(what + " backward", randn(2, 3, out[0], out[1], out[2]), t -> t.backend().adaptiveAvgPool3dBackward(t, x.shape()), 1e-6);
        }
    }

    @Test void upsampleForwardAndBackwardMatchTheCpuChannelsLastInEveryMode() {
        Tensor x = randn(2, 3, 5, 6, 7);
        for (int[] out : new int[][] {{10, 12, 14}, {10, 9, 14}, {3, 4, 5}}) {
            for (UpsampleMode mode : UpsampleMode.values()) {
                for (boolean corners : new boolean[] {false, true}) {
                    if (mode == UpsampleMode.NEAREST && corners) continue;
                    String what = "upsample3d -> " + Arrays.toString(out) + " " + mode + " alignCorners " + corners;
                    check(what, x, t -> t.backend().upsample3d(t, out, mode, corners), 1e-6);
                    check(what + " backward", randn(2, 3, out[0], out[1], out[2]),
                            t -> t.backend().upsample3dBackward(t, x.shape(), mode, corners), 1e-5);
                }
            }
        }
    }

    /** A channel slice of a channels-last tensor (concat's backward hands such views on): channels-last but not dense. */
    @Test void aChannelsLastSliceIsPackedAndStaysChannelsLast() {
        Tensor host = randn(2, 5, 4, 6, 5);
        Tensor slice = channelsLast(host).slice(1, 1, 4), hostSlice = host.slice(1, 1, 4).contiguous();
        assertEquals(MemoryFormat.CHANNELS_LAST, slice.memoryFormat());
        assertFalse(MemoryFormat.CHANNELS_LAST.isDense(slice), "the slice must not be dense for this test");
        Pool3dParams p = Pool3dParams.of(2, 2, 0);
        Tensor y = cuda.avgPool3d(slice, p, true);
        same("avgPool3d of a channels-last slice", Backends.cpu().avgPool3d(hostSlice, p, true), y, 1e-6);
        isChannelsLast("avgPool3d of a channels-last slice", y);
        Tensor up = cuda.upsample3d(slice, new int[] {8, 12, 10}, UpsampleMode.TRILINEAR, false);
        same("upsample3d of a channels-last slice", Backends.cpu().upsample3d(hostSlice, new int[] {8, 12, 10}, UpsampleMode.TRILINEAR, false),
                up, 1e-6);
        isChannelsLast("upsample3d of a channels-last slice", up);
    }
}
