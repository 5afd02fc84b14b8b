package org.voxelforge.core;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TensorViewTest {
    private static Tensor iota(int... dims) {
        int n = (int) Shape.of(dims).numel();
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = i;
        return Tensor.of(DType.FLOAT64, v, dims);
    }

    @Test void runsOnJava25() {
        assertTrue(Runtime.version().feature() >= 25, "tests must run on JDK 25+, got " + Runtime.version());
    }

    @Test void reshapeOfContiguousSharesStorage() {
        try (TensorScope s = new TensorScope()) {
            Tensor a = iota(2, 3, 4);
            Tensor b = a.reshape(6, -1);
            assertSame(a.storage(), b.storage());
            assertArrayEquals(new int[] {6, 4}, b.dims());
            assertEquals(13.0, b.get(3, 1));
        }
    }

    @Test void permuteThenReshapeCopiesWhenNeeded() {
        try (TensorScope s = new TensorScope()) {
            Tensor a = iota(2, 3);
            Tensor t = a.transpose(0, 1);                 // [3, 2], not contiguous
            assertFalse(t.isContiguous());
            assertEquals(3.0, t.get(0, 1));
            Tensor f = t.reshape(6);                      // needs a copy
            assertNotSame(a.storage(), f.storage());
            assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, f.toDoubleArray());
            assertThrows(IllegalStateException.class, () -> t.view(6));
        }
    }

    @Test void viewMergesContiguousChunksOfAPermutedTensor() {
        try (TensorScope s = new TensorScope()) {
            Tensor a = iota(2, 3, 4);
            Tensor p = a.permute(1, 2, 0);                // [3, 4, 2]: axes 1,2 still adjacent in memory
            Tensor v = p.view(12, 2);
            assertSame(a.storage(), v.storage());
            for (int i = 0; i < 12; i++) for (int j = 0; j < 2; j++) {
                assertEquals(p.get(i / 4, i % 4, j), v.get(i, j));
            }
        }
    }

    @Test void sliceSelectExpandSqueeze() {
        try (TensorScope s = new TensorScope()) {
            Tensor a = iota(4, 5);
            Tensor sl = a.slice(1, 1, 5, 2);              // columns 1 and 3
            assertArrayEquals(new double[] {1, 3, 6, 8, 11, 13, 16, 18}, sl.toDoubleArray());
            Tensor neg = a.slice(0, -2, 4);
            assertArrayEquals(new int[] {2, 5}, neg.dims());
            assertEquals(10.0, neg.get(0, 0));
            Tensor row = a.select(0, 2);
            assertArrayEquals(new double[] {10, 11, 12, 13, 14}, row.toDoubleArray());
            Tensor col = a.slice(1, 0, 1);                // [4, 1]
            Tensor e = col.expand(2, 4, 3);
            assertArrayEquals(new int[] {2, 4, 3}, e.dims());
            assertEquals(15.0, e.get(1, 3, 2));
            assertArrayEquals(new int[] {4}, col.squeeze(1).dims());
            assertArrayEquals(new int[] {4, 1, 1}, col.unsqueeze(1).dims());
            assertArrayEquals(new int[] {1, 4, 1}, col.unsqueeze(0).dims());
            assertThrows(ShapeMismatchException.class, () -> a.expand(4, 6));
            assertThrows(ShapeMismatchException.class, () -> a.squeeze(0));
        }
    }

    @Test void contiguousOfStridedViewCopiesValues() {
        try (TensorScope s = new TensorScope()) {
            Tensor a = iota(3, 4);
            Tensor c = a.transpose(0, 1).contiguous();
            assertTrue(c.isContiguous());
            assertArrayEquals(new double[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, c.toDoubleArray());
        }
    }

    @Test void useAfterCloseIsAClearError() {
        Tensor a = Tensor.zeros(2, 2);
        Tensor v = a.reshape(4);
        a.close();
        assertEquals(0.0, v.get(1), "a view keeps the storage alive");
        v.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> v.get(0));
        assertTrue(e.getMessage().contains("after close"), e.getMessage());
    }

    @Test void scopeClosesAllButRetained() {
        Tensor kept;
        Tensor dropped;
        try (TensorScope s = new TensorScope()) {
            dropped = Tensor.zeros(3);
            kept = s.retain(Tensor.ones(3));
        }
        assertTrue(dropped.isClosed());
        assertFalse(kept.isClosed());
        assertEquals(1.0, kept.get(2));
        kept.close();
    }

    @Test void nestedScopeRetainMovesToParent() {
        Tensor inner;
        try (TensorScope outer = new TensorScope()) {
            try (TensorScope s = new TensorScope()) {
                inner = s.retain(Tensor.ones(2));
            }
            assertFalse(inner.isClosed());
            assertEquals(1, outer.size());
        }
        assertTrue(inner.isClosed());
    }

    @Test void badShapesNameTheOp() {
        var e = assertThrows(ShapeMismatchException.class, () -> Shape.broadcast("add", Shape.of(2, 3), Shape.of(4, 3)));
        assertTrue(e.getMessage().contains("add") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 3]"), e.getMessage());
        var r = assertThrows(ShapeMismatchException.class, () -> Tensor.zeros(2, 3).reshape(4, 2));
        assertTrue(r.getMessage().contains("reshape"), r.getMessage());
        var bs = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.BOOL, 2).sub(Tensor.zeros(DType.BOOL, 2)));
        assertTrue(bs.getMessage().startsWith("sub: bool tensors cannot be subtracted"), bs.getMessage());
        var ax = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).transpose(0, 2));
        assertTrue(ax.getMessage().contains("out of range"), ax.getMessage());
    }

    @Test void sixteenBitFloatsRoundToNearestEven() {
        assertEquals(1.0f, DType.bf16ToFloat(DType.floatToBf16(1.0f)));
        // 1 + 2^-8 is exactly halfway between two bf16 values; ties go to even (1.0)
        assertEquals(1.0f, DType.bf16ToFloat(DType.floatToBf16(1.0f + 0x1.0p-8f)));
        assertEquals(1.0f + 0x1.0p-7f, DType.bf16ToFloat(DType.floatToBf16(1.0f + 0x1.8p-8f)));
        assertTrue(Float.isNaN(DType.bf16ToFloat(DType.floatToBf16(Float.NaN))));
        try (Tensor h = Tensor.of(DType.FLOAT16, new double[] {0.1, 65504, -2.5}, 3)) {
            assertEquals(Float.float16ToFloat(Float.floatToFloat16(0.1f)), h.get(0), 0);
            assertEquals(65504.0, h.get(1));
            assertEquals(-2.5, h.get(2));
        }
    }
}
