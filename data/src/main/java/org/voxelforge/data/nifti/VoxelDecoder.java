package org.voxelforge.data.nifti;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.voxelforge.core.DType;

/**
 * Turns a chunk of raw voxel bytes (as on disk: any byte order) into tensor elements. The bytes
 * already have the tensor's layout for uint8/int32/int64/float32/float64 without scaling: then it
 * is one bulk copy that also swaps bytes when the file's order is not the machine's. Widening and
 * scaling go through per-chunk scratch arrays. Not thread-safe: one decoder per read.
 */
final class VoxelDecoder {
    private final NiftiDataType type;
    private final ByteOrder order;
    private final boolean scaled;
    private final double slope;
    private final double inter;
    private final DType out;

    VoxelDecoder(NiftiDataType type, ByteOrder order, boolean scaled, double slope, double inter) {
        this.type = type;
        this.order = order;
        this.scaled = scaled;
        this.slope = slope;
        this.inter = inter;
        this.out = outputType(type, scaled);
    }

    /** The tensor dtype of an image of {@code type}, scaled or not. */
    static DType outputType(NiftiDataType type, boolean scaled) {
        if (!scaled) return type.tensorType();
        return type == NiftiDataType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
    }

    DType outputType() { return out; }

    /** Decodes {@code count} voxels from {@code src} (at byte 0) into {@code dst} starting at element {@code at}. */
    void decode(MemorySegment src, int count, MemorySegment dst, long at) {
        if (!scaled && type.storedAsIs()) {
            copyAsIs(src, count, dst, at);
        } else if (!scaled) {
            widen(src, count, dst, at);
        } else {
            scale(src, count, dst, at);
        }
    }

    // Scratch arrays: bulk copies (which also swap bytes) in and out of plain Java arrays, with
    // the arithmetic in simple array loops that the JIT vectorizes.
    private short[] shorts = new short[0];
    private int[] ints = new int[0];
    private long[] longs = new long[0];
    private double[] doubles = new double[0];
    private float[] floats = new float[0];

    /** int8, int16, uint16 to int32; uint32 to int64. */
    private void widen(MemorySegment src, int n, MemorySegment dst, long at) {
        switch (type) {
            case INT8, INT16, UINT16 -> {
                int[] out = ints(n);
                if (type == NiftiDataType.INT8) {
                    for (int i = 0; i < n; i++) out[i] = src.get(ValueLayout.JAVA_BYTE, i);
                } else {
                    short[] in = shorts(n);
                    MemorySegment.copy(src, ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), 0, in, 0, n);
                    if (type == NiftiDataType.INT16) for (int i = 0; i < n; i++) out[i] = in[i];
                    else for (int i = 0; i < n; i++) out[i] = in[i] & 0xFFFF;
                }
                MemorySegment.copy(out, 0, dst, ValueLayout.JAVA_INT_UNALIGNED, at * 4, n);
            }
            case UINT32 -> {
                int[] in = ints(n);
                long[] out = longs(n);
                MemorySegment.copy(src, ValueLayout.JAVA_INT_UNALIGNED.withOrder(order), 0, in, 0, n);
                for (int i = 0; i < n; i++) out[i] = in[i] & 0xFFFFFFFFL;
                MemorySegment.copy(out, 0, dst, ValueLayout.JAVA_LONG_UNALIGNED, at * 8, n);
            }
            default -> throw new AssertionError(type + " is stored as is");
        }
    }

    /** raw * slope + inter in double (skipping the identity steps as nibabel does, so -0.0 stays -0.0), stored as float32 or float64. */
    private void scale(MemorySegment src, int n, MemorySegment dst, long at) {
        double[] v = doubles(n);
        switch (type) {
            case UINT8 -> { for (int i = 0; i < n; i++) v[i] = src.get(ValueLayout.JAVA_BYTE, i) & 0xFF; }
            case INT8 -> { for (int i = 0; i < n; i++) v[i] = src.get(ValueLayout.JAVA_BYTE, i); }
            case INT16, UINT16 -> {
                short[] in = shorts(n);
                MemorySegment.copy(src, ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), 0, in, 0, n);
                if (type == NiftiDataType.INT16) for (int i = 0; i < n; i++) v[i] = in[i];
                else for (int i = 0; i < n; i++) v[i] = in[i] & 0xFFFF;
            }
            case INT32, UINT32 -> {
                int[] in = ints(n);
                MemorySegment.copy(src, ValueLayout.JAVA_INT_UNALIGNED.withOrder(order), 0, in, 0, n);
                if (type == NiftiDataType.INT32) for (int i = 0; i < n; i++) v[i] = in[i];
                else for (int i = 0; i < n; i++) v[i] = in[i] & 0xFFFFFFFFL;
            }
            case INT64 -> {
                long[] in = longs(n);
                MemorySegment.copy(src, ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order), 0, in, 0, n);
                for (int i = 0; i < n; i++) v[i] = in[i];
            }
            case FLOAT32 -> {
                float[] in = floats(n);
                MemorySegment.copy(src, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(order), 0, in, 0, n);
                for (int i = 0; i < n; i++) v[i] = in[i];
            }
            case FLOAT64 -> MemorySegment.copy(src, ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(order), 0, v, 0, n);
        }
        if (slope != 1) for (int i = 0; i < n; i++) v[i] *= slope;
        if (inter != 0) for (int i = 0; i < n; i++) v[i] += inter;
        if (out == DType.FLOAT64) {
            MemorySegment.copy(v, 0, dst, ValueLayout.JAVA_DOUBLE_UNALIGNED, at * 8, n);
        } else {
            float[] f = floats(n);
            for (int i = 0; i < n; i++) f[i] = (float) v[i];
            MemorySegment.copy(f, 0, dst, ValueLayout.JAVA_FLOAT_UNALIGNED, at * 4, n);
        }
    }

    private short[] shorts(int n) { return shorts.length >= n ? shorts : (shorts = new short[n]); }
    private int[] ints(int n) { return ints.length >= n ? ints : (ints = new int[n]); }
    private long[] longs(int n) { return longs.length >= n ? longs : (longs = new long[n]); }
    private double[] doubles(int n) { return doubles.length >= n ? doubles : (doubles = new double[n]); }
    private float[] floats(int n) { return floats.length >= n ? floats : (floats = new float[n]); }

    private void copyAsIs(MemorySegment src, long count, MemorySegment dst, long at) {
        int size = type.byteSize();
        if (size == 1) {
            MemorySegment.copy(src, 0, dst, at, count);
            return;
        }
        ValueLayout from = layout(size).withOrder(order);
        ValueLayout to = layout(size).withOrder(ByteOrder.nativeOrder());
        // MemorySegment.copy swaps bytes when the two layouts' orders differ.
        MemorySegment.copy(src, from, 0, dst, to, at * size, count);
    }

    /** Swaps {@code count} elements of this decoder's type in place when the file's order is not the machine's. */
    void swapInPlace(MemorySegment data, long count) {
        int size = type.byteSize();
        if (size == 1 || order == ByteOrder.nativeOrder()) return;
        // overlapping copies behave as if through a temporary segment, so source == destination is fine
        MemorySegment.copy(data, layout(size).withOrder(order), 0, data, layout(size).withOrder(ByteOrder.nativeOrder()), 0, count);
    }

    private static ValueLayout layout(int size) {
        return switch (size) {
            case 2 -> ValueLayout.JAVA_SHORT_UNALIGNED;
            case 4 -> ValueLayout.JAVA_INT_UNALIGNED;
            default -> ValueLayout.JAVA_LONG_UNALIGNED;
        };
    }
}
