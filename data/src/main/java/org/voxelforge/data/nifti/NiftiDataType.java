package org.voxelforge.data.nifti;

import java.nio.file.Path;
import org.voxelforge.core.DType;

/**
 * The NIfTI {@code datatype} codes we read, each with its size on disk and the tensor dtype it
 * is read into. Our {@link DType} has no 8/16-bit signed or unsigned-32 type, so those widen
 * without loss: int8, int16 and uint16 to int32; uint32 to int64.
 */
public enum NiftiDataType {
    UINT8(2, 1, DType.UINT8),
    INT16(4, 2, DType.INT32),
    INT32(8, 4, DType.INT32),
    FLOAT32(16, 4, DType.FLOAT32),
    FLOAT64(64, 8, DType.FLOAT64),
    INT8(256, 1, DType.INT32),
    UINT16(512, 2, DType.INT32),
    UINT32(768, 4, DType.INT64),
    INT64(1024, 8, DType.INT64);

    private final int code;
    private final int byteSize;
    private final DType tensorType;

    NiftiDataType(int code, int byteSize, DType tensorType) {
        this.code = code;
        this.byteSize = byteSize;
        this.tensorType = tensorType;
    }

    public int code() { return code; }

    public int byteSize() { return byteSize; }

    public int bitpix() { return byteSize * 8; }

    /** The dtype an unscaled image of this type is read into. */
    public DType tensorType() { return tensorType; }

    /** True when the bytes on disk are already the tensor's element layout (no widening). */
    public boolean storedAsIs() { return byteSize == tensorType.byteSize() && this != UINT32; }

    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }

    /** Every code the NIfTI standard defines, for messages about the ones we do not read. */
    public static String standardName(int code) {
        return switch (code) {
            case 0 -> "unknown";
            case 1 -> "binary";
            case 2 -> "uint8";
            case 4 -> "int16";
            case 8 -> "int32";
            case 16 -> "float32";
            case 32 -> "complex64";
            case 64 -> "float64";
            case 128 -> "rgb24";
            case 255 -> "all";
            case 256 -> "int8";
            case 512 -> "uint16";
            case 768 -> "uint32";
            case 1024 -> "int64";
            case 1280 -> "uint64";
            case 1536 -> "float128";
            case 1792 -> "complex128";
            case 2048 -> "complex256";
            case 2304 -> "rgba32";
            default -> "not a NIfTI datatype code";
        };
    }

    /** The type for {@code code}, or an error naming the file and what we do read. */
    public static NiftiDataType fromCode(int code, Path file) {
        for (NiftiDataType t : values()) if (t.code == code) return t;
        throw new IllegalArgumentException("unsupported datatype " + code + " (" + standardName(code) + ") in " + file
                + ": VoxelForge reads uint8, int8, int16, uint16, int32, uint32, int64, float32 and float64 images");
    }
}
