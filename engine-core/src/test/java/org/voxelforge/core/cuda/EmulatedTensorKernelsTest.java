package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.Backend;
import org.voxelforge.core.Backends;
import org.voxelforge.core.BinaryOp;
import org.voxelforge.core.DType;
import org.voxelforge.core.PadMode;
import org.voxelforge.core.ReduceOp;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.UnaryOp;
import org.voxelforge.core.cuda.TensorKernels.Rows;
import org.voxelforge.core.cuda.TensorKernels.View;

/**
 * tensor_ops.cuh and reduce_ops.cuh under the host emulator, through {@link TensorKernels}, against
 * the same ops of {@code Backends.cpu()} on random inputs (with NaN where the op defines it),
 * broadcast and permuted (non-contiguous) operands.
 *
 * <p>Tolerances. Exact (bit for bit, NaN equal to NaN) where the op is exact: copy, every cast
 * pair, concat, pad, one-hot, max/min/argmax/argmin, +, -, *, /, maximum, minimum, comparisons,
 * where, clamp, leakyRelu. The transcendental unary ops and pow get the ulps of
 * EmulatedElementwiseTest (glibc's float functions here, libdevice on a GPU). Sums, means,
 * products, variances and softmax are accumulated in double on both sides and rounded once to
 * float; only the order of the double additions (CPU blocks of 4096 and vector lanes, kernel
 * thread strides and a tree) and exp/log in the last double bit differ, so they agree within 1e-6
 * of the row's scale: sum |x| for sums (cancellation makes the relative error of the result itself
 * unbounded), |want| for softmax outputs plus 1e-7 absolute for tiny probabilities.
 */
class EmulatedTensorKernelsTest {
    private final SplittableRandom rnd = new SplittableRandom(2024);
    private final Backend cpu = Backends.cpu();
    private TensorKernels k;

    @BeforeEach void emulator() { k = new TensorKernels(EmulatorTests.emulator().kernels()); }

    // ---- helpers ----------------------------------------------------------------------------------

    static View view(Tensor t) { return new View(t.segment().address() + t.offset() * t.dtype().byteSize(), t.dims(), t.strides()); }

    static long ptr(Tensor t) { return t.segment().address() + t.offset() * t.dtype().byteSize(); }

    /** A contiguous output whose bytes start as 0x7f, so unwritten elements show. */
    static Tensor out(DType t, int... dims) {
        Tensor o = Tensor.zeros(t, dims);
        o.segment().fill((byte) 0x7f);
        return o;
    }

