package org.voxelforge.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Element types a tensor can hold. float32 is the default; float64 exists for gradchecks;
 * bfloat16 and float16 are storage formats for mixed precision; integers and bool hold labels,
 * indices and masks.
 *
 * <p>{@link #get} and {@link #set} are the slow, obviously right element accessors every
 * generic kernel can fall back on: they widen to double and narrow back with the type's own
 * rounding (round-to-nearest-even for the 16-bit floats, truncation toward zero for integers).
 */
public enum DType {
    FLOAT32(4, true), FLOAT64(8, true), BFLOAT16(2, true), FLOAT16(2, true),
    INT32(4, false), INT64(8, false), UINT8(1, false), BOOL(1, false);

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private final int byteSize;
    private final boolean floating;

    DType(int byteSize, boolean floating) {
        this.byteSize = byteSize;
        this.floating = floating;
    }

    public int byteSize() { return byteSize; }

    public boolean isFloatingPoint() { return floating; }

    /** Lower-case name as NumPy and PyTorch spell it ("float32", "int64", "bool"). */
    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }

    /** Reads element {@code index} (in elements, not bytes) widened to double. */
    public double get(MemorySegment s, long index) {
        long b = index * byteSize;
        return switch (this) {
            case FLOAT32 -> s.get(F32, b);
            case FLOAT64 -> s.get(F64, b);
            case BFLOAT16 -> bf16ToFloat(s.get(I16, b));
            case FLOAT16 -> Float.float16ToFloat(s.get(I16, b));
            case INT32 -> s.get(I32, b);
            case INT64 -> s.get(I64, b);
            case UINT8 -> s.get(ValueLayout.JAVA_BYTE, b) & 0xFF;
            case BOOL -> s.get(ValueLayout.JAVA_BYTE, b) != 0 ? 1 : 0;
        };
    }

    /** Writes {@code v} to element {@code index}, narrowing with this type's rounding. */
    public void set(MemorySegment s, long index, double v) {
        long b = index * byteSize;
        switch (this) {
            case FLOAT32 -> s.set(F32, b, (float) v);
            case FLOAT64 -> s.set(F64, b, v);
            case BFLOAT16 -> s.set(I16, b, floatToBf16((float) v));
            case FLOAT16 -> s.set(I16, b, Float.floatToFloat16((float) v));
            case INT32 -> s.set(I32, b, (int) v);
            case INT64 -> s.set(I64, b, (long) v);
            case UINT8 -> s.set(ValueLayout.JAVA_BYTE, b, (byte) (int) v);
            case BOOL -> s.set(ValueLayout.JAVA_BYTE, b, (byte) (v != 0 ? 1 : 0));
        }
    }

    /** Exact for int64 values beyond 2^53, which {@link #get} would round. */
    public long getLong(MemorySegment s, long index) {
        return this == INT64 ? s.get(I64, index * 8) : (long) get(s, index);
    }

    public void setLong(MemorySegment s, long index, long v) {
        if (this == INT64) s.set(I64, index * 8, v);
        else set(s, index, v);
    }

    /** bfloat16 is the upper half of a float32. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Round-to-nearest-even from float32 to bfloat16; NaN stays a (quiet) NaN. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x0040);
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }

    /** Parses "float32", "f32", "int64", ... as users write them on the command line. */
    public static DType parse(String s) {
        String k = s.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (k) {
            case "float32", "f32", "float" -> FLOAT32;
            case "float64", "f64", "double" -> FLOAT64;
            case "bfloat16", "bf16" -> BFLOAT16;
            case "float16", "f16", "half" -> FLOAT16;
            case "int32", "i32", "int" -> INT32;
            case "int64", "i64", "long" -> INT64;
            case "uint8", "u8", "byte" -> UINT8;
            case "bool" -> BOOL;
            default -> throw new IllegalArgumentException("unknown dtype '" + s
                    + "': expected one of float32, float64, bfloat16, float16, int32, int64, uint8, bool");
        };
    }

    /** The type two operands are computed in (PyTorch's promotion for the types we have). */
    public static DType promote(DType a, DType b) {
        if (a == b) return a;
        if (a.floating || b.floating) {
            if (a == FLOAT64 || b == FLOAT64) return FLOAT64;
            if (a == FLOAT32 || b == FLOAT32) return FLOAT32;
            if (a.floating && b.floating) return FLOAT32; // bf16 with f16
            return a.floating ? a : b;
        }
        if (a == INT64 || b == INT64) return INT64;
        if (a == INT32 || b == INT32) return INT32;
        return UINT8; // uint8 with bool
    }
}
