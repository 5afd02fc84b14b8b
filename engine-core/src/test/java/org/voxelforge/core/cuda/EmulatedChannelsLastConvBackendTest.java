package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.core.cuda.EmulatedConvKernelsTest.assertClose;

import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.voxelforge.core.Backend;
import org.voxelforge.core.Backends;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.Conv3dTest.Case;
import org.voxelforge.core.ConvTranspose3d;
import org.voxelforge.core.DType;
import org.voxelforge.core.Device;
import org.voxelforge.core.MemoryFormat;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;

/**
 * CudaBackend.conv3d, conv3dBackwardData and conv3dBackwardWeight on channels-last activations (an
 * [N, D, H, W, C] block seen as [N, C, D, H, W]) on the emulator, which runs conv3d.cuh with
 * CL = 1: against the CPU backend in float64 on the same float values (tolerance 1e-5 of the
 * output's scale, EmulatedConvKernelsTest's), y and dx channels-last as their input, dw contiguous.
 * The kernels read NDHWC through other addresses but sum in the same order, so the channels-last
 * results must also equal the NCDHW results of the same backend bit for bit. Host fallbacks are
 * errors, so the device path must really run.
 */
class EmulatedChannelsLastConvBackendTest {
    private static final Backend CPU = Backends.cpu();
    private final SplittableRandom rnd = new SplittableRandom(41);
    private Backend cuda;

    @RegisterExtension final StrictEmulator emulator = new StrictEmulator();

    @BeforeEach void setUp() {
        cuda = CudaBackend.emulated();
    }

