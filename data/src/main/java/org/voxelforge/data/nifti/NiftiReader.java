package org.voxelforge.data.nifti;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.voxelforge.core.DType;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Storage;
import org.voxelforge.core.Tensor;

/**
 * Reads NIfTI-1 and NIfTI-2 images: {@code .nii}, {@code .nii.gz}, and {@code .hdr}/{@code .img}
 * pairs (either name given, each possibly gzipped). Compression is detected from the gzip magic
 * bytes, not the name. See {@link NiftiImage} for the axis order and dtypes returned.
 *
 * <p>The voxels are read once: a plain file whose bytes are already the tensor's layout goes
 * straight from the FileChannel into the tensor's off-heap storage (then byte-swapped in place
 * if big-endian); anything else (gzip, widening, scaling) streams through a 256 KiB chunk that
 * is decoded into the tensor. The file is never held whole in memory.
 *
 * <p>Bad input fails with an {@link IOException} (truncated or unreadable file) or an
 * {@link IllegalArgumentException} (a header field out of range), naming the file and the field.
 */
public final class NiftiReader {
    static final int CHUNK = 1 << 18; // stays in L2 between inflating and decoding
    private static final long DIRECT_SLICE = 1 << 24;
    private static final int GZIP_BUFFER = 1 << 16;
    /** We refuse more than x, y, z, t: nothing downstream knows what a fifth axis means. */
    public static final int MAX_RANK = 4;

    private NiftiReader() {}

    /** Reads only the header (and checks it as {@link #read} would). */
    public static NiftiHeader readHeader(Path file) throws IOException {
        Path headerFile = headerFileOf(file);
        try (InputStream in = open(headerFile)) {
            return readAndCheckHeader(in, headerFile);
        }
    }

    public static NiftiImage read(Path file) throws IOException {
        Path headerFile = headerFileOf(file);
        Path dataFile;
        NiftiHeader h;
        InputStream in = open(headerFile);
        try {
            h = readAndCheckHeader(in, headerFile);
            long pos = h.version() == 1 ? NiftiHeaderCodec.NIFTI1_SIZE : NiftiHeaderCodec.NIFTI2_SIZE;
            if (isPair(headerFile)) {
                in.close();
                dataFile = imageFileOf(headerFile);
                in = open(dataFile);
                pos = 0;
            } else {
                dataFile = headerFile;
            }
            Tensor data;
            // open() returns a BufferedInputStream exactly when the data file is not gzipped
            if (in instanceof BufferedInputStream && directReadable(h, dataFile)) {
                data = readVoxelsDirect(h, dataFile); // plain file: the OS copies straight into the tensor
            } else {
                skipTo(in, pos, h.voxOffset(), dataFile);
                data = readVoxels(in, h, dataFile);
            }
            double[][] affine;
            try {
                affine = h.bestAffine();
            } catch (IllegalArgumentException e) {
                data.close();
                throw new IllegalArgumentException(headerFile + ": " + e.getMessage(), e);
            }
            return new NiftiImage(file, h, affine, data);
        } finally {
            in.close();
        }
    }

    private static NiftiHeader readAndCheckHeader(InputStream in, Path file) throws IOException {
        byte[] first = readHeaderBytes(in, 4, 4, file);
        NiftiHeaderCodec.Kind kind = NiftiHeaderCodec.detect(first, file);
        byte[] all = Arrays.copyOf(first, kind.size());
        byte[] rest = readHeaderBytes(in, kind.size() - 4, kind.size(), file);
        System.arraycopy(rest, 0, all, 4, rest.length);
        NiftiHeader h = NiftiHeaderCodec.decode(all, kind, file);
        if (NiftiHeaderCodec.isPairMagic(all, kind) != isPair(file)) {
            throw new IllegalArgumentException(file + ": magic says " + (isPair(file) ? "single file (n+)" : ".hdr/.img pair (ni)")
                    + " but the file is " + (isPair(file) ? "a .hdr" : "not a .hdr") + "; rename it or fix its magic");
        }
        check(h, file);
        return h;
    }

