package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.core.cuda.EmulatedTensorKernelsTest.assertSameElements;
import static org.voxelforge.core.cuda.EmulatedTensorKernelsTest.out;
import static org.voxelforge.core.cuda.EmulatedTensorKernelsTest.ptr;
import static org.voxelforge.core.cuda.EmulatedTensorKernelsTest.view;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.Backend;
import org.voxelforge.core.Backends;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;

/**
 * index_ops.cuh under the host emulator, through {@link IndexKernels}, against the same ops of
 * {@code Backends.cpu()}, bit for bit: gather and indexSelect copy elements, and the adds run
 * every destination element's contributions in index order as the CPU does (a float sum rounded
 * once per add on both sides), so nothing may differ. Indices repeat (the adds must accumulate,
 * not overwrite), are int32 and int64, and every operand is also tried as a permuted view; out of
 * range indices must be reported in the bad slot with the CPU's message, and leave dst unchanged.
 */
class EmulatedIndexKernelsTest {
    private final SplittableRandom rnd = new SplittableRandom(99);
    private final Backend cpu = Backends.cpu();
    private IndexKernels k;

    @BeforeEach void emulator() { k = new IndexKernels(EmulatorTests.emulator().kernels()); }

    private Tensor random(int... dims) { return EmulatorTests.gaussianOfMagnitudes(rnd, 2, dims); }

    /** Random indices in [0, bound) of the given type and shape. */
    private Tensor indices(DType t, int bound, int... dims) {
        int n = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = rnd.nextInt(bound);
        try (Tensor i32 = Tensor.ofInts(v, dims)) {
            return cpu.cast(i32, t);
        }
    }

    private static Tensor copyOf(Tensor t) { return Tensor.of(t.toFloatArray(), t.dims()); }

    private static Tensor badSlot() { return Tensor.ofLongs(new long[] {-1, 0}, 2); }

    // ---- gather, indexSelect -----------------------------------------------------------------------

    @Test void gatherMatchesTheCpuOnEveryAxisWithPermutedOperands() {
        try (Tensor x = random(3, 4, 5); Tensor xpBase = random(5, 3, 4); Tensor xp = xpBase.permute(1, 2, 0); Tensor bad = badSlot()) {
            for (int axis = 0; axis < 3; axis++) {
                for (DType it : new DType[] {DType.INT64, DType.INT32}) {
                    int[] idims = {2, 3, 4};
                    idims[axis] = 6; // longer than x on the axis: indices repeat
                    try (Tensor ibase = indices(it, x.dim(axis), idims[2], idims[1], idims[0]); Tensor index = ibase.permute(2, 1, 0)) {
                        for (Tensor in : new Tensor[] {x, xp}) {
                            try (Tensor want = cpu.gather(in, axis, index); Tensor got = out(DType.FLOAT32, want.dims())) {
                                assertArrayEquals(want.dims(), k.gather(view(in), DType.FLOAT32, axis, view(index), it, ptr(got), ptr(bad), 0));
                                assertSameElements(want, got, "gather along " + axis + " of " + (in == x ? "x" : "a permuted x") + " by " + it.label());
                            }
                        }
                    }
                }
            }
            try (Tensor xl = cpu.cast(x, DType.INT64); Tensor index = indices(DType.INT32, 4, 3, 2, 5);
                 Tensor want = cpu.gather(xl, 1, index); Tensor got = out(DType.INT64, 3, 2, 5)) {
                k.gather(view(xl), DType.INT64, 1, view(index), DType.INT32, ptr(got), ptr(bad), 0);
                assertSameElements(want, got, "gather of int64 elements");
            }
            assertArrayEquals(new long[] {-1, 0}, bad.toLongArray(), "no index was out of range");
        }
    }

