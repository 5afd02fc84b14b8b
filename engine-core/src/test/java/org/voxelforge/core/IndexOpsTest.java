package org.voxelforge.core;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.core.TestTensors.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** gather, scatterAdd, indexSelect, indexAdd and oneHot on the CPU against naive index loops. */
class IndexOpsTest {
    private static final Backend CPU = Backends.cpu();

    /** Random indices in [0, n) of the given dtype and shape. */
    private static Tensor indices(DType dt, long seed, int n, int... dims) {
        Random r = new Random(seed);
        double[] v = new double[(int) Shape.of(dims).numel()];
        for (int i = 0; i < v.length; i++) v[i] = r.nextInt(n);
        return Tensor.of(dt, v, dims);
    }

    private static void assertSameValues(Tensor expected, Tensor actual) {
        assertEquals(expected.shape(), actual.shape());
        assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray());
    }

    // ---- gather / scatterAdd ---------------------------------------------------------------

    private static Tensor naiveGather(Tensor x, int axis, Tensor index) {
        Tensor out = Tensor.zeros(x.dtype(), index.dims());
        forEachIndex(index.dims(), idx -> {
            long[] src = idx.clone();
            src[axis] = (long) index.get(idx);
            out.set(x.get(src), idx);
        });
        return out;
    }

    private static Tensor naiveScatterAdd(Tensor dst, int axis, Tensor index, Tensor src) {
        Tensor out = dst.copy();
        forEachIndex(index.dims(), idx -> {
            long[] d = idx.clone();
            d[axis] = (long) index.get(idx);
            out.set(out.get(d) + src.get(idx), d);
        });
        return out;
    }

    @Test void gatherMatchesNaiveOnEveryAxisDTypeAndLayout() {
        try (TensorScope s = new TensorScope()) {
            int[] xd = {4, 5, 6};
            for (DType it : new DType[] {DType.INT64, DType.INT32}) {
                for (DType xt : new DType[] {DType.FLOAT32, DType.INT64, DType.FLOAT16, DType.UINT8}) {
                    for (int axis = 0; axis < 3; axis++) {
                        int[] id = {3, 4, 5};
                        id[axis] = 7; // more picks than the axis has: indices repeat
                        Tensor[] xs = {random(xt, 1, xd), transposedView(xt, 2, xd), slicedView(xt, 3, xd)};
                        Tensor[] is = {indices(it, 4, xd[axis], id), indices(it, 5, xd[axis], id[2], id[1], id[0]).permute(2, 1, 0)};
                        for (Tensor x : xs) for (Tensor index : is) {
                            assertSameValues(naiveGather(x, axis, index), x.gather(axis, index));
                        }
                    }
                }
            }
            // across the parallel grain
            Tensor x = transposedView(DType.FLOAT32, 6, 64, 40, 32);
            Tensor index = indices(DType.INT64, 7, 40, 64, 30, 32);
            assertSameValues(naiveGather(x, 1, index), x.gather(1, index));
        }
    }

    @Test void gatherRejectsAnOutOfRangeIndexNamingIt() {
        try (TensorScope s = new TensorScope()) {
            Tensor x = random(DType.FLOAT32, 1, 3, 4);
            Tensor bad = Tensor.ofLongs(new long[] {0, 1, 4, 2}, 1, 4);
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> x.gather(0, bad));
            assertTrue(e.getMessage().contains("gather") && e.getMessage().contains("4") && e.getMessage().contains("< 3"), e.getMessage());
            Tensor neg = Tensor.ofInts(new int[] {-1}, 1, 1);
            e = assertThrows(IndexOutOfBoundsException.class, () -> x.gather(1, neg));
            assertTrue(e.getMessage().contains("-1") && e.getMessage().contains("0 <= index < 4"), e.getMessage());
            // thrown from a worker thread of a big gather, the message still arrives intact
            Tensor big = Tensor.zeros(DType.FLOAT32, 200_000, 2);
            Tensor idx = Tensor.zeros(DType.INT64, 200_000, 1);
            idx.set(9, 150_000, 0);
            e = assertThrows(IndexOutOfBoundsException.class, () -> big.gather(1, idx));
            assertTrue(e.getMessage().contains("index 9"), e.getMessage());
        }
    }

    @Test void scatterAddMatchesNaiveWithRepeatedIndices() {
        try (TensorScope s = new TensorScope()) {
            for (DType dt : new DType[] {DType.FLOAT64, DType.FLOAT32, DType.INT64, DType.INT32}) {
                for (int axis = 0; axis < 3; axis++) {
                    int[] dd = {4, 5, 6};
                    int[] id = {3, 4, 5};
                    id[axis] = 9;
                    Tensor index = indices(DType.INT64, 10 + axis, dd[axis], id);
                    Tensor src = transposedView(dt, 11, 9, 9, 9).slice(0, 0, id[0]).slice(1, 0, id[1]).slice(2, 0, id[2]);
                    Tensor dst = random(dt, 12, dd);
                    Tensor expected = naiveScatterAdd(dst, axis, index, src);
                    int v0 = dst.version();
                    CPU.scatterAdd(dst, axis, index, src);
                    assertTrue(dst.version() > v0, "scatterAdd must bump the storage version");
                    assertSameValues(expected, dst);
                }
            }
            // big and parallel, into a transposed dst view
            Tensor dst = transposedView(DType.FLOAT64, 13, 50, 40, 30);
            Tensor index = indices(DType.INT32, 14, 40, 50, 60, 30);
            Tensor src = random(DType.FLOAT64, 15, 50, 60, 30);
            Tensor expected = naiveScatterAdd(dst, 1, index, src);
            CPU.scatterAdd(dst, 1, index, src);
            assertSameValues(expected, dst);
        }
    }

    @Test void scatterAddChecksEveryIndexBeforeWriting() {
        try (TensorScope s = new TensorScope()) {
            Tensor dst = Tensor.zeros(DType.FLOAT32, 3, 2);
            Tensor index = Tensor.ofLongs(new long[] {0, 1, 2, 3}, 2, 2);
            Tensor src = Tensor.ones(2, 2);
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> CPU.scatterAdd(dst, 0, index, src));
            assertTrue(e.getMessage().contains("scatterAdd") && e.getMessage().contains("3") && e.getMessage().contains("< 3"), e.getMessage());
            assertArrayEquals(new double[6], dst.toDoubleArray(), "nothing may be written when an index is bad");
            assertThrows(IllegalArgumentException.class, () -> CPU.scatterAdd(Tensor.zeros(DType.FLOAT32, 1, 2).expand(3, 2), 0,
                    Tensor.ofLongs(new long[] {0, 0}, 1, 2), src.slice(0, 0, 1)));
            assertThrows(IllegalArgumentException.class, () -> CPU.scatterAdd(dst, 0, Tensor.ofLongs(new long[] {0, 0}, 1, 2),
                    Tensor.zeros(DType.FLOAT64, 1, 2)));
            assertThrows(ShapeMismatchException.class, () -> CPU.scatterAdd(dst, 0, Tensor.ofLongs(new long[] {0, 0, 0}, 1, 3),
                    Tensor.zeros(DType.FLOAT32, 1, 3)));
        }
    }

    @Test void scatterAddIsTheAdjointOfGather() {
        try (TensorScope s = new TensorScope()) {
            for (int axis = 0; axis < 3; axis++) {
                Tensor x = random(DType.FLOAT64, 20 + axis, 5, 6, 7);
                int[] id = {4, 5, 6};
                id[axis] = 11;
                Tensor index = indices(DType.INT64, 30 + axis, x.dim(axis), id);
                Tensor y = random(DType.FLOAT64, 40 + axis, id);
                Tensor back = Tensor.zeros(DType.FLOAT64, 5, 6, 7);
                CPU.scatterAdd(back, axis, index, y);
                // <gather(x), y> == <x, scatterAdd(0, y)>, exact for small integers in float64
                assertEquals(dot(x.gather(axis, index), y), dot(x, back));
            }
        }
    }

    // ---- indexSelect / indexAdd ------------------------------------------------------------

    private static Tensor naiveIndexSelect(Tensor x, int axis, Tensor index) {
        int[] od = x.dims();
        od[axis] = index.dim(0);
        Tensor out = Tensor.zeros(x.dtype(), od);
        forEachIndex(od, idx -> {
            long[] src = idx.clone();
            src[axis] = (long) index.get(idx[axis]);
            out.set(x.get(src), idx);
        });
        return out;
    }

    private static Tensor naiveIndexAdd(Tensor dst, int axis, Tensor index, Tensor src) {
        Tensor out = dst.copy();
        forEachIndex(src.dims(), idx -> {
            long[] d = idx.clone();
            d[axis] = (long) index.get(idx[axis]);
            out.set(out.get(d) + src.get(idx), d);
        });
        return out;
    }

    @Test void indexSelectMatchesNaive() {
        try (TensorScope s = new TensorScope()) {
            int[] xd = {4, 5, 6};
            for (DType it : new DType[] {DType.INT64, DType.INT32}) {
                for (DType xt : new DType[] {DType.FLOAT32, DType.INT64, DType.BFLOAT16, DType.BOOL}) {
                    for (int axis = 0; axis < 3; axis++) {
                        Tensor index = indices(it, 50 + axis, xd[axis], 8);
                        for (Tensor x : new Tensor[] {random(xt, 51, xd), transposedView(xt, 52, xd), slicedView(xt, 53, xd)}) {
                            assertSameValues(naiveIndexSelect(x, axis, index), x.indexSelect(axis, index));
                        }
                    }
                }
            }
            Tensor v = random(DType.FLOAT64, 54, 10);
            Tensor index = Tensor.ofLongs(new long[] {9, 0, 9, 3}, 4);
            assertArrayEquals(new double[] {v.get(9), v.get(0), v.get(9), v.get(3)}, v.indexSelect(0, index).toDoubleArray());
            assertSameValues(naiveIndexSelect(v.flip(0), 0, index), v.flip(0).indexSelect(0, index));
            assertEquals(0, v.indexSelect(0, Tensor.zeros(DType.INT64, 0)).numel());
            Tensor big = transposedView(DType.FLOAT32, 55, 30, 60, 40);
            Tensor bi = indices(DType.INT64, 56, 60, 100);
            assertSameValues(naiveIndexSelect(big, 1, bi), big.indexSelect(1, bi));
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                    () -> v.indexSelect(0, Tensor.ofLongs(new long[] {2, 10}, 2)));
            assertTrue(e.getMessage().contains("indexSelect") && e.getMessage().contains("10"), e.getMessage());
        }
    }

    @Test void indexAddMatchesNaiveAndIsTheAdjointOfIndexSelect() {
        try (TensorScope s = new TensorScope()) {
            int[] dd = {4, 5, 6};
            for (DType dt : new DType[] {DType.FLOAT64, DType.FLOAT32, DType.INT32}) {
                for (int axis = 0; axis < 3; axis++) {
                    Tensor index = indices(DType.INT64, 60 + axis, dd[axis], 9);
                    int[] sd = dd.clone();
                    sd[axis] = 9;
                    Tensor src = transposedView(dt, 61, sd);
                    Tensor dst = random(dt, 62, dd);
                    Tensor expected = naiveIndexAdd(dst, axis, index, src);
                    int v0 = dst.version();
                    CPU.indexAdd(dst, axis, index, src);
                    assertTrue(dst.version() > v0, "indexAdd must bump the storage version");
                    assertSameValues(expected, dst);
                }
            }
            for (int axis = 0; axis < 3; axis++) {
                Tensor x = random(DType.FLOAT64, 70 + axis, dd);
                Tensor index = indices(DType.INT32, 71 + axis, dd[axis], 12);
                int[] yd = dd.clone();
                yd[axis] = 12;
                Tensor y = random(DType.FLOAT64, 72 + axis, yd);
                Tensor back = Tensor.zeros(DType.FLOAT64, dd);
                CPU.indexAdd(back, axis, index, y);
                assertEquals(dot(x.indexSelect(axis, index), y), dot(x, back));
            }
            Tensor dst = Tensor.zeros(DType.FLOAT32, 3, 2);
            assertThrows(IndexOutOfBoundsException.class, () -> CPU.indexAdd(dst, 0, Tensor.ofLongs(new long[] {5}, 1), Tensor.ones(1, 2)));
            assertThrows(ShapeMismatchException.class, () -> CPU.indexAdd(dst, 0, Tensor.ofLongs(new long[] {0}, 1), Tensor.ones(2, 2)));
            assertArrayEquals(new double[6], dst.toDoubleArray());
        }
    }

    // ---- oneHot ----------------------------------------------------------------------------

    private static Tensor naiveOneHot(Tensor labels, int c, int axis, DType dt) {
        int[] ld = labels.dims();
        int[] od = new int[ld.length + 1];
        for (int i = 0, j = 0; i < od.length; i++) od[i] = i == axis ? c : ld[j++];
        Tensor out = Tensor.zeros(dt, od);
        forEachIndex(od, idx -> {
            long[] l = new long[ld.length];
            for (int i = 0, j = 0; i < od.length; i++) if (i != axis) l[j++] = idx[i];
            out.set(labels.get(l) == idx[axis] ? 1 : 0, idx);
        });
        return out;
    }

    @Test void oneHotOfAVolumeBatchAtAxisOne() {
        try (TensorScope s = new TensorScope()) {
            Tensor labels = indices(DType.INT64, 80, 4, 2, 3, 4, 5);          // [N, D, H, W]
            Tensor oh = labels.oneHot(4, 1, DType.FLOAT32);
            assertArrayEquals(new int[] {2, 4, 3, 4, 5}, oh.dims());            // [N, C, D, H, W]
            assertSameValues(naiveOneHot(labels, 4, 1, DType.FLOAT32), oh);
            // other axes, dtypes and layouts
            Tensor u8 = indices(DType.UINT8, 81, 3, 5, 6).transpose(0, 1);
            for (int axis : new int[] {0, 1, 2}) {
                assertSameValues(naiveOneHot(u8, 3, axis, DType.UINT8), u8.oneHot(3, axis, DType.UINT8));
            }
            assertSameValues(naiveOneHot(u8, 3, 2, DType.FLOAT16), u8.oneHot(3, -1, DType.FLOAT16));
            assertArrayEquals(new double[] {0, 0, 1}, Tensor.scalar(2, DType.INT64).oneHot(3, 0, DType.FLOAT32).toDoubleArray());
            Tensor big = indices(DType.INT32, 82, 3, 2, 40, 40, 16);
            assertSameValues(naiveOneHot(big, 3, 1, DType.BFLOAT16), big.oneHot(3, 1, DType.BFLOAT16));
        }
    }

    @Test void oneHotRejectsLabelsOutsideTheClassRange() {
        try (TensorScope s = new TensorScope()) {
            Tensor labels = Tensor.ofLongs(new long[] {0, 1, 5, 2}, 2, 2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> labels.oneHot(3, 1, DType.FLOAT32));
            assertTrue(e.getMessage().contains("oneHot") && e.getMessage().contains("5") && e.getMessage().contains("numClasses = 3"),
                    e.getMessage());
            Tensor neg = Tensor.ofInts(new int[] {-2}, 1);
            e = assertThrows(IllegalArgumentException.class, () -> neg.oneHot(3, 0, DType.FLOAT32));
            assertTrue(e.getMessage().contains("-2"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Tensor.ones(2).oneHot(3, 0, DType.FLOAT32));
        }
    }
}