    private static void check(NiftiHeader h, Path file) {
        long[] dim = h.dim();
        if (dim[0] < 1 || dim[0] > 7) {
            throw new IllegalArgumentException(file + ": dim[0] (the number of axes) is " + dim[0] + "; expected 1 to 7");
        }
        for (int i = 1; i <= dim[0]; i++) {
            if (dim[i] <= 0) {
                throw new IllegalArgumentException(file + ": dim[" + i + "] is " + dim[i] + " in dim = " + Arrays.toString(dim)
                        + "; every axis size must be >= 1");
            }
            if (dim[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(file + ": dim[" + i + "] = " + dim[i] + " exceeds the largest axis we hold ("
                        + Integer.MAX_VALUE + ")");
            }
        }
        if (dim[0] > MAX_RANK) {
            throw new IllegalArgumentException(file + ": a " + dim[0] + "D image (dim = " + Arrays.toString(dim)
                    + "); VoxelForge reads images of at most 4 axes (x, y, z, t)");
        }
        NiftiDataType type = NiftiDataType.fromCode(h.datatype(), file);
        long bytes = Math.multiplyHigh(h.voxelCount(), type.byteSize()) == 0 ? h.voxelCount() * type.byteSize() : -1;
        if (bytes < 0) throw new IllegalArgumentException(file + ": dim = " + Arrays.toString(dim) + " is too large to hold");
        boolean slopeValid = h.sclSlope() != 0 && Double.isFinite(h.sclSlope());
        if (slopeValid && !Double.isFinite(h.sclInter())) {
            throw new IllegalArgumentException(file + ": scl_slope is " + h.sclSlope() + " but scl_inter is " + h.sclInter()
                    + "; a valid slope needs a finite intercept");
        }
    }

    private static Tensor readVoxels(InputStream in, NiftiHeader h, Path file) throws IOException {
        NiftiDataType type = NiftiDataType.fromCode(h.datatype(), file);
        VoxelDecoder decoder = new VoxelDecoder(type, h.byteOrder(), h.hasScaling(), h.sclSlope(), h.sclInter());
        DType out = decoder.outputType();
        int[] shape = h.shape();
        long n = h.voxelCount();
        Tensor t = newFortranTensor(shape, out, n);
        try {
            MemorySegment dst = t.segment();
            byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(type.byteSize(), n * type.byteSize()))];
            int per = chunk.length / type.byteSize();
            MemorySegment src = MemorySegment.ofArray(chunk);
            long done = 0;
            while (done < n) {
                int want = (int) Math.min(per, n - done);
                int got = readFully(in, chunk, want * type.byteSize(), file);
                if (got < want * type.byteSize()) {
                    throw new EOFException(file + ": voxel data truncated: dim = " + Arrays.toString(h.dim()) + " of "
                            + type.label() + " needs " + n * type.byteSize() + " bytes from vox_offset " + h.voxOffset()
                            + ", but only " + (done * type.byteSize() + got) + " follow it");
                }
                decoder.decode(src, want, dst, done);
                done += want;
            }
            return t;
        } catch (IOException | RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** True when the voxels' bytes are the tensor's bytes (no widening, no scaling). */
    private static boolean directReadable(NiftiHeader h, Path file) {
        return !h.hasScaling() && NiftiDataType.fromCode(h.datatype(), file).storedAsIs();
    }

    /**
     * Uncompressed data of a type stored as is: FileChannel reads land in the tensor's off-heap
     * memory with no intermediate buffer; big-endian data are then swapped in place.
     */
    private static Tensor readVoxelsDirect(NiftiHeader h, Path file) throws IOException {
        NiftiDataType type = NiftiDataType.fromCode(h.datatype(), file);
        long bytes = h.voxelCount() * type.byteSize();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (h.voxOffset() > size) {
                throw new EOFException(file + ": vox_offset " + h.voxOffset() + " is beyond the end of the file (it ends at byte "
                        + size + ")");
            }
            if (size - h.voxOffset() < bytes) {
                throw new EOFException(file + ": voxel data truncated: dim = " + Arrays.toString(h.dim()) + " of "
                        + type.label() + " needs " + bytes + " bytes from vox_offset " + h.voxOffset()
                        + ", but only " + (size - h.voxOffset()) + " follow it");
            }
            Tensor t = newFortranTensor(h.shape(), type.tensorType(), h.voxelCount());
            try {
                MemorySegment dst = t.segment();
                long done = 0;
                while (done < bytes) {
                    ByteBuffer bb = dst.asSlice(done, Math.min(DIRECT_SLICE, bytes - done)).asByteBuffer();
                    while (bb.hasRemaining()) {
                        int r = ch.read(bb, h.voxOffset() + done + bb.position());
                        if (r < 0) throw new EOFException(file + ": voxel data truncated while reading (file shrank?)");
                    }
                    done += bb.capacity();
                }
                new VoxelDecoder(type, h.byteOrder(), false, 0, 0).swapInPlace(dst, h.voxelCount());
                return t;
            } catch (IOException | RuntimeException e) {
                t.close();
                throw e;
            }
        }
    }