    @Test void indexSelectMatchesTheCpuOnEveryAxis() {
        try (Tensor xBase = random(5, 4, 3); Tensor x = xBase.permute(1, 0, 2); Tensor bad = badSlot(); Tensor v = random(7)) {
            for (int axis = 0; axis < 3; axis++) {
                for (DType it : new DType[] {DType.INT64, DType.INT32}) {
                    try (Tensor ibase = indices(it, x.dim(axis), 12); Tensor index = ibase.slice(0, 1, 12, 2)) { // strided, with repeats
                        try (Tensor want = cpu.indexSelect(x, axis, index); Tensor got = out(DType.FLOAT32, want.dims())) {
                            assertArrayEquals(want.dims(), k.indexSelect(view(x), DType.FLOAT32, axis, view(index), it, ptr(got), ptr(bad), 0));
                            assertSameElements(want, got, "indexSelect along " + axis + " by " + it.label());
                        }
                    }
                }
            }
            try (Tensor xh = cpu.cast(x, DType.BFLOAT16); Tensor index = indices(DType.INT64, 5, 3); Tensor want = cpu.indexSelect(xh, 1, index);
                 Tensor got = out(DType.BFLOAT16, want.dims()); Tensor index1 = indices(DType.INT32, 7, 9);
                 Tensor want1 = cpu.indexSelect(v, 0, index1); Tensor got1 = out(DType.FLOAT32, 9)) {
                k.indexSelect(view(xh), DType.BFLOAT16, 1, view(index), DType.INT64, ptr(got), ptr(bad), 0);
                assertSameElements(want, got, "indexSelect of bfloat16 elements");
                k.indexSelect(view(v), DType.FLOAT32, 0, view(index1), DType.INT32, ptr(got1), ptr(bad), 0);
                assertSameElements(want1, got1, "indexSelect of a rank-1 x");
            }
            assertArrayEquals(new long[] {-1, 0}, bad.toLongArray(), "no index was out of range");
        }
    }

    // ---- scatterAdd, indexAdd ----------------------------------------------------------------------

    @Test void scatterAddAccumulatesRepeatedIndicesAsTheCpu() {
        try (Tensor bad = badSlot()) {
            for (int axis = 0; axis < 3; axis++) {
                for (boolean permuted : new boolean[] {false, true}) {
                    int[] dd = {4, 5, 3};
                    int[] id = {3, 4, 2};
                    id[axis] = 7; // more than dst's length on the axis: repeats
                    int[] sd = {4, 5, 3};
                    sd[axis] = 8; // src may be larger than index
                    DType it = permuted ? DType.INT32 : DType.INT64;
                    try (Tensor dstCpu = random(dd); Tensor dstBase = permuted ? copyOf(dstCpu.permute(2, 0, 1)) : copyOf(dstCpu);
                         Tensor dst = permuted ? dstBase.permute(1, 2, 0) : dstBase; Tensor index = indices(it, dd[axis], id);
                         Tensor srcBase = random(sd[2], sd[1], sd[0]); Tensor src = srcBase.permute(2, 1, 0)) {
                        cpu.scatterAdd(dstCpu, axis, index, src);
                        k.scatterAdd(view(dst), axis, view(index), it, view(src), ptr(bad), 0);
                        assertSameElements(dstCpu, dst, "scatterAdd along " + axis + (permuted ? " into a permuted dst" : ""));
                    }
                }
            }
            assertArrayEquals(new long[] {-1, 0}, bad.toLongArray(), "no index was out of range");
        }
    }

    @Test void indexAddAccumulatesRepeatedIndicesAsTheCpu() {
        try (Tensor bad = badSlot()) {
            for (int axis = 0; axis < 3; axis++) {
                for (boolean permuted : new boolean[] {false, true}) {
                    int[] dd = {4, 5, 3};
                    int[] sd = dd.clone();
                    sd[axis] = 9;
                    DType it = permuted ? DType.INT64 : DType.INT32;
                    try (Tensor dstCpu = random(dd); Tensor dstBase = permuted ? copyOf(dstCpu.permute(1, 2, 0)) : copyOf(dstCpu);
                         Tensor dst = permuted ? dstBase.permute(2, 0, 1) : dstBase; Tensor ibase = indices(it, dd[axis], 18);
                         Tensor index = ibase.slice(0, 0, 18, 2); Tensor srcBase = random(sd[1], sd[0], sd[2]); Tensor src = srcBase.permute(1, 0, 2)) {
                        cpu.indexAdd(dstCpu, axis, index, src);
                        k.indexAdd(view(dst), axis, view(index), it, view(src), ptr(bad), 0);
                        assertSameElements(dstCpu, dst, "indexAdd along " + axis + (permuted ? " into a permuted dst" : ""));
                    }
                }
            }
            assertArrayEquals(new long[] {-1, 0}, bad.toLongArray(), "no index was out of range");
        }
    }

    // ---- out-of-range indices ------------------------------------------------------------------------

    /** The CPU's exception for the op, and the message IndexKernels.outOfRange builds from the bad slot. */
    private static void assertCpuMessage(Runnable cpuOp, Tensor bad, String op, int axis, Tensor t, int axisLen) {
        var e = assertThrows(IndexOutOfBoundsException.class, cpuOp::run);
        long[] b = bad.toLongArray();
        assertEquals(e.getMessage(), IndexKernels.outOfRange(op, b[1], axis, t.describe(), axisLen).getMessage());
    }

