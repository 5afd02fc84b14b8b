package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.BinaryOp;
import org.voxelforge.core.Conv3dParams;
import org.voxelforge.core.DType;
import org.voxelforge.core.Device;
import org.voxelforge.core.MaxPool3dResult;
import org.voxelforge.core.PadMode;
import org.voxelforge.core.Pool3dParams;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.ReduceOp;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.UnaryOp;
import org.voxelforge.core.UpsampleMode;

/**
 * Every {@link org.voxelforge.core.Backend} op through {@link Tensor} on a CUDA-backend device
 * against the same op on the CPU, on random inputs (never zeros) and non-contiguous views; the
 * subclasses run it on the emulator (in CI) and on a GPU (tag gpu). Ops with kernels must not fall
 * back to the host: they run under {@code -Dvoxelforge.cuda.hostFallback=error}.
 *
 * <p>Tolerances: exact for data movement, comparisons, max/min/arg ops, +, -, *, /; float32
 * accumulation-order differences (reductions, softmax, norms, conv) and transcendental ulps within
 * {@code 2e-5 * (1 + |want|)}, relative to the row scale where sums cancel.
 */
abstract class BackendParityContract {
    private final SplittableRandom rnd = new SplittableRandom(77);
    private TensorScope scope;
    private String oldPolicy;

    abstract Device device();

    @BeforeEach void scope() {
        scope = new TensorScope();
        oldPolicy = System.getProperty("voxelforge.cuda.hostFallback");
        System.setProperty("voxelforge.cuda.hostFallback", "error");
    }

    @AfterEach void close() {
        scope.close();
        if (oldPolicy == null) System.clearProperty("voxelforge.cuda.hostFallback");
        else System.setProperty("voxelforge.cuda.hostFallback", oldPolicy);
    }

    // ---- helpers ------------------------------------------------------------------------------

