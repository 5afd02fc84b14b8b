package org.voxelforge.data.nifti;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.voxelforge.core.DType;

/**
 * Turns a chunk of raw voxel bytes (as on disk: any byte order) into tensor elements. The bytes
 * already have the tensor's layout for uint8/int32/int64/float32/float64 without scaling: then it
 * is one bulk copy that also swaps bytes when the file's order is not the machine's. Everything
 * else (widening, scaling) goes element by element.
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
    void decode(MemorySegment src, long count, MemorySegment dst, long at) {
        if (!scaled && type.storedAsIs()) {
            copyAsIs(src, count, dst, at);
        } else if (!scaled && type == NiftiDataType.INT16) {
            ValueLayout.OfShort in = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
            long d = at * 4;
            for (long i = 0; i < count; i++) dst.set(ValueLayout.JAVA_INT_UNALIGNED, d + 4 * i, src.get(in, 2 * i));
        } else {
            decodeGeneric(src, count, dst, at);
        }
    }

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

    private void decodeGeneric(MemorySegment src, long count, MemorySegment dst, long at) {
        ValueLayout.OfShort i16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
        ValueLayout.OfInt i32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(order);
        ValueLayout.OfLong i64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order);
        ValueLayout.OfFloat f32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(order);
        ValueLayout.OfDouble f64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(order);
        for (long i = 0; i < count; i++) {
            long bits; // integer sources stay exact through here; floats travel as double bits
            double v;
            switch (type) {
                case UINT8 -> { bits = src.get(ValueLayout.JAVA_BYTE, i) & 0xFF; v = bits; }
                case INT8 -> { bits = src.get(ValueLayout.JAVA_BYTE, i); v = bits; }
                case INT16 -> { bits = src.get(i16, 2 * i); v = bits; }
                case UINT16 -> { bits = src.get(i16, 2 * i) & 0xFFFF; v = bits; }
                case INT32 -> { bits = src.get(i32, 4 * i); v = bits; }
                case UINT32 -> { bits = src.get(i32, 4 * i) & 0xFFFFFFFFL; v = bits; }
                case INT64 -> { bits = src.get(i64, 8 * i); v = bits; }
                case FLOAT32 -> { v = src.get(f32, 4 * i); bits = 0; }
                case FLOAT64 -> { v = src.get(f64, 8 * i); bits = 0; }
                default -> throw new AssertionError(type);
            }
            long o = at + i;
            if (scaled) {
                double s = v; // skip the identity steps as nibabel does, so -0.0 stays -0.0 there too
                if (slope != 1) s *= slope;
                if (inter != 0) s += inter;
                if (out == DType.FLOAT64) dst.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, 8 * o, s);
                else dst.set(ValueLayout.JAVA_FLOAT_UNALIGNED, 4 * o, (float) s);
            } else {
                switch (out) {
                    case INT32 -> dst.set(ValueLayout.JAVA_INT_UNALIGNED, 4 * o, (int) bits);
                    case INT64 -> dst.set(ValueLayout.JAVA_LONG_UNALIGNED, 8 * o, bits);
                    default -> out.set(dst, o, v); // not reached for the types we read; kept obviously right
                }
            }
        }
    }
}