    @Test void outOfRangeIndicesAreReportedWithTheCpuMessage() {
        try (Tensor x = random(3, 4); Tensor bad = badSlot()) {
            long[] iv = {0, 1, 2, 3, 9, 1}; // one bad index, at flat position 4
            try (Tensor index = Tensor.ofLongs(iv, 3, 2); Tensor got = out(DType.FLOAT32, 3, 2)) {
                k.gather(view(x), DType.FLOAT32, 1, view(index), DType.INT64, ptr(got), ptr(bad), 0);
                assertArrayEquals(new long[] {4, 9}, bad.toLongArray(), "gather: position and value");
                assertEquals(0f, got.toFloatArray()[4], "gather writes 0 for a bad index");
                assertCpuMessage(() -> cpu.gather(x, 1, index), bad, "gather", 1, x, 4);
            }
            try (Tensor bad2 = badSlot(); Tensor index = Tensor.ofInts(new int[] {1, -2, 0}, 3); Tensor got = out(DType.FLOAT32, 3, 3)) {
                k.indexSelect(view(x), DType.FLOAT32, 1, view(index), DType.INT32, ptr(got), ptr(bad2), 0);
                assertArrayEquals(new long[] {1, -2}, bad2.toLongArray(), "indexSelect: position and value");
                assertCpuMessage(() -> cpu.indexSelect(x, 1, index), bad2, "indexSelect", 1, x, 4);
            }
            try (Tensor bad3 = badSlot(); Tensor dst = random(3, 4); Tensor before = copyOf(dst); Tensor index = Tensor.ofLongs(new long[] {0, 2, 3, 0, 1, 3}, 2, 3);
                 Tensor src = random(2, 3)) {
                k.scatterAdd(view(dst), 0, view(index), DType.INT64, view(src), ptr(bad3), 0);
                long[] b = bad3.toLongArray();
                assertTrue((b[0] == 2 || b[0] == 5) && b[1] == 3, "scatterAdd: a bad flat position (2 or 5) and its value 3, got " + Arrays.toString(b));
                assertSameElements(before, dst, "scatterAdd leaves dst unchanged when an index is out of range");
                assertCpuMessage(() -> cpu.scatterAdd(dst, 0, index, src), bad3, "scatterAdd", 0, dst, 3);
            }
            try (Tensor bad5 = badSlot(); Tensor dst = random(3, 4); Tensor before = copyOf(dst); Tensor index = Tensor.ofInts(new int[] {1, 4}, 2);
                 Tensor src = random(3, 2)) {
                k.indexAdd(view(dst), 1, view(index), DType.INT32, view(src), ptr(bad5), 0);
                assertArrayEquals(new long[] {1, 4}, bad5.toLongArray(), "indexAdd: position and value");
                assertSameElements(before, dst, "indexAdd leaves dst unchanged when an index is out of range");
                assertCpuMessage(() -> cpu.indexAdd(dst, 1, index, src), bad5, "indexAdd", 1, dst, 4);
            }
        }
    }

    @Test void badShapesAreRefusedNamingTheOpAndShapes() {
        var v = TensorKernels.View.contiguous(8, 3, 4);
        var e = assertThrows(IllegalArgumentException.class,
                () -> k.gather(v, DType.FLOAT32, 1, TensorKernels.View.contiguous(8, 4, 2), DType.INT64, 8, 0, 0));
        assertTrue(e.getMessage().contains("gather") && e.getMessage().contains("[3, 4]") && e.getMessage().contains("larger"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> k.indexSelect(v, DType.FLOAT32, 1, TensorKernels.View.contiguous(8, 4), DType.FLOAT32, 8, 0, 0));
        assertTrue(e.getMessage().contains("indexSelect") && e.getMessage().contains("int64 or int32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k.indexAdd(new TensorKernels.View(8, new int[] {3, 4}, new long[] {0, 1}), 1,
                TensorKernels.View.contiguous(8, 2), DType.INT64, TensorKernels.View.contiguous(8, 3, 2), 0, 0));
        assertTrue(e.getMessage().contains("indexAdd") && e.getMessage().contains("broadcast"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k.scatterAdd(v, 0, TensorKernels.View.contiguous(8, 2, 5), DType.INT64,
                TensorKernels.View.contiguous(8, 3, 4), 0, 0));
        assertTrue(e.getMessage().contains("scatterAdd") && e.getMessage().contains("no larger"), e.getMessage());
    }
}