    /** Uniform [-1, 1) float32 values as a host tensor. */
    private Tensor uniform(int... dims) {
        float[] v = new float[Math.toIntExact(Shape.of(dims).numel())];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextDouble() * 2 - 1);
        return Tensor.of(v, dims);
    }

    /** The same values in float64, for the exact CPU reference. */
    private static Tensor wide(Tensor t) { return t.backend().cast(t, DType.FLOAT64); }

    /** host [N, C, D, H, W] -> on the emulator, stored [N, D, H, W, C], seen as [N, C, D, H, W]. */
    private static Tensor channelsLast(Tensor host) {
        try (Tensor stored = host.permute(0, 2, 3, 4, 1).contiguous(); Tensor dev = stored.to(Device.EMULATOR)) {
            return dev.permute(0, 4, 1, 2, 3);
        }
    }

    private static void assertChannelsLast(String what, Tensor t) {
        assertTrue(MemoryFormat.CHANNELS_LAST.isDense(t) && t.memoryFormat() == MemoryFormat.CHANNELS_LAST,
                what + " must be dense channels-last, strides " + java.util.Arrays.toString(t.strides()));
    }

    private static void assertBitIdentical(String what, Tensor want, Tensor got) {
        assertArrayEquals(want.toFloatArray(), got.toFloatArray(), what + ": channels-last and NCDHW must agree bit for bit");
    }

    /** The three passes in channels-last against the CPU, and against the same backend's NCDHW results. */
    private void check(Case c) {
        Shape ys = c.p().checkForward("test", Shape.of(c.x()), Shape.of(c.w()), null);
        String what = "channels-last conv3d " + c.name() + " x " + Shape.of(c.x()) + " w " + Shape.of(c.w()) + " " + c.p();
        Tensor x = uniform(c.x()), w = uniform(c.w()), b = c.bias() ? uniform(c.w()[0]) : null, dy = uniform(ys.dims());
        Tensor xl = channelsLast(x), dyl = channelsLast(dy), wd = w.to(Device.EMULATOR), bd = b == null ? null : b.to(Device.EMULATOR);
        Tensor xn = x.to(Device.EMULATOR), dyn = dy.to(Device.EMULATOR);
        assertChannelsLast(what + ": the test's x", xl);

        Tensor y = cuda.conv3d(xl, wd, bd, c.p());
        assertClose(what + " forward", CPU.conv3d(wide(x), wide(w), b == null ? null : wide(b), c.p()).toDoubleArray(), y.toFloatArray());
        assertChannelsLast(what + ": y", y);
        Tensor yn = cuda.conv3d(xn, wd, bd, c.p());
        assertTrue(yn.isContiguous(), what + ": an NCDHW x gives an NCDHW y");
        assertBitIdentical(what + " forward", yn, y);

        Tensor dx = cuda.conv3dBackwardData(dyl, wd, Shape.of(c.x()), c.p());
        assertClose(what + " backward data", CPU.conv3dBackwardData(wide(dy), wide(w), Shape.of(c.x()), c.p()).toDoubleArray(), dx.toFloatArray());
        assertChannelsLast(what + ": dx", dx);
        assertBitIdentical(what + " backward data", cuda.conv3dBackwardData(dyn, wd, Shape.of(c.x()), c.p()), dx);

        Tensor dw = cuda.conv3dBackwardWeight(dyl, xl, Shape.of(c.w()), c.p());
        assertClose(what + " backward weight", CPU.conv3dBackwardWeight(wide(dy), wide(x), Shape.of(c.w()), c.p()).toDoubleArray(),
                dw.toFloatArray());
        assertTrue(dw.isContiguous(), what + ": dw is contiguous [Cout, Cin/groups, k...]");
        assertBitIdentical(what + " backward weight", cuda.conv3dBackwardWeight(dyn, xn, Shape.of(c.w()), c.p()), dw);
    }

    /** Conv3dTest's shapes: stride 2 with padding, dilation, anisotropic, groups, depthwise, 1x1x1, bias and none, several tiles. */
    @Test void everyConv3dTestCaseMatchesTheCpuAndStaysChannelsLast() {
        for (Case c : EmulatedConvKernelsTest.CASES) check(c);
    }

    /**
     * gradY a channel slice of a wider channels-last tensor (what concat's backward hands a decoder
     * convolution): channels-last but not dense, so it is copied into a dense channels-last buffer,
     * and dx comes back channels-last; as backward weight's gradY it is copied the same way.
     */
    @Test void aNonDenseChannelsLastGradYIsCopiedAndStaysChannelsLast() {
        Conv3dParams p = Conv3dParams.of(2, 1);
        int[] xd = {2, 3, 7, 6, 5}, wdims = {5, 3, 3, 3, 3};
        Shape ys = p.checkForward("test", Shape.of(xd), Shape.of(wdims), null);
        Tensor x = uniform(xd), w = uniform(wdims), wider = uniform(ys.dim(0), ys.dim(1) + 4, ys.dim(2), ys.dim(3), ys.dim(4));
        Tensor dy = wider.slice(1, 1, 1 + ys.dim(1)), dyl = channelsLast(wider).slice(1, 1, 1 + ys.dim(1));
        assertEquals(MemoryFormat.CHANNELS_LAST, dyl.memoryFormat(), "the slice strides like channels-last");
        assertFalse(MemoryFormat.CHANNELS_LAST.isDense(dyl), "the slice is not dense");
        Tensor wd = w.to(Device.EMULATOR);

        Tensor dx = cuda.conv3dBackwardData(dyl, wd, Shape.of(xd), p);
        assertClose("sliced gradY backward data", CPU.conv3dBackwardData(wide(dy), wide(w), Shape.of(xd), p).toDoubleArray(), dx.toFloatArray());
        assertChannelsLast("sliced gradY: dx", dx);

        Tensor dw = cuda.conv3dBackwardWeight(dyl, channelsLast(x), Shape.of(wdims), p);
        assertClose("sliced gradY backward weight", CPU.conv3dBackwardWeight(wide(dy), wide(x), Shape.of(wdims), p).toDoubleArray(),
                dw.toFloatArray());
        assertTrue(dw.isContiguous(), "sliced gradY: dw contiguous");
    }

    /** Mixed formats follow PyTorch's rule: x decides forward and backward weight, gradY decides backward data. */
    @Test void theLeadingOperandDecidesTheFormat() {
        Conv3dParams p = Conv3dParams.of(1, 1);
        int[] xd = {1, 4, 5, 4, 3}, wdims = {6, 4, 3, 3, 3};
        Tensor x = uniform(xd), w = uniform(wdims), dy = uniform(1, 6, 5, 4, 3);
        Tensor wd = w.to(Device.EMULATOR);

        Tensor dwMixed = cuda.conv3dBackwardWeight(dy.to(Device.EMULATOR), channelsLast(x), Shape.of(wdims), p);
        assertClose("x channels-last, gradY NCDHW: backward weight",
                CPU.conv3dBackwardWeight(wide(dy), wide(x), Shape.of(wdims), p).toDoubleArray(), dwMixed.toFloatArray());
        assertTrue(dwMixed.isContiguous(), "dw contiguous");

        Tensor dx = cuda.conv3dBackwardData(dy.to(Device.EMULATOR), wd, Shape.of(xd), p);
        assertTrue(dx.isContiguous(), "an NCDHW gradY gives an NCDHW dx");
        Tensor dxl = cuda.conv3dBackwardData(channelsLast(dy), wd, Shape.of(xd), p);
        assertChannelsLast("a channels-last gradY gives a channels-last dx", dxl);
        assertBitIdentical("backward data", dx, dxl);

        // a weight that is a strided view (a transposed parameter) is made dense, whatever the format
        Tensor wt = w.permute(1, 0, 2, 3, 4).contiguous().to(Device.EMULATOR).permute(1, 0, 2, 3, 4);
        Tensor y = cuda.conv3d(channelsLast(x), wt, null, p);
        assertClose("strided weight", CPU.conv3d(wide(x), wide(w), null, p).toDoubleArray(), y.toFloatArray());
        assertChannelsLast("strided weight: y", y);
    }

    /**
     * The launchers directly, with backward weight cut into several splits (the backend uses the
     * launcher's own count): NDHWC buffers (the NCDHW ones transposed) give the NCDHW results,
     * transposed, bit for bit; the geometry says channels-last in its messages.
     */
    @Test void theLaunchersTakeTheLayoutFromTheGeometry() {
        ConvKernels conv = new ConvKernels(EmulatorTests.emulator());
        int[] xd = {2, 5, 5, 6, 5}, wdims = {6, 5, 2, 2, 2};
        Conv3dParams p = Conv3dParams.of(1, 1);
        ConvKernels.Geometry ncdhw = ConvKernels.Geometry.of("test", xd, wdims, p);
        ConvKernels.Geometry ndhwc = ConvKernels.Geometry.of("test", xd, wdims, p, MemoryFormat.CHANNELS_LAST);
        assertTrue(ndhwc.toString().endsWith("channels-last"), ndhwc.toString());
        int[] yd = {2, 6, ncdhw.out()[0], ncdhw.out()[1], ncdhw.out()[2]};
        Tensor x = uniform(xd), w = uniform(wdims), b = uniform(6), dy = uniform(yd);
        int splits = 3;
        assertTrue(ConvKernels.effectiveSplits(ncdhw, splits) > 1, "several splits");
        try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            float[][] out = new float[2][];
            float[][] outDx = new float[2][], outDw = new float[2][];
            for (int layout = 0; layout < 2; layout++) {
                ConvKernels.Geometry geo = layout == 0 ? ncdhw : ndhwc;
                var px = EmulatorTests.floats(a, layout == 0 ? x.toFloatArray() : stored(x));
                var pdy = EmulatorTests.floats(a, layout == 0 ? dy.toFloatArray() : stored(dy));
                var pw = EmulatorTests.floats(a, w.toFloatArray()); var pb = EmulatorTests.floats(a, b.toFloatArray());
                var py = a.allocate(4 * geo.yNumel()); var pdx = a.allocate(4 * geo.xNumel()); var pdw = a.allocate(4 * geo.wNumel());
                var scratch = a.allocate(4 * ConvKernels.effectiveSplits(geo, splits) * geo.wNumel());
                conv.forward(geo, px.address(), pw.address(), pb.address(), py.address(), 0);
                conv.backwardData(geo, pdy.address(), pw.address(), pdx.address(), 0);
                conv.backwardWeight(geo, pdy.address(), px.address(), pdw.address(), scratch.address(), splits, 0);
                out[layout] = EmulatorTests.floats(py);
                outDx[layout] = EmulatorTests.floats(pdx);
                outDw[layout] = EmulatorTests.floats(pdw);
            }
            assertArrayEquals(out[0], logical(out[1], yd), "forward: NDHWC is NCDHW transposed");
            assertArrayEquals(outDx[0], logical(outDx[1], xd), "backward data: NDHWC is NCDHW transposed");
            assertArrayEquals(outDw[0], outDw[1], "backward weight in " + splits + " splits: the same dw");
        }
    }

    /** t's values in NDHWC order. */
    private static float[] stored(Tensor t) {
        try (Tensor s = t.permute(0, 2, 3, 4, 1).contiguous()) { return s.toFloatArray(); }
    }

    /** NDHWC values of an [N, C, D, H, W] tensor back in NCDHW order. */
    private static float[] logical(float[] ndhwc, int[] dims) {
        try (Tensor s = Tensor.of(ndhwc, dims[0], dims[2], dims[3], dims[4], dims[1]); Tensor l = s.permute(0, 4, 1, 2, 3).contiguous()) {
            return l.toFloatArray();
        }
    }

    /** ConvTranspose3d is conv3dBackwardData plus a bias add: a channels-last x gives a channels-last y. */
    @Test void convTransposeOfAChannelsLastInputStaysChannelsLast() {
        for (Conv3dParams p : new Conv3dParams[] {Conv3dParams.of(2, 0), Conv3dParams.of(2, 1).withGroups(2)}) {
            int[] xd = {2, 4, 3, 4, 3}, wdims = {4, 3, 2, 2, 2};
            Tensor x = uniform(xd), w = uniform(wdims), b = uniform(3 * p.groups());
            Tensor y = ConvTranspose3d.forward(channelsLast(x), w.to(Device.EMULATOR), b.to(Device.EMULATOR), p);
            Tensor want = ConvTranspose3d.forward(wide(x), wide(w), wide(b), p);
            assertEquals(want.shape(), y.shape(), "convTranspose3d " + p + ": shape");
            assertClose("convTranspose3d " + p, want.toDoubleArray(), y.toFloatArray());
            assertChannelsLast("convTranspose3d " + p + ": y", y);
        }
    }
}
