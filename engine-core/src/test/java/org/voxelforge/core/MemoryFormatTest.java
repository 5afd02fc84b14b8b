package org.voxelforge.core;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** MemoryFormat's orders, strides and detection, and Tensor.contiguous(format) on the CPU. */
class MemoryFormatTest {
    private static final MemoryFormat CL = MemoryFormat.CHANNELS_LAST;

    @Test void ordersAndStrides() {
        assertArrayEquals(new int[] {0, 2, 3, 4, 1}, CL.storedOrder(5));
        assertArrayEquals(new int[] {0, 4, 1, 2, 3}, CL.logicalOrder(5));
        assertArrayEquals(new int[] {0, 2, 3, 1}, CL.storedOrder(4));
        assertArrayEquals(new int[] {2, 4, 5, 6, 3}, CL.storedDims(new int[] {2, 3, 4, 5, 6}));
        assertArrayEquals(new long[] {360, 1, 90, 18, 3}, CL.strides(new int[] {2, 3, 4, 5, 6}));
        assertArrayEquals(new long[] {360, 120, 30, 6, 1}, MemoryFormat.CONTIGUOUS.strides(new int[] {2, 3, 4, 5, 6}));
        assertThrows(IllegalArgumentException.class, () -> CL.storedOrder(2));
    }

    @Test void detectsTheFormatFromStrides() {
        Tensor x = Tensor.zeros(2, 3, 4, 5, 6);
        assertEquals(MemoryFormat.CONTIGUOUS, x.memoryFormat());
        Tensor cl = x.contiguous(CL);
        assertArrayEquals(CL.strides(x.dims()), cl.strides());
        assertEquals(CL, cl.memoryFormat());
        assertTrue(CL.isDense(cl));
        assertFalse(CL.isDense(x));
        // a channel slice strides like channels-last though it is not dense
        Tensor slice = cl.slice(1, 1, 3);
        assertEquals(CL, slice.memoryFormat());
        assertFalse(CL.isDense(slice));
        // C of 1 (or spatial 1) is dense in both: packing it channels-last gives the channels-last strides, which tell it apart
        Tensor one = Tensor.zeros(2, 1, 3, 3, 3);
        assertEquals(MemoryFormat.CONTIGUOUS, one.memoryFormat());
        assertEquals(CL, one.contiguous(CL).memoryFormat());
        assertSame(one.storage(), one.contiguous(CL).storage(), "restrided, not copied");
        assertEquals(CL, Tensor.zeros(2, 4, 1, 1, 1).contiguous(CL).memoryFormat());
        // a transposed spatial pair is neither
        assertEquals(MemoryFormat.CONTIGUOUS, x.transpose(3, 4).memoryFormat());
        // broadcast (stride 0) axes are not channels-last
        assertEquals(MemoryFormat.CONTIGUOUS, Tensor.zeros(1, 3, 1, 1, 1).expand(2, 3, 4, 4, 4).memoryFormat());
        // rank 2 has no channels-last
        assertEquals(MemoryFormat.CONTIGUOUS, Tensor.zeros(3, 4).transpose(0, 1).memoryFormat());
    }

    @Test void contiguousInAFormatKeepsValuesAndSharesWhenAlreadyDense() {
        float[] v = new float[2 * 3 * 2 * 2 * 2];
        for (int i = 0; i < v.length; i++) v[i] = i;
        Tensor x = Tensor.of(v, 2, 3, 2, 2, 2);
        Tensor cl = x.contiguous(CL);
        assertArrayEquals(x.toFloatArray(), cl.toFloatArray());
        assertEquals(1.0 * (((1 * 3 + 2) * 2 + 1) * 2 + 0) * 2 + 1, cl.get(1, 2, 1, 0, 1));
        Tensor again = cl.contiguous(CL);
        assertSame(cl.storage(), again.storage(), "already dense: a view");
        Tensor back = cl.contiguous(MemoryFormat.CONTIGUOUS);
        assertTrue(back.isContiguous());
        assertArrayEquals(v, back.toFloatArray());
    }
}
