package org.voxelforge.data.npy;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.voxelforge.core.DType;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Storage;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.io.AtomicFiles;

/**
 * Reads and writes NumPy {@code .npy} arrays as tensors (see {@link NpyHeader} for the dtypes).
 *
 * <p>Read: a C-order file gives a contiguous row-major tensor; a {@code fortran_order} file gives
 * a tensor over the file's layout with Fortran strides (first axis fastest), whose values are the
 * ones NumPy shows; call {@code contiguous()} for a row-major copy. Write: always C order, version
 * 1.0 (2.0 when the header does not fit), to a temporary name and renamed into place.
 */
public final class Npy {
    private static final int CHUNK = 1 << 20;

    private Npy() {}

    public static NpyHeader readHeader(Path file) throws IOException {
        try (InputStream in = open(file)) {
            byte[] head = in.readNBytes(1 << 16);
            if (head.length >= 12 && (head[6] & 0xFF) >= 2) {
                long len = (head[8] & 0xFFL) | (head[9] & 0xFFL) << 8 | (head[10] & 0xFFL) << 16 | (head[11] & 0xFFL) << 24;
                if (len + 12 > head.length && len < Integer.MAX_VALUE - 64) {
                    byte[] more = in.readNBytes((int) (len + 12 - head.length));
                    byte[] all = Arrays.copyOf(head, head.length + more.length);
                    System.arraycopy(more, 0, all, head.length, more.length);
                    head = all;
                }
            }
            return NpyHeader.parse(head, head.length, file.toString());
        }
    }

    public static Tensor read(Path file) throws IOException {
        NpyHeader h = readHeader(file);
        DType t = h.tensorType();
        long n = h.count();
        int item = h.itemSize();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long need = n * item;
            if (ch.size() - h.dataOffset() < need) {
                throw new EOFException(file + ": .npy data truncated: shape " + Arrays.toString(h.shape()) + " of '" + h.descr()
                        + "' needs " + need + " bytes after the header, the file has " + (ch.size() - h.dataOffset()));
            }
            Storage storage = Storage.allocateCpu(Math.max(1, n) * t.byteSize());
            int[] shape = h.shape();
            long[] strides = new long[shape.length];
            long s = 1;
            for (int i = 0; i < shape.length; i++) {
                int a = h.fortranOrder() ? i : shape.length - 1 - i;
                strides[a] = s;
                s *= shape[a];
            }
            Tensor out = new Tensor(storage, t, Shape.of(shape), strides, 0);
            try {
                MemorySegment dst = out.segment();
                boolean asIs = item == t.byteSize() && (item == 1 || h.byteOrder() == ByteOrder.nativeOrder());
                ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(item, need)) / item * item).order(h.byteOrder());
                long pos = h.dataOffset(), done = 0;
                while (done < n) {
                    buf.clear();
                    buf.limit((int) Math.min(buf.capacity(), (n - done) * item));
                    while (buf.hasRemaining()) {
                        if (ch.read(buf, pos + buf.position()) < 0) throw new EOFException(file + ": .npy data ended early");
                    }
                    buf.flip();
                    int m = buf.remaining() / item;
                    if (asIs) {
                        MemorySegment.copy(MemorySegment.ofArray(buf.array()), 0, dst, done * item, (long) m * item);
                    } else {
                        for (int i = 0; i < m; i++) t.set(dst, done + i, element(buf, h.descr(), i * item));
                    }
                    pos += (long) m * item;
                    done += m;
                }
                return out;
            } catch (IOException | RuntimeException e) {
                out.close();
                throw e;
            }
        }
    }

    private static double element(ByteBuffer b, String descr, int at) {
        return switch (descr.substring(1)) {
            case "f4" -> b.getFloat(at);
            case "f8" -> b.getDouble(at);
            case "i2" -> b.getShort(at);
            case "i4" -> b.getInt(at);
            case "i8" -> b.getLong(at);
            case "u1" -> b.get(at) & 0xFF;
            case "b1" -> b.get(at) != 0 ? 1 : 0;
            default -> throw new AssertionError(descr);
        };
    }

    /** Writes {@code t} (any strides) in C order as a little-endian .npy file. */
    public static void write(Path file, Tensor t) throws IOException {
        String descr = NpyHeader.descrOf(t.dtype());
        byte[] header = NpyHeader.encode(descr, t.dims());
        try (TensorScope scope = new TensorScope()) {
            Tensor c = t.contiguous();
            MemorySegment src = c.segment();
            long base = c.offset() * c.dtype().byteSize();
            long bytes = c.numel() * c.dtype().byteSize();
            DType dt = c.dtype();
            AtomicFiles.write(file, out -> {
                out.write(header);
                byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(1, bytes))];
                MemorySegment buf = MemorySegment.ofArray(chunk);
                for (long done = 0; done < bytes; ) {
                    int m = (int) Math.min(chunk.length, bytes - done);
                    if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN || dt.byteSize() == 1) {
                        MemorySegment.copy(src, base + done, buf, 0, m);
                    } else { // a big-endian host: swap each element into little-endian order
                        ByteBuffer bb = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
                        for (int i = 0; i < m / dt.byteSize(); i++) {
                            double v = dt.get(src, (base + done) / dt.byteSize() + i);
                            switch (dt) {
                                case FLOAT32 -> bb.putFloat(i * 4, (float) v);
                                case FLOAT64 -> bb.putDouble(i * 8, v);
                                case INT32 -> bb.putInt(i * 4, (int) v);
                                case INT64 -> bb.putLong(i * 8, dt.getLong(src, (base + done) / 8 + i));
                                default -> throw new AssertionError(dt);
                            }
                        }
                    }
                    out.write(chunk, 0, m);
                    done += m;
                }
            });
        }
    }

    private static InputStream open(Path file) throws IOException {
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such .npy file");
        }
    }

}
