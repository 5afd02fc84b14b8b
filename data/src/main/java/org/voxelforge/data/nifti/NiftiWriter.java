package org.voxelforge.data.nifti;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/**
 * Writes single-file little-endian NIfTI-1 images ({@code .nii}, or {@code .nii.gz} when the name
 * ends in .gz) with the geometry and descriptive fields of a given header and the data stored as
 * float32, int16 or uint8, unscaled (scl_slope 1, scl_inter 0).
 *
 * <p>The tensor has shape [x, y, z] or [x, y, z, t] (any strides), as {@link NiftiReader} returns
 * it; it is written i-fastest as NIfTI requires.
 *
 * <p>Conversion to an integer type rounds to nearest (ties to even, as numpy's rint, which
 * nibabel uses), writes NaN as 0 and clamps values outside the type's range to its ends. Nothing
 * is silent: {@link Result} counts the clamped, NaN and non-integer values, and callers that need
 * exact label maps check {@link Result#exact()}.
 *
 * <p>The file is written to a temporary name in the target folder, flushed to disk, then renamed
 * over the target atomically, so a reader never sees half an image.
 */
public final class NiftiWriter {
    private static final int CHUNK = 1 << 20;

    private NiftiWriter() {}

    /** What the conversion to the stored type did. */
    public record Result(Path file, NiftiDataType type, long voxels, long clamped, long nans, long rounded) {
        /** True when every value was stored exactly (NaN counts as exact for float32). */
        public boolean exact() { return clamped == 0 && nans == 0 && rounded == 0; }
    }

    /** Writes {@code image}'s data with its header's geometry. */
    public static Result write(Path file, NiftiImage image, NiftiDataType type) throws IOException {
        return write(file, image.data(), image.header(), type);
    }

    /** Writes {@code data} with the geometry (qform, sform, pixdim, units, descrip ...) of {@code geometry}. */
    public static Result write(Path file, Tensor data, NiftiHeader geometry, NiftiDataType type) throws IOException {
        if (type != NiftiDataType.FLOAT32 && type != NiftiDataType.INT16 && type != NiftiDataType.UINT8) {
            throw new IllegalArgumentException("NIfTI write " + file + ": cannot store " + type.label()
                    + "; choose float32, int16 or uint8");
        }
        int[] shape = data.dims();
        if (shape.length < 1 || shape.length > NiftiReader.MAX_RANK) {
            throw new IllegalArgumentException("NIfTI write " + file + ": tensor " + data.describe()
                    + " must have 1 to 4 axes ([x, y, z] or [x, y, z, t])");
        }
        for (int d : shape) {
            if (d < 1 || d > Short.MAX_VALUE) {
                throw new IllegalArgumentException("NIfTI write " + file + ": tensor " + data.describe()
                        + " has an axis outside 1.." + Short.MAX_VALUE + ", which a NIfTI-1 header cannot hold");
            }
        }
        NiftiHeader h = geometry.forData(shape, type);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        boolean ok = false;
        try {
            Result r;
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream raw = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                OutputStream out = isGz(file) ? new FastGzip(raw) : raw;
                out.write(NiftiHeaderCodec.encode1(h));
                r = writeVoxels(out, data, type, file);
                out.flush();
                if (out instanceof FastGzip g) g.finish();
                raw.flush();
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            ok = true;
            return r;
        } finally {
            if (!ok) Files.deleteIfExists(tmp);
        }
    }

    private static boolean isGz(Path file) {
        return file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".gz");
    }

    /** gzip at level 1, as nibabel writes .nii.gz: several times faster than the default level, a little larger. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }

    private static Result writeVoxels(OutputStream out, Tensor data, NiftiDataType type, Path file) throws IOException {
        int rank = data.rank();
        int[] reversed = new int[rank];
        for (int i = 0; i < rank; i++) reversed[i] = rank - 1 - i;
        try (TensorScope scope = new TensorScope()) {
            // Row-major over the reversed axes is i-fastest over the original: NIfTI's order.
            // A tensor straight from NiftiReader is already laid out so; then nothing is copied.
            Tensor f = data.permute(reversed).contiguous();
            MemorySegment src = f.segment();
            long base = f.offset();
            DType from = f.dtype();
            long n = f.numel();
            byte[] chunk = new byte[(int) Math.min(CHUNK, n * type.byteSize())];
            MemorySegment dst = MemorySegment.ofArray(chunk);
            int per = chunk.length / type.byteSize();
            long clamped = 0, nans = 0, rounded = 0;
            ValueLayout.OfFloat f32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            ValueLayout.OfShort i16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            for (long done = 0; done < n; ) {
                int m = (int) Math.min(per, n - done);
                if (type == NiftiDataType.FLOAT32 && from == DType.FLOAT32) {
                    MemorySegment.copy(src, ValueLayout.JAVA_FLOAT_UNALIGNED, (base + done) * 4, dst, f32, 0, m);
                } else if (type == NiftiDataType.UINT8 && from == DType.UINT8) {
                    MemorySegment.copy(src, base + done, dst, 0, m);
                } else {
                    for (int i = 0; i < m; i++) {
                        double v = from.get(src, base + done + i);
                        switch (type) {
                            case FLOAT32 -> {
                                float q = (float) v;
                                if (q != v && !Double.isNaN(v)) rounded++; // float64 or int64 values beyond float32
                                dst.set(f32, 4L * i, q);
                            }
                            case INT16, UINT8 -> {
                                double lo = type == NiftiDataType.INT16 ? Short.MIN_VALUE : 0;
                                double hi = type == NiftiDataType.INT16 ? Short.MAX_VALUE : 255;
                                double q;
                                if (Double.isNaN(v)) {
                                    nans++;
                                    q = 0;
                                } else {
                                    q = Math.rint(v);
                                    if (q != v) rounded++;
                                    if (q < lo || q > hi) {
                                        clamped++;
                                        q = Math.max(lo, Math.min(hi, q));
                                    }
                                }
                                if (type == NiftiDataType.INT16) dst.set(i16, 2L * i, (short) q);
                                else dst.set(ValueLayout.JAVA_BYTE, i, (byte) (int) q);
                            }
                            default -> throw new AssertionError(type);
                        }
                    }
                }
                out.write(chunk, 0, m * type.byteSize());
                done += m;
            }
            return new Result(file, type, n, clamped, nans, rounded);
        }
    }

}