    Tensor randn(int... dims) {
        int n = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double x = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-1, 2));
            v[i] = (float) (x == 0 ? 0.5 : x);
        }
        return Tensor.of(v, dims);
    }

    Tensor dev(Tensor host) { return host.to(device()); }

    /** Device result equals the CPU one: same dtype, shape, values within tol * (1 + |want|) (NaN matches NaN). */
    static void same(String what, Tensor want, Tensor got, double tol) {
        assertEquals(want.dtype(), got.dtype(), what + ": dtype");
        assertEquals(want.shape(), got.shape(), what + ": shape");
        double[] w = want.toDoubleArray(), g = got.toDoubleArray();
        for (int i = 0; i < w.length; i++) {
            if (Double.isNaN(w[i]) || Double.isNaN(g[i])) {
                assertTrue(Double.isNaN(w[i]) && Double.isNaN(g[i]), what + " at " + i + ": want " + w[i] + ", got " + g[i]);
                continue;
            }
            if (tol == 0) {
                assertEquals(Double.doubleToLongBits(w[i] + 0.0), Double.doubleToLongBits(g[i] + 0.0), what + " at " + i + ": want " + w[i] + ", got " + g[i]);
            } else {
                assertEquals(w[i], g[i], tol * (1 + Math.abs(w[i])), what + " at " + i);
            }
        }
    }

    /** Like {@link #same}, within {@code tol} of the largest |want|: for sums whose terms cancel (convolutions). */
    static void sameScaled(String what, Tensor want, Tensor got, double tol) {
        assertEquals(want.dtype(), got.dtype(), what + ": dtype");
        assertEquals(want.shape(), got.shape(), what + ": shape");
        double[] w = want.toDoubleArray(), g = got.toDoubleArray();
        double scale = 0;
        for (double v : w) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < w.length; i++) assertEquals(w[i], g[i], tol * scale, what + " at " + i + " (scale " + scale + ")");
    }

    /** The op on a CPU input and on its device copy. */
    void check(String what, Tensor hostInput, Function<Tensor, Tensor> op, double tol) {
        Tensor want = op.apply(hostInput);
        Tensor got = op.apply(dev(hostInput));
        assertEquals(device(), got.device(), what + ": result device");
        same(what, want, got, tol);
    }

    void check2(String what, Tensor a, Tensor b, java.util.function.BiFunction<Tensor, Tensor, Tensor> op, double tol) {
        Tensor want = op.apply(a, b);
        Tensor got = op.apply(dev(a), dev(b));
        assertEquals(device(), got.device(), what + ": result device");
        same(what, want, got, tol);
    }

    static void allowFallback(Runnable r) {
        String old = System.getProperty("voxelforge.cuda.hostFallback");
        System.setProperty("voxelforge.cuda.hostFallback", "allow");
        try {
            r.run();
        } finally {
            System.setProperty("voxelforge.cuda.hostFallback", old);
        }
    }

    // ---- tensors on the device ---------------------------------------------------------------

    @Test void roundTripsEveryDtypeAndStridedViews() {
        for (DType dt : DType.values()) {
            Tensor h = randn(3, 4, 5).mul(3.0).cast(dt);
            Tensor d = dev(h);
            assertEquals(device(), d.device());
            same("round trip " + dt, h, d.to(Device.CPU), 0);
            Tensor view = h.permute(2, 0, 1).slice(0, 1, 4);
            same("strided upload " + dt, view.contiguous(), dev(view), 0);
            same("strided download " + dt, view.contiguous(), d.permute(2, 0, 1).slice(0, 1, 4).to(Device.CPU), 0);
        }
    }

    @Test void elementReadsCopyFromTheDeviceAndHostAccessFailsClearly() {
        Tensor h = randn(2, 3);
        Tensor d = dev(h);
        assertEquals(h.get(1, 2), d.get(1, 2));
        assertEquals(h.getFlat(4), d.getFlat(4));
        assertArrayEquals(h.toFloatArray(), d.toFloatArray());
        assertEquals(h.sum().item(), d.sum().item(), 1e-5 * (1 + Math.abs(h.sum().item())));
        IllegalStateException e = assertThrows(IllegalStateException.class, d::segment);
        assertTrue(e.getMessage().contains("to(Device.CPU)"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> d.set(1.0, 0, 0));
    }

    @Test void aCpuScalarJoinsADeviceOpButACpuTensorDoesNot() {
        Tensor h = randn(2, 3);
        Tensor d = dev(h);
        same("device * cpu scalar", h.mul(Tensor.scalar(3)), d.mul(Tensor.scalar(3)), 0);
        same("cpu scalar - device", Tensor.scalar(3).sub(h), Tensor.scalar(3).sub(d), 0);
        same("where with cpu scalar", Tensor.where(h.gt(Tensor.scalar(0)), h, Tensor.scalar(0)),
                Tensor.where(d.gt(Tensor.scalar(0)), d, Tensor.scalar(0)), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.add(h));
        assertTrue(e.getMessage().contains("different devices"), e.getMessage());
    }

    @Test void closingTensorsReturnsTheirBlocks() {
        CachingAllocator a = CudaBackend.class.cast(org.voxelforge.core.Backends.forDevice(device())).accelerator().allocator();
        long before = a.stats().allocatedBytes();
        try (TensorScope s = new TensorScope()) {
            Tensor d = dev(randn(64, 64));
            d.exp().add(d).sum();
        }
        assertEquals(before, a.stats().allocatedBytes(), "device bytes still allocated after the scope closed");
    }

    // ---- elementwise ---------------------------------------------------------------------------

    @Test void unaryOpsOnAPermutedView() {
        Tensor h = randn(3, 4, 5).permute(2, 0, 1);
        for (UnaryOp op : UnaryOp.values()) check("unary " + op, h, x -> x.unary(op), 2e-6);
    }

    @Test void binaryOpsBroadcastAndCompare() {
        Tensor a = randn(3, 1, 5), b = randn(4, 1).permute(1, 0).reshape(1, 4, 1);
        for (BinaryOp op : BinaryOp.values()) {
            check2("binary " + op, a, b, (x, y) -> x.binary(op, y), op == BinaryOp.POW ? 2e-6 : 0);
        }
    }

    @Test void whereClampLeakyRelu() {
        Tensor c = randn(3, 4).gt(0.0), a = randn(3, 4), b = randn(4);
        Tensor want = Tensor.where(c, a, b), got = Tensor.where(dev(c), dev(a), dev(b));
        same("where", want, got, 0);
        check("clamp", randn(5, 6), x -> x.clamp(-0.5, 0.7), 0);
        check("leakyRelu", randn(5, 6).permute(1, 0), x -> x.leakyRelu(0.01), 0);
    }

    // ---- reductions ----------------------------------------------------------------------------

    @Test void reductionsOverAxes() {
        Tensor h = randn(3, 4, 5, 6);
        for (ReduceOp op : ReduceOp.values()) {
            double tol = op == ReduceOp.MAX || op == ReduceOp.MIN ? 0 : 1e-5;
            Tensor in = op == ReduceOp.PROD ? h.tanh().add(1.0) : h;
            for (int[] axes : new int[][] {{}, {1}, {0, 2}, {3}, {1, 2, 3}}) {
                for (boolean keep : new boolean[] {false, true}) {
                    check("reduce " + op + " " + Arrays.toString(axes) + " keep " + keep, in, x -> x.reduce(op, keep, axes), tol);
                }
            }
        }
        check("argMax", h, x -> x.argmax(2, false), 0);
        check("argMin keep", h, x -> x.argmin(1, true), 0);
        check("variance", h, x -> x.variance(1, true, 2, 3), 1e-5);
        check("softmax", h.permute(0, 3, 1, 2), x -> x.softmax(1), 1e-6);
        check("logSoftmax", h, x -> x.logSoftmax(-1), 1e-6);
    }

    // ---- data movement -------------------------------------------------------------------------

    @Test void castCopyFillConcatPadFlip() {
        Tensor h = randn(2, 3, 4).mul(20.0);
        for (DType to : DType.values()) check("cast to " + to, h.permute(2, 1, 0), x -> x.cast(to), 0);
        Tensor dst = randn(4, 6), src = randn(6);
        Tensor dd = dev(dst);
        dst.slice(0, 1, 3).copy_(src);
        dd.slice(0, 1, 3).copy_(dev(src));
        same("copy_ into a slice", dst, dd, 0);
        Tensor src2 = randn(6);
        dst.slice(0, 3, 4).copy_(src2);
        dd.slice(0, 3, 4).copy_(src2); // from the host
        same("copy_ from the host into a slice", dst, dd, 0);
        Tensor ints = Tensor.zeros(DType.INT32, 3, 5);
        Tensor di = dev(ints);
        ints.slice(1, 1, 4).fill_(7);
        di.slice(1, 1, 4).fill_(7);
        same("fill_ int32 slice", ints, di, 0);
        Tensor a = randn(2, 3, 4), b = randn(2, 5, 4);
        same("concat", Tensor.concat(List.of(a, b), 1), Tensor.concat(List.of(dev(a), dev(b)), 1), 0);
        check("pad constant", h, x -> x.pad(new int[] {1, 0, 2}, new int[] {0, 2, 1}, PadMode.CONSTANT, -3.5), 0);
        check("flip", h.permute(1, 0, 2), x -> x.flip(0, 2), 0);
        check("contiguous", h.permute(2, 0, 1), Tensor::contiguous, 0);
    }

    @Test void oneHotOfNarrowLabelsAndItsError() {
        Tensor labels = Tensor.ofInts(new int[] {0, 2, 1, 2, 0, 1}, 2, 3).cast(DType.UINT8);
        check("oneHot", labels, l -> l.oneHot(3, 1, DType.FLOAT32), 0);
        check("oneHot float16 axis 2", labels.cast(DType.INT64), l -> l.oneHot(4, 2, DType.FLOAT16), 0);
        Tensor bad = dev(Tensor.ofInts(new int[] {0, 5, 1}, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bad.oneHot(3, 0, DType.FLOAT32));
        assertTrue(e.getMessage().contains("label 5"), e.getMessage());
    }

    @Test void randomStreamsAreTheCpuStreamsBitForBit() {
        for (RandomGenerator.Distribution dist : RandomGenerator.Distribution.values()) {
            Tensor h = Tensor.zeros(DType.FLOAT32, 1000), d = Tensor.zeros(device(), DType.FLOAT32, 1000);
            h.backend().fillRandom(h, dist, 0.2, 1.5, 42, 7);
            d.backend().fillRandom(d, dist, 0.2, 1.5, 42, 7);
            same("fillRandom " + dist, h, d, 0);
        }
    }

    // ---- norm and convolution ------------------------------------------------------------------

    @Test void groupNormForwardAndBackward() {
        for (int groups : new int[] {1, 2, 6}) {
            for (boolean affine : new boolean[] {true, false}) {
                Tensor x = randn(2, 6, 3, 4, 5), dy = randn(2, 6, 3, 4, 5);
                Tensor g = affine ? randn(6) : null, b = affine ? randn(6) : null;
                Tensor[] want = x.backend().groupNorm(x, g, b, groups, 1e-5);
                Tensor[] got = backend().groupNorm(dev(x), g == null ? null : dev(g), b == null ? null : dev(b), groups, 1e-5);
                String what = "groupNorm groups " + groups + " affine " + affine;
                for (int i = 0; i < 3; i++) same(what + " output " + i, want[i], got[i], 2e-5);
                Tensor[] wantB = x.backend().groupNormBackward(x, dy, g, want[1], want[2], groups);
                Tensor[] gotB = backend().groupNormBackward(dev(x), dev(dy), g == null ? null : dev(g), got[1], got[2], groups);
                for (int i = 0; i < 3; i++) {
                    if (wantB[i] == null) assertNull(gotB[i], what + " backward " + i);
                    else same(what + " backward " + i, wantB[i], gotB[i], 5e-5);
                }
            }
        }
    }

    @Test void groupNormWithActivationForwardAndBackward() {
        for (double slope : new double[] {0, 0.01}) {
            for (boolean affine : new boolean[] {true, false}) {
                Tensor x = randn(2, 6, 3, 4, 5), dy = randn(2, 6, 3, 4, 5);
                Tensor g = affine ? randn(6) : null, b = affine ? randn(6) : null;
                Tensor[] want = x.backend().groupNormAct(x, g, b, 3, 1e-5, slope);
                Tensor[] got = backend().groupNormAct(dev(x), g == null ? null : dev(g), b == null ? null : dev(b), 3, 1e-5, slope);
                String what = "groupNormAct slope " + slope + " affine " + affine;
                for (int i = 0; i < 3; i++) same(what + " output " + i, want[i], got[i], 2e-5);
                Tensor[] wantB = x.backend().groupNormActBackward(x, dy, g, b, want[1], want[2], 3, slope);
                Tensor[] gotB = backend().groupNormActBackward(dev(x), dev(dy), g == null ? null : dev(g), b == null ? null : dev(b),
                        got[1], got[2], 3, slope);
                for (int i = 0; i < 3; i++) {
                    if (wantB[i] == null) assertNull(gotB[i], what + " backward " + i);
                    else same(what + " backward " + i, wantB[i], gotB[i], 5e-5);
                }
            }
        }
    }

    @Test void conv3dForwardAndBackward() {
        Conv3dParams[] params = {Conv3dParams.of(1, 1), Conv3dParams.of(2, 1),
                new Conv3dParams(new int[] {1, 2, 1}, new int[] {0, 1, 2}, new int[] {1, 1, 2}, 2, new int[] {0, 0, 0})};
        for (Conv3dParams p : params) {
            Tensor x = randn(2, 4, 5, 6, 7), w = randn(6, 4 / p.groups(), 3, 3, 3), bias = randn(6);
            Tensor want = x.backend().conv3d(x, w, bias, p);
            Tensor got = backend().conv3d(dev(x), dev(w), dev(bias), p);
            sameScaled("conv3d " + p, want, got, 1e-5);
            Tensor gy = randn(want.dims());
            sameScaled("conv3d backward data " + p, x.backend().conv3dBackwardData(gy, w, x.shape(), p),
                    backend().conv3dBackwardData(dev(gy), dev(w), x.shape(), p), 1e-5);
            sameScaled("conv3d backward weight " + p, x.backend().conv3dBackwardWeight(gy, x, w.shape(), p),
                    backend().conv3dBackwardWeight(dev(gy), dev(x), w.shape(), p), 1e-5);
        }
    }

    org.voxelforge.core.Backend backend() { return org.voxelforge.core.Backends.forDevice(device()); }

    @Test void poolingAndResamplingForwardAndBackward() {
        Tensor x = randn(2, 3, 5, 6, 7);
        for (Pool3dParams p : new Pool3dParams[] {Pool3dParams.of(2, 2, 0), Pool3dParams.of(3, 2, 1)}) {
            MaxPool3dResult want = x.backend().maxPool3d(x, p), got = backend().maxPool3d(dev(x), p);
            same("maxPool3d values " + p, want.values(), got.values(), 0);
            same("maxPool3d indices " + p, want.indices(), got.indices(), 0);
            Tensor gy = randn(want.values().dims());
            same("maxPool3d backward " + p, x.backend().maxPool3dBackward(gy, want.indices(), x.shape(), p),
                    backend().maxPool3dBackward(dev(gy), got.indices(), x.shape(), p), 0);
            for (boolean inc : new boolean[] {true, false}) {
                check("avgPool3d " + p + " " + inc, x, t -> t.backend().avgPool3d(t, p, inc), 1e-6);
                check("avgPool3dBackward " + p + " " + inc, gy, t -> t.backend().avgPool3dBackward(t, x.shape(), p, inc), 1e-6);
            }
        }
        check("adaptiveAvgPool3d", x, t -> t.backend().adaptiveAvgPool3d(t, new int[] {2, 4, 3}), 1e-6);
        check("adaptiveAvgPool3dBackward", randn(2, 3, 2, 4, 3), t -> t.backend().adaptiveAvgPool3dBackward(t, x.shape()), 1e-6);
        for (UpsampleMode mode : UpsampleMode.values()) {
            for (boolean corners : new boolean[] {false, true}) {
                if (mode == UpsampleMode.NEAREST && corners) continue;
                String what = "upsample3d " + mode + " alignCorners " + corners;
                check(what, x, t -> t.backend().upsample3d(t, new int[] {10, 9, 14}, mode, corners), 1e-6);
                check(what + " backward", randn(2, 3, 10, 9, 14), t -> t.backend().upsample3dBackward(t, x.shape(), mode, corners), 1e-5);
            }
        }
    }

    @Test void matmulScalarOpsAndIndexing() {
        check2("matmul batched", randn(2, 3, 4), randn(4, 5), Tensor::matmul, 1e-5);
        check2("matmul transposed vector", randn(5, 4).permute(1, 0), randn(5), Tensor::matmul, 1e-5);
        for (BinaryOp op : BinaryOp.values()) check("scalar " + op, randn(3, 4).permute(1, 0), x -> x.binary(op, 0.75), op == BinaryOp.POW ? 2e-6 : 0);
        check("leakyReluBackward", randn(4, 5), x -> x.backend().leakyReluBackward(x, x.mul(3.0), 0.01), 0);
        Tensor x = randn(4, 5), idx = Tensor.ofLongs(new long[] {3, 0, 3, 1}, 4);
        check2("indexSelect", x, idx, (t, i) -> t.indexSelect(0, i), 0);
        Tensor gi = Tensor.ofLongs(new long[] {0, 4, 2, 2, 1, 0, 3, 3}, 2, 4);
        check2("gather", x, gi, (t, i) -> t.gather(1, i), 0);
        Tensor dst = Tensor.zeros(DType.FLOAT32, 5, 3), src = randn(4, 3);
        Tensor dd = dev(dst);
        dst.backend().indexAdd(dst, 0, idx.add(Tensor.scalar(1, DType.INT64)), src);
        backend().indexAdd(dd, 0, dev(idx.add(Tensor.scalar(1, DType.INT64))), dev(src));
        same("indexAdd", dst, dd, 0);
        Tensor sdst = Tensor.zeros(DType.FLOAT32, 4, 5), sdd = dev(sdst), ssrc = randn(2, 4);
        sdst.backend().scatterAdd(sdst, 1, gi, ssrc);
        backend().scatterAdd(sdd, 1, dev(gi), dev(ssrc));
        same("scatterAdd", sdst, sdd, 0);
        Tensor badIdx = Tensor.ofLongs(new long[] {0, 7}, 2);
        IndexOutOfBoundsException want = assertThrows(IndexOutOfBoundsException.class, () -> x.indexSelect(0, badIdx));
        IndexOutOfBoundsException got = assertThrows(IndexOutOfBoundsException.class, () -> dev(x).indexSelect(0, dev(badIdx)));
        assertEquals(want.getMessage(), got.getMessage());
    }

    // ---- ops that run on the host (counted) ------------------------------------------------------

    @Test void opsWithoutKernelsRunOnTheHostAndAreCounted() {
        allowFallback(() -> {
            CudaBackend.resetHostFallbacks();
            check("abs int64", randn(3, 4).mul(10.0).cast(DType.INT64), x -> x.unary(UnaryOp.ABS), 0);
            check("pad reflect", randn(2, 3, 4), x -> x.pad(new int[] {0, 1, 2}, new int[] {1, 0, 1}, PadMode.REFLECT, 0), 0);
            Tensor dst = Tensor.zeros(DType.FLOAT64, 5, 3), src = randn(4, 3).cast(DType.FLOAT64), idx = Tensor.ofLongs(new long[] {4, 0, 4, 2}, 4);
            Tensor dd = dev(dst);
            dst.backend().indexAdd(dst, 0, idx, src);
            backend().indexAdd(dd, 0, dev(idx), dev(src));
            same("indexAdd float64 (host)", dst, dd, 0);
            assertTrue(CudaBackend.hostFallbacks().keySet().stream().anyMatch(k -> k.startsWith("unary abs (int64")),
                    CudaBackend.hostFallbacks().toString());
            assertTrue(CudaBackend.hostFallbacks().keySet().stream().anyMatch(k -> k.startsWith("indexAdd (float64")),
                    CudaBackend.hostFallbacks().toString());
        });
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> dev(Tensor.ofLongs(new long[] {-3, 4}, 2)).unary(UnaryOp.ABS));
        assertTrue(e.getMessage().contains("unary abs") && e.getMessage().contains("hostFallback"), e.getMessage());
    }

    @Test void zerosAndFullOnTheDevice() {
        Tensor z = Tensor.zeros(device(), DType.FLOAT32, 3, 4);
        assertEquals(device(), z.device());
        same("zeros", Tensor.zeros(DType.FLOAT32, 3, 4), z, 0);
        same("full int64", Tensor.full(-7, DType.INT64, 5), Tensor.full(device(), -7, DType.INT64, 5), 0);
        assertEquals(Shape.of(3, 4), z.shape());
    }
}
