package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.core.cuda.BackendParityContract.same;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.voxelforge.core.BinaryOp;
import org.voxelforge.core.DType;
import org.voxelforge.core.Device;
import org.voxelforge.core.MemoryFormat;
import org.voxelforge.core.PadMode;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.UnaryOp;

/**
 * The CUDA backend's layout-preserving ops on the emulator: each op of channels-last operands
 * equals the same op on the CPU (which reads any strides) and its result is channels-last too;
 * contiguous operands still give contiguous results; contiguous() is always NCDHW. Host
 * fallbacks are errors, so the device kernels must really run.
 */
class EmulatedChannelsLastOpsTest {
    private static final MemoryFormat CL = MemoryFormat.CHANNELS_LAST;
    private final SplittableRandom rnd = new SplittableRandom(29);

    @RegisterExtension final StrictEmulator emulator = new StrictEmulator();

    private Tensor randn(int... dims) {
        int n = 1;
        for (int d : dims) n *= d;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rnd.nextGaussian();
        return Tensor.of(v, dims);
    }

    /** host -> the emulator, stored channels-last. */
    private static Tensor onDevice(Tensor host, MemoryFormat format) {
        try (Tensor dev = host.to(Device.EMULATOR)) {
            return dev.contiguous(format);
        }
    }

    /** op on the CPU (contiguous operands) vs on the emulator (channels-last operands): equal, and the result channels-last. */
    private void keepsChannelsLast(String what, Function<Tensor[], Tensor> op, Tensor... host) {
        Tensor want = op.apply(host);
        Tensor[] dev = new Tensor[host.length];
        for (int i = 0; i < host.length; i++) dev[i] = onDevice(host[i], host[i].rank() == 5 ? CL : MemoryFormat.CONTIGUOUS);
        Tensor got = op.apply(dev);
        assertEquals(CL, got.memoryFormat(), what + ": layout of " + java.util.Arrays.toString(got.strides()));
        assertTrue(CL.isDense(got), what + ": dense channels-last");
        same(what, want, got, 1e-6);
        // the same op on contiguous device operands stays contiguous
        Tensor[] plain = new Tensor[host.length];
        for (int i = 0; i < host.length; i++) plain[i] = onDevice(host[i], MemoryFormat.CONTIGUOUS);
        Tensor contiguous = op.apply(plain);
        assertTrue(contiguous.isContiguous(), what + ": contiguous operands give a contiguous result");
        same(what + " (contiguous)", want, contiguous, 1e-6);
    }

    @Test void elementwiseOpsKeepChannelsLast() {
        Tensor x = randn(2, 5, 3, 4, 6), y = randn(2, 5, 3, 4, 6);
        keepsChannelsLast("exp", t -> t[0].unary(UnaryOp.EXP), x);
        keepsChannelsLast("leakyRelu", t -> t[0].leakyRelu(0.01), x);
        keepsChannelsLast("leakyReluBackward", t -> t[0].backend().leakyReluBackward(t[0], t[1], 0.01), x, y);
        keepsChannelsLast("clamp", t -> t[0].clamp(-0.5, 0.5), x);
        keepsChannelsLast("add", t -> t[0].add(t[1]), x, y);
        keepsChannelsLast("mul scalar", t -> t[0].mul(3.0), x);
        keepsChannelsLast("where", t -> Tensor.where(t[0].gt(0.0), t[0], t[1]), x, y);
        keepsChannelsLast("softmax over C", t -> t[0].softmax(1), x);
        keepsChannelsLast("logSoftmax over W", t -> t[0].logSoftmax(4), x);
        keepsChannelsLast("flip", t -> t[0].flip(1, 3), x);
        keepsChannelsLast("pad", t -> t[0].pad(new int[] {0, 1, 2, 0, 1}, new int[] {0, 2, 0, 1, 1}, PadMode.CONSTANT, 0.5), x);
        keepsChannelsLast("cast to float64 and back", t -> {
            try (Tensor d = t[0].cast(DType.FLOAT64)) {
                assertEquals(t[0].memoryFormat(), d.memoryFormat(), "cast keeps the format");
                return d.cast(DType.FLOAT32);
            }
        }, x);
    }

    @Test void broadcastOperandsOfLowerRankFollowTheFullOne() {
        Tensor x = randn(2, 5, 3, 4, 6);
        Tensor bias5 = randn(1, 5, 1, 1, 1), bias4 = randn(5, 1, 1, 1), row = randn(6);
        keepsChannelsLast("bias [1, C, 1, 1, 1]", t -> t[0].add(t[1]), x, bias5);
        keepsChannelsLast("bias [C, 1, 1, 1]", t -> t[1].mul(t[0]), x, bias4);
        keepsChannelsLast("row [W]", t -> t[0].sub(t[1]), x, row);
    }

    @Test void concatAlongChannelsKeepsChannelsLast() {
        Tensor a = randn(2, 3, 4, 5, 3), b = randn(2, 6, 4, 5, 3);
        keepsChannelsLast("concat C", t -> Tensor.concat(List.of(t[0], t[1]), 1), a, b);
        keepsChannelsLast("concat D", t -> Tensor.concat(List.of(t[0], t[0]), 2), a);
        // a contiguous second input is read as it is
        Tensor want = Tensor.concat(List.of(a, b), 1);
        Tensor got = Tensor.concat(List.of(onDevice(a, CL), onDevice(b, MemoryFormat.CONTIGUOUS)), 1);
        assertEquals(CL, got.memoryFormat());
        same("concat channels-last + contiguous", want, got, 0);
    }

    @Test void aChannelSliceIsChannelsLastAndOpsOnItComeBackDense() {
        Tensor x = randn(2, 7, 3, 4, 5);
        Tensor dev = onDevice(x, CL);
        Tensor slice = dev.slice(1, 2, 6);
        assertEquals(CL, slice.memoryFormat(), "a channel slice of a channels-last tensor strides like channels-last");
        assertFalse(CL.isDense(slice));
        Tensor got = slice.mul(2.0);
        assertTrue(CL.isDense(got), "the result is dense channels-last");
        same("slice * 2", x.slice(1, 2, 6).mul(2.0), got, 0);
        Tensor packed = slice.contiguous(CL);
        assertTrue(CL.isDense(packed));
        same("slice packed channels-last", x.slice(1, 2, 6), packed, 0);
    }

    @Test void contiguousIsAlwaysNcdhw() {
        Tensor x = randn(1, 4, 2, 3, 5);
        Tensor c = onDevice(x, CL).contiguous();
        assertTrue(c.isContiguous());
        same("contiguous of channels-last", x, c, 0);
    }
}