    /** Random floats of varied magnitude, never all zero, with a few special values. */
    Tensor randomF32(double nanRate, int... dims) {
        int n = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        float[] v = new float[n];
        float[] special = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, -1f};
        for (int i = 0; i < n; i++) {
            double u = rnd.nextDouble();
            v[i] = u < nanRate ? Float.NaN : u < nanRate + 0.03 ? special[rnd.nextInt(special.length)]
                    : (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextDouble() * 4 - 2));
        }
        return Tensor.of(v, dims);
    }

    /** Element bits of a contiguous tensor, one long per element. */
    static long[] bits(Tensor t) {
        Tensor c = t.contiguous();
        MemorySegment s = c.segment();
        long[] b = new long[(int) c.numel()];
        int size = c.dtype().byteSize();
        for (int i = 0; i < b.length; i++) {
            long off = (c.offset() + i) * size;
            b[i] = switch (size) {
                case 1 -> s.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
                case 2 -> s.get(ValueLayout.JAVA_SHORT_UNALIGNED, off) & 0xFFFF;
                case 4 -> s.get(ValueLayout.JAVA_INT_UNALIGNED, off) & 0xFFFFFFFFL;
                default -> s.get(ValueLayout.JAVA_LONG_UNALIGNED, off);
            };
        }
        return b;
    }

    /** Bit-exact equality, except that any NaN equals any NaN of a floating dtype. */
    static void assertSameElements(Tensor want, Tensor got, String what) {
        assertArrayEquals(want.dims(), got.dims(), what + ": shape");
        long[] w = bits(want), g = bits(got);
        double[] wd = want.dtype().isFloatingPoint() ? want.toDoubleArray() : null, gd = wd == null ? null : got.toDoubleArray();
        for (int i = 0; i < w.length; i++) {
            if (w[i] == g[i]) continue;
            if (wd != null && Double.isNaN(wd[i]) && Double.isNaN(gd[i])) continue;
            fail(what + ": element " + i + " is " + (gd == null ? g[i] : gd[i] + " (0x" + Long.toHexString(g[i]) + ")") + ", cpu "
                    + (wd == null ? w[i] : wd[i] + " (0x" + Long.toHexString(w[i]) + ")"));
        }
    }

    static void assertUlps(Tensor want, Tensor got, long ulps, String what) {
        float[] w = want.toFloatArray(), g = got.toFloatArray();
        assertEquals(w.length, g.length, what);
        for (int i = 0; i < w.length; i++) {
            long d = EmulatorTests.ulps(w[i], g[i]);
            if (d > ulps) fail(what + ": element " + i + " is " + g[i] + ", cpu " + w[i] + " (" + d + " ulp)");
        }
    }

    /** |got - want| <= rel * scale[i] + abs, NaN and infinities equal. */
    static void assertClose(Tensor want, Tensor got, double[] scale, double rel, double abs, String what) {
        float[] w = want.toFloatArray(), g = got.toFloatArray();
        assertEquals(w.length, g.length, what);
        for (int i = 0; i < w.length; i++) {
            if (Float.isNaN(w[i]) || Float.isInfinite(w[i]) || Float.isNaN(g[i])) {
                if (Float.compare(w[i], g[i]) != 0 && !(Float.isNaN(w[i]) && Float.isNaN(g[i]))) fail(what + ": element " + i + " is " + g[i] + ", cpu " + w[i]);
                continue;
            }
            double tol = rel * (scale == null ? Math.abs(w[i]) : scale[i]) + abs;
            if (Math.abs(g[i] - w[i]) > tol) fail(what + ": element " + i + " is " + g[i] + ", cpu " + w[i] + " (tolerance " + tol + ")");
        }
    }

    // ---- 1. strided elementwise with broadcasting -------------------------------------------------------

    @Test void everyBinaryOpBroadcastsAndReadsPermutedOperands() {
        try (Tensor a = randomF32(0.05, 2, 1, 4); Tensor b = randomF32(0.05, 3, 1);
             Tensor base = randomF32(0.05, 4, 3, 2); Tensor p = base.permute(2, 1, 0); Tensor c = randomF32(0.05, 3, 4)) {
            for (BinaryOp op : BinaryOp.values()) {
                DType ot = op.isComparison() ? DType.BOOL : DType.FLOAT32;
                for (Tensor[] ab : new Tensor[][] {{a, b}, {p, c}, {c, a}}) {
                    try (Tensor want = cpu.binary(op, ab[0], ab[1]); Tensor got = out(ot, want.dims())) {
                        int[] shape = k.binary(op, view(ab[0]), view(ab[1]), ptr(got), 0);
                        assertArrayEquals(want.dims(), shape, op + ": result shape");
                        String what = op + " of " + ab[0].shape() + (ab[0].isContiguous() ? "" : " (permuted)") + " and " + ab[1].shape();
                        if (op == BinaryOp.POW) assertUlps(want, got, EmulatedElementwiseTest.allowedUlps(op), what);
                        else assertSameElements(want, got, what);
                    }
                }
            }
            assertArrayEquals(new int[] {2, 3, 4}, k.binary(BinaryOp.ADD, view(a), view(b), ptr(base), 0));
        }
    }

    @Test void everyUnaryOpOverAPermutedView() {
        try (Tensor base = randomF32(0.05, 3, 4, 5); Tensor x = base.permute(1, 2, 0)) {
            for (UnaryOp op : UnaryOp.values()) {
                try (Tensor want = cpu.unary(op, x); Tensor got = out(DType.FLOAT32, x.dims())) {
                    k.unary(op, view(x), ptr(got), 0);
                    assertUlps(want, got, EmulatedElementwiseTest.allowedUlps(op), "unary " + op + " of a permuted view");
                }
            }
        }
    }

    @Test void whereLeakyReluAndClampMatchTheCpu() {
        try (Tensor x = randomF32(0.05, 2, 3, 1); Tensor a = randomF32(0.05, 3, 4); Tensor b = randomF32(0.05, 2, 1, 4);
             Tensor cond = cpu.binaryScalar(BinaryOp.GT, x, 0.0)) {
            try (Tensor want = cpu.where(cond, a, b); Tensor got = out(DType.FLOAT32, 2, 3, 4)) {
                assertArrayEquals(new int[] {2, 3, 4}, k.where(view(cond), view(a), view(b), ptr(got), 0));
                assertSameElements(want, got, "where");
            }
            try (Tensor u8 = cpu.cast(cond, DType.UINT8); Tensor want = cpu.where(u8, a, b); Tensor got = out(DType.FLOAT32, 2, 3, 4)) {
                k.where(view(u8), view(a), view(b), ptr(got), 0);
                assertSameElements(want, got, "where with a uint8 condition");
            }
        }
        // The CPU's contiguous float32 path multiplies by the slope rounded to float, as the kernel does.
        try (Tensor x = randomF32(0.05, 5, 7); Tensor want = cpu.leakyRelu(x, 0.01f); Tensor got = out(DType.FLOAT32, 5, 7)) {
            k.leakyRelu(view(x), 0.01f, ptr(got), 0);
            assertSameElements(want, got, "leakyRelu");
        }
        try (Tensor base = randomF32(0.05, 6, 5); Tensor x = base.permute(1, 0)) {
            double[][] bounds = {{-0.5, 2}, {Double.NaN, 0.25}, {-1, Double.NaN}, {Double.NaN, Double.NaN}};
            for (double[] lh : bounds) {
                try (Tensor want = cpu.clamp(x, lh[0], lh[1]); Tensor got = out(DType.FLOAT32, 5, 6)) {
                    k.clamp(view(x), (float) lh[0], (float) lh[1], ptr(got), 0);
                    assertSameElements(want, got, "clamp to " + Arrays.toString(lh));
                }
            }
        }
    }

    @Test void everyBinaryScalarOpOnAPermutedViewMatchesTheCpu() {
        try (Tensor base = randomF32(0.05, 4, 3, 5); Tensor x = base.permute(2, 0, 1)) {
            // 0.1 is not a float: both sides round it to float32 first; 1e40 overflows to inf; NaN
            double[] scalars = {0.1, -2.5, 0, -0.0, 1e40, Double.NaN, 3};
            for (BinaryOp op : BinaryOp.values()) {
                DType ot = op.isComparison() ? DType.BOOL : DType.FLOAT32;
                for (double s : scalars) {
                    try (Tensor want = cpu.binaryScalar(op, x, s); Tensor got = out(ot, want.dims())) {
                        k.binaryScalar(op, view(x), s, ptr(got), 0);
                        String what = "binaryScalar " + op + " with " + s;
                        if (op == BinaryOp.POW) assertUlps(want, got, EmulatedElementwiseTest.allowedUlps(op), what);
                        else assertSameElements(want, got, what);
                    }
                }
            }
        }
    }

    @Test void leakyReluBackwardOfStridedOperandsMatchesTheCpu() {
        try (Tensor xBase = randomF32(0.1, 6, 5); Tensor x = xBase.permute(1, 0); Tensor g = randomF32(0.05, 5, 6)) {
            for (float slope : new float[] {0.01f, 0f, -0.3f}) {
                try (Tensor want = cpu.leakyReluBackward(x, g, slope); Tensor got = out(DType.FLOAT32, 5, 6)) {
                    k.leakyReluBackward(view(x), view(g), slope, ptr(got), 0);
                    assertSameElements(want, got, "leakyReluBackward with slope " + slope);
                }
            }
            var e = assertThrows(IllegalArgumentException.class, () -> k.leakyReluBackward(view(x), view(xBase), 0.01f, ptr(g), 0));
            assertTrue(e.getMessage().contains("leakyReluBackward") && e.getMessage().contains("same shape"), e.getMessage());
        }
    }

    @Test void fillOfEveryDtypeIntoStridedViewsMatchesTheCpu() {
        double[] values = {-1.3, Double.NaN, -0.0, 300.7, 0x1p62 + 1024};
        for (DType t : DType.values()) {
            for (double v : values) {
                try (Tensor want = out(t, 3, 4, 2); Tensor got = out(t, 3, 4, 2)) {
                    // every other column of a transposed view: the rest keeps its 0x7f bytes on both sides
                    Tensor wv = want.permute(2, 0, 1).slice(2, 0, 4, 2), gv = got.permute(2, 0, 1).slice(2, 0, 4, 2);
                    cpu.fill(wv, v);
                    k.fill(view(gv), t, v, 0);
                    assertSameElements(want, got, "fill " + t.label() + " with " + v);
                }
            }
        }
        try (Tensor l = out(DType.INT64, 5)) {
            k.fillBits(view(l), 8, 0x8000_0000_0000_0001L, 0);
            for (long b : l.toLongArray()) assertEquals(0x8000_0000_0000_0001L, b, "int64 bits beyond 2^53 are exact");
        }
        var e = assertThrows(IllegalArgumentException.class, () -> k.fillBits(View.contiguous(8, 2), 3, 0, 0));
        assertTrue(e.getMessage().contains("fillBits") && e.getMessage().contains("1, 2, 4 or 8"), e.getMessage());
    }

    @Test void badShapesAreRefusedNamingTheOpAndShapes() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> k.binary(BinaryOp.ADD, View.contiguous(8, 2, 3), View.contiguous(8, 4), 8, 0));
        assertTrue(e.getMessage().contains("binary add") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("broadcast"), e.getMessage());
        // 7 axes that cannot merge (every other axis permuted away)
        int[] dims = {2, 2, 2, 2, 2, 2, 2};
        long[] st = {1, 4, 16, 64, 2, 8, 32}; // no neighbours contiguous
        e = assertThrows(IllegalArgumentException.class, () -> k.unary(UnaryOp.NEG, new View(8, dims, st), 8, 0));
        assertTrue(e.getMessage().contains("at most 6"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k.reduce(ReduceOp.SUM, View.contiguous(8, 2, 3), new int[] {1, 0}, 8, 0));
        assertTrue(e.getMessage().contains("reduce sum") && e.getMessage().contains("sorted"), e.getMessage());
    }

    // ---- 2. copy, cast, concat, pad, one-hot ------------------------------------------------------

    /** Values on the rounding edges of every type: bf16/f16 ties, overflow, subnormals, int saturation, NaN. */
    static double[] castEdges() {
        return new double[] {0, -0.0, 1, -1, 1.5, -2.5, 0.49999, 300.7, -1.5, 255, 256, -129,
                1 + 0x1p-8, 1 + 0x1p-7 + 0x1p-8, 1 + 0x1p-8 + 0x1p-20, // bf16: tie to even (down), tie (up), above the tie
                1 + 0x1p-11, 1 + 0x1p-10 + 0x1p-11, 65504, 65519.99, 65520, 1e5, 0x1p-24, 0x1p-25, 0x1.8p-25, 0x1p-26, 3 * 0x1p-25,
                6.1e-5, 0x1p-14 - 0x1p-25, 3.4e38, 3.5e38, 1e-45, 2147483647.0, 2147483648.0, -2147483649.0, 0x1p62, 0x1p63, -0x1p64,
                Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 123456789.123, -7.99, 1 / 3.0};
    }

    @Test void everyCastPairMatchesTheCpuBitForBit() {
        double[] edges = castEdges();
        int n = edges.length;
        try (Tensor src64 = Tensor.of(edges, 1, n)) {
            for (DType from : DType.values()) {
                try (Tensor src = cpu.cast(src64, from)) {
                    for (DType to : DType.values()) {
                        try (Tensor want = cpu.cast(src, to); Tensor got = out(to, 1, n)) {
                            k.copy(view(src), from, view(got), to, 0);
                            assertSameElements(want, got, "cast " + from.label() + " -> " + to.label());
                        }
                    }
                }
            }
        }
    }

    @Test void copyOfPermutedAndBroadcastViewsIntoStridedDestinations() {
        try (Tensor base = randomF32(0.05, 3, 4, 5); Tensor x = base.permute(2, 0, 1); Tensor got = out(DType.FLOAT32, 5, 3, 4)) {
            k.copy(view(x), DType.FLOAT32, view(got), DType.FLOAT32, 0);
            try (Tensor want = cpu.contiguous(x)) { assertSameElements(want, got, "contiguous of a permuted view"); }
            // a permuted float32 source cast into the transposed view of an int64 destination, broadcast over a new axis
            try (Tensor dst = Tensor.zeros(DType.INT64, 3, 4, 2, 5); Tensor dv = dst.permute(3, 0, 1, 2); Tensor want = Tensor.zeros(DType.INT64, 3, 4, 2, 5);
                 Tensor wv = want.permute(3, 0, 1, 2); Tensor src = base.permute(2, 0, 1).reshape(5, 3, 4, 1)) {
                k.copy(view(src), DType.FLOAT32, view(dv), DType.INT64, 0);
                cpu.copyInto(wv, src);
                assertSameElements(want, dst, "copyInto a permuted int64 view with broadcasting");
            }
            // flip: negated strides on axis 1 from its last element
            try (Tensor want = cpu.flip(x, new int[] {1}); Tensor f = out(DType.FLOAT32, 5, 3, 4)) {
                long[] st = x.strides();
                long start = ptr(x) + 4L * (x.dim(1) - 1) * st[1];
                st[1] = -st[1];
                k.copy(new View(start, x.dims(), st), DType.FLOAT32, view(f), DType.FLOAT32, 0);
                assertSameElements(want, f, "flip as a copy with a negative stride");
            }
        }
    }

    @Test void concatMatchesTheCpuOnEveryAxis() {
        try (Tensor a = randomF32(0.05, 2, 3, 4); Tensor bBase = randomF32(0.05, 4, 2, 2); Tensor b = bBase.permute(1, 2, 0);
             Tensor c = randomF32(0.05, 2, 1, 4); Tensor ai = cpu.cast(a, DType.INT64); Tensor ci = cpu.cast(c, DType.INT64)) {
            for (int axis = 0; axis < 3; axis++) {
                List<Tensor> xs = axis == 1 ? List.of(a, b, c) : List.of(a, a);
                try (Tensor want = cpu.concat(xs, axis); Tensor got = out(DType.FLOAT32, want.dims())) {
                    int[] shape = k.concat(xs.stream().map(EmulatedTensorKernelsTest::view).toList(), DType.FLOAT32, axis, ptr(got), 0);
                    assertArrayEquals(want.dims(), shape);
                    assertSameElements(want, got, "concat along " + axis);
                }
            }
            try (Tensor want = cpu.concat(List.of(ai, ci), 1); Tensor got = out(DType.INT64, want.dims())) {
                k.concat(List.of(view(ai), view(ci)), DType.INT64, 1, ptr(got), 0);
                assertSameElements(want, got, "int64 concat");
            }
        }
    }

    @Test void constantPadMatchesTheCpu() {
        try (Tensor base = randomF32(0.05, 4, 2, 3); Tensor x = base.permute(1, 2, 0)) {
            int[] before = {1, 0, 2}, after = {0, 3, 1};
            for (DType t : new DType[] {DType.FLOAT32, DType.BFLOAT16, DType.INT32, DType.UINT8}) {
                try (Tensor xt = cpu.cast(x, t); Tensor want = cpu.pad(t == DType.FLOAT32 ? x : xt, before, after, PadMode.CONSTANT, -1.3);
                     Tensor got = out(t, want.dims())) {
                    Tensor xp = t == DType.FLOAT32 ? x : xt; // float32: the permuted view itself
                    assertArrayEquals(want.dims(), k.padConstant(view(xp), t, before, after, -1.3, ptr(got), 0));
                    assertSameElements(want, got, "pad " + t.label());
                }
            }
        }
    }

    @Test void oneHotMatchesTheCpuAndFlagsOutOfRangeLabels() {
        int[] dims = {2, 3, 4};
        int[] labels = new int[24];
        for (int i = 0; i < labels.length; i++) labels[i] = rnd.nextInt(5);
        try (Tensor l32 = Tensor.ofInts(labels, dims); Tensor l64base = cpu.cast(Tensor.ofInts(labels, 4, 3, 2), DType.INT64);
             Tensor l64 = l64base.permute(2, 1, 0); Tensor bad = Tensor.ofLongs(new long[] {-1}, 1)) {
            for (Tensor l : new Tensor[] {l32, l64}) {
                for (int axis = 0; axis <= 3; axis++) {
                    try (Tensor want = cpu.oneHot(l, 5, axis, DType.FLOAT32); Tensor got = out(DType.FLOAT32, want.dims())) {
                        assertArrayEquals(want.dims(), k.oneHot(view(l), l.dtype(), 5, axis, ptr(got), ptr(bad), 0));
                        assertSameElements(want, got, "oneHot of " + l.describe() + " at axis " + axis);
                    }
                }
            }
            assertEquals(-1, bad.toLongArray()[0], "no label was out of range");
            // the CPU throws on a label >= numClasses; the kernel writes a zero column and records the position
            assertThrows(IllegalArgumentException.class, () -> cpu.oneHot(l32, 4, 1, DType.FLOAT32));
            try (Tensor got = out(DType.FLOAT32, 2, 4, 3, 4)) {
                k.oneHot(view(l32), DType.INT32, 4, 1, ptr(got), ptr(bad), 0);
                long pos = bad.toLongArray()[0];
                assertTrue(pos >= 0 && labels[(int) pos] == 4, "recorded position " + pos);
                float[] y = got.toFloatArray();
                for (int c = 0; c < 4; c++) assertEquals(0f, y[(int) ((pos / 12) * 48 + c * 12 + pos % 12)]);
                String msg = TensorKernels.oneHotError(labels[(int) pos], pos, l32.describe(), 4).getMessage();
                assertTrue(msg.startsWith("oneHot: label 4 (at flat position " + pos), msg);
            }
        }
    }

    // ---- 3. reductions ---------------------------------------------------------------------------

    static final int[][] AXES = {{0}, {3}, {1, 2}, {0, 1, 2, 3}};

    /** The CPU's sum (or mean) of |x| over the same axes: the scale of a sum's rounding error. */
    private double[] absScale(Tensor x, int[] axes, ReduceOp op) {
        try (Tensor ax = cpu.unary(UnaryOp.ABS, x); Tensor s = cpu.reduce(op == ReduceOp.MEAN ? ReduceOp.MEAN : ReduceOp.SUM, ax, axes, false)) {
            return s.toDoubleArray();
        }
    }

    @Test void reductionsOverFirstLastMiddleAndAllAxesInBothForms() {
        try (Tensor x = randomF32(0, 2, 3, 4, 5); Tensor nan = randomF32(0.03, 2, 3, 4, 5); Tensor pbase = randomF32(0, 5, 2, 4, 3);
             Tensor permuted = pbase.permute(1, 3, 2, 0)) {
            for (Rows form : new Rows[] {Rows.THREAD, Rows.BLOCK}) {
                TensorKernels kk = k.withRows(form);
                for (int[] axes : AXES) {
                    for (ReduceOp op : ReduceOp.values()) {
                        for (Tensor in : new Tensor[] {x, nan, permuted}) {
                            if (op == ReduceOp.PROD && in == nan) continue;
                            try (Tensor want = cpu.reduce(op, in, axes, false); Tensor got = out(DType.FLOAT32, want.dims())) {
                                kk.reduce(op, view(in), axes, ptr(got), 0);
                                String what = op + " over " + Arrays.toString(axes) + " of " + (in == permuted ? "a permuted" : in == nan ? "a NaN" : "a")
                                        + " tensor, " + form;
                                switch (op) {
                                    case MAX, MIN -> assertSameElements(want, got, what);
                                    case SUM, MEAN -> assertClose(want, got, absScale(in, axes, op), 1e-6, 0, what);
                                    case PROD -> assertClose(want, got, null, 1e-6, 0, what);
                                }
                            }
                        }
                    }
                }
            }
        }
        // a long row (block form under AUTO) over a middle axis
        try (Tensor x = randomF32(0.001, 3, 700, 2); Tensor want = cpu.reduce(ReduceOp.MAX, x, new int[] {1}, false);
             Tensor s = cpu.reduce(ReduceOp.SUM, x, new int[] {1}, false); Tensor got = out(DType.FLOAT32, 3, 2); Tensor gs = out(DType.FLOAT32, 3, 2)) {
            k.reduce(ReduceOp.MAX, view(x), new int[] {1}, ptr(got), 0);
            k.reduce(ReduceOp.SUM, view(x), new int[] {1}, ptr(gs), 0);
            assertSameElements(want, got, "max of long rows");
            assertClose(s, gs, absScale(x, new int[] {1}, ReduceOp.SUM), 1e-6, 0, "sum of long rows");
        }
    }

    @Test void argMaxAndArgMinTakeTheFirstTieAndTheFirstNaN() {
        argCase(new int[] {3, 4, 40}, 12, Rows.values());
        argCase(new int[] {2, 600}, 8, new Rows[] {Rows.AUTO}); // long rows: the block form under AUTO, its tree over ties
    }

    /** Integer values in [-1.5, 1.5] (many ties), a few NaN, -0 before +0; every axis, contiguous and permuted. */
    private void argCase(int[] dims, int nans, Rows[] forms) {
        int n = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rnd.nextInt(4) - 1.5f;
        for (int i = 0; i < nans; i++) v[rnd.nextInt(n)] = Float.NaN;
        v[0] = -0f;
        v[1] = 0f;
        int[] reversed = new int[dims.length];
        for (int a = 0; a < dims.length; a++) reversed[a] = dims.length - 1 - a;
        try (Tensor x = Tensor.of(v, dims); Tensor p = x.permute(reversed)) {
            for (Rows form : forms) {
                for (Tensor in : new Tensor[] {x, p}) {
                    for (int axis = 0; axis < dims.length; axis++) {
                        for (boolean max : new boolean[] {true, false}) {
                            try (Tensor want = max ? cpu.argMax(in, axis, false) : cpu.argMin(in, axis, false); Tensor got = out(DType.INT64, want.dims())) {
                                k.withRows(form).argReduce(max, view(in), axis, ptr(got), 0);
                                assertSameElements(want, got, (max ? "argMax" : "argMin") + " along " + axis + " of " + in.shape() + ", " + form);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test void varianceWithCorrectionsOverAxesInBothForms() {
        try (Tensor x = randomF32(0.01, 2, 3, 4, 5); Tensor pbase = randomF32(0, 5, 2, 4, 3); Tensor p = pbase.permute(1, 3, 2, 0)) {
            for (Rows form : new Rows[] {Rows.THREAD, Rows.BLOCK}) {
                for (int[] axes : AXES) {
                    for (int correction : new int[] {0, 1}) {
                        for (Tensor in : new Tensor[] {x, p}) {
                            try (Tensor want = cpu.variance(in, axes, correction, false); Tensor got = out(DType.FLOAT32, want.dims())) {
                                k.withRows(form).variance(view(in), axes, correction, ptr(got), 0);
                                assertClose(want, got, null, 1e-6, 0, "variance over " + Arrays.toString(axes) + " correction " + correction + ", " + form);
                            }
                        }
                    }
                }
            }
        }
        // correction >= n divides by 0, as the CPU
        try (Tensor x = randomF32(0, 2, 1); Tensor want = cpu.variance(x, new int[] {1}, 1, false); Tensor got = out(DType.FLOAT32, 2)) {
            k.variance(view(x), new int[] {1}, 1, ptr(got), 0);
            assertSameElements(want, got, "variance of one element with correction 1");
        }
    }

    // ---- 4. softmax ------------------------------------------------------------------------------

    @Test void softmaxAndLogSoftmaxOnLargeValuesAlongEveryAxis() {
        try (Tensor small = randomF32(0, 2, 4, 5); Tensor big = cpu.binaryScalar(BinaryOp.MUL, small, 1000.0);
             Tensor pbase = randomF32(0, 5, 2, 4); Tensor p = pbase.permute(1, 2, 0); Tensor nan = randomF32(0.05, 2, 4, 5)) {
            for (Rows form : new Rows[] {Rows.THREAD, Rows.BLOCK}) {
                for (Tensor in : new Tensor[] {big, p, nan}) {
                    for (int axis = 0; axis < 3; axis++) {
                        for (boolean log : new boolean[] {false, true}) {
                            try (Tensor want = log ? cpu.logSoftmax(in, axis) : cpu.softmax(in, axis); Tensor got = out(DType.FLOAT32, want.dims())) {
                                k.withRows(form).softmax(view(in), axis, log, ptr(got), 0);
                                assertClose(want, got, null, 1e-6, 1e-7, (log ? "logSoftmax" : "softmax") + " along " + axis + ", " + form);
                            }
                        }
                    }
                }
            }
        }
        try (Tensor x = randomF32(0, 2, 600); Tensor want = cpu.softmax(x, 1); Tensor got = out(DType.FLOAT32, 2, 600)) {
            k.softmax(view(x), 1, false, ptr(got), 0); // block form under AUTO
            assertClose(want, got, null, 1e-6, 1e-7, "softmax of long rows");
        }
    }

    @Test void softmaxBackwardMatchesTheAutogradRuleOnTheCpu() {
        try (Tensor x = randomF32(0, 4, 6, 5); Tensor gbase = randomF32(0, 5, 4, 6); Tensor g = gbase.permute(1, 2, 0)) {
            for (Rows form : new Rows[] {Rows.THREAD, Rows.BLOCK}) {
                for (int axis = 0; axis < 3; axis++) {
                    try (Tensor y = cpu.softmax(x, axis); Tensor gy = cpu.binary(BinaryOp.MUL, g, y);
                         Tensor dot = cpu.reduce(ReduceOp.SUM, gy, new int[] {axis}, true); Tensor diff = cpu.binary(BinaryOp.SUB, g, dot);
                         Tensor want = cpu.binary(BinaryOp.MUL, y, diff); Tensor got = out(DType.FLOAT32, want.dims())) {
                        k.withRows(form).softmaxBackward(view(y), view(g), axis, ptr(got), 0);
                        // dot may differ in its last bit (summation order): the error scales with |y| (|g| + max |g|)
                        float[] yv = y.toFloatArray();
                        double[] gv = cpu.contiguous(g).toDoubleArray(), scale = new double[yv.length];
                        double gmax = Arrays.stream(gv).map(Math::abs).max().orElse(0);
                        for (int i = 0; i < scale.length; i++) scale[i] = Math.abs(yv[i]) * (Math.abs(gv[i]) + gmax);
                        assertClose(want, got, scale, 1e-6, 0, "softmax backward along " + axis + ", " + form);
                    }
                }
            }
        }
    }
}