    /** A tensor of {@code shape} over fresh storage in NIfTI's order: i fastest (Fortran strides). */
    private static Tensor newFortranTensor(int[] shape, DType dtype, long n) {
        Storage storage = Storage.allocateCpu(Math.max(1, n) * dtype.byteSize());
        long[] fortran = new long[shape.length];
        long s = 1;
        for (int i = 0; i < shape.length; i++) {
            fortran[i] = s;
            s *= shape[i];
        }
        return new Tensor(storage, dtype, Shape.of(shape), fortran, 0);
    }

    /** Reads up to {@code len} bytes; fewer only at the end of the stream. */
    private static int readFully(InputStream in, byte[] buf, int len, Path file) throws IOException {
        int off = 0;
        try {
            while (off < len) {
                int r = in.read(buf, off, len - off);
                if (r < 0) break;
                off += r;
            }
        } catch (EOFException e) {
            // GZIPInputStream: "Unexpected end of ZLIB input stream" for a cut-off .gz
            throw new EOFException(file + ": compressed data end early (truncated .gz file): " + e.getMessage());
        } catch (ZipException e) {
            throw new IOException(file + ": corrupt gzip data: " + e.getMessage(), e);
        }
        return off;
    }

    private static byte[] readHeaderBytes(InputStream in, int len, int headerSize, Path file) throws IOException {
        byte[] b = new byte[len];
        int got = readFully(in, b, len, file);
        if (got < len) {
            throw new EOFException(file + ": header truncated: the file ends inside the " + headerSize + "-byte NIfTI header");
        }
        return b;
    }

    private static void skipTo(InputStream in, long pos, long voxOffset, Path file) throws IOException {
        if (voxOffset < pos) {
            throw new IllegalArgumentException(file + ": vox_offset " + voxOffset + " points inside the header (data must start at "
                    + pos + " or later)");
        }
        long left = voxOffset - pos;
        byte[] buf = new byte[8192];
        while (left > 0) {
            int want = (int) Math.min(buf.length, left);
            int r = readFully(in, buf, want, file);
            left -= r;
            if (r < want) {
                throw new EOFException(file + ": vox_offset " + voxOffset + " is beyond the end of the file (it ends at byte "
                        + (voxOffset - left) + ")");
            }
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream raw;
        try {
            raw = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such NIfTI file");
        }
        BufferedInputStream in = new BufferedInputStream(raw, GZIP_BUFFER);
        in.mark(2);
        int b0 = in.read(), b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new GZIPInputStream(in, GZIP_BUFFER);
            } catch (ZipException | EOFException e) {
                in.close();
                throw new IOException(file + ": corrupt gzip header: " + e.getMessage(), e);
            }
        }
        return in;
    }

    private static String lower(Path p) { return p.getFileName().toString().toLowerCase(java.util.Locale.ROOT); }

    private static boolean isPair(Path file) {
        String n = lower(file);
        return n.endsWith(".hdr") || n.endsWith(".hdr.gz");
    }

    /** For a .img (or .img.gz) name, its .hdr; otherwise the file itself. */
    private static Path headerFileOf(Path file) {
        String name = file.getFileName().toString();
        String n = lower(file);
        if (n.endsWith(".img")) return file.resolveSibling(name.substring(0, name.length() - 4) + ".hdr");
        if (n.endsWith(".img.gz")) return file.resolveSibling(name.substring(0, name.length() - 7) + ".hdr.gz");
        return file;
    }

    private static Path imageFileOf(Path hdr) throws IOException {
        String name = hdr.getFileName().toString();
        String base = lower(hdr).endsWith(".hdr.gz") ? name.substring(0, name.length() - 7) : name.substring(0, name.length() - 4);
        for (String ext : new String[] {".img", ".img.gz", ".IMG"}) {
            Path p = hdr.resolveSibling(base + ext);
            if (Files.exists(p)) return p;
        }
        throw new NoSuchFileException(hdr.resolveSibling(base + ".img").toString(), null,
                "the image file of NIfTI pair " + hdr + " is missing");
    }
}
