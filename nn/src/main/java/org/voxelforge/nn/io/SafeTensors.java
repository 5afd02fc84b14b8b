package org.voxelforge.nn.io;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.io.AtomicFiles;
import org.voxelforge.core.io.Json;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of
 * JSON ({@code {"__metadata__": {...}, "name": {"dtype": "F32", "shape": [..],
 * "data_offsets": [begin, end]}, ...}}, padded with spaces to a multiple of 8), then the raw
 * little-endian tensor bytes. Files are laid out as the reference library writes them: compact
 * JSON with the metadata first, data ordered by element size (largest first) then by name, so
 * that every tensor is aligned to its element size.
 */
public final class SafeTensors {
    private static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {}

    static String code(DType t) {
        return switch (t) {
            case FLOAT64 -> "F64";
            case FLOAT32 -> "F32";
            case FLOAT16 -> "F16";
            case BFLOAT16 -> "BF16";
            case INT64 -> "I64";
            case INT32 -> "I32";
            case UINT8 -> "U8";
            case BOOL -> "BOOL";
        };
    }

    static DType dtype(String code, Path file, String name) {
        return switch (code) {
            case "F64" -> DType.FLOAT64;
            case "F32" -> DType.FLOAT32;
            case "F16" -> DType.FLOAT16;
            case "BF16" -> DType.BFLOAT16;
            case "I64" -> DType.INT64;
            case "I32" -> DType.INT32;
            case "U8" -> DType.UINT8;
            case "BOOL" -> DType.BOOL;
            default -> throw new IllegalArgumentException(file + ": tensor '" + name + "' has dtype " + code
                    + ", which VoxelForge does not read (supported: F64, F32, F16, BF16, I64, I32, U8, BOOL); "
                    + "convert it in Python with tensor.to(torch.float32) before saving");
        };
    }

    /** Writes {@code tensors} (any layout; copied contiguous) atomically to {@code file}. */
    public static void save(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        List<String> order = new ArrayList<>(tensors.keySet());
        order.sort(Comparator.comparingInt((String n) -> -tensors.get(n).dtype().byteSize()).thenComparing(n -> n));
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) header.put("__metadata__", new LinkedHashMap<>(metadata));
        long offset = 0;
        for (String n : order) {
            Tensor t = tensors.get(n);
            long bytes = t.numel() * t.dtype().byteSize();
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", code(t.dtype()));
            info.put("shape", t.dims());
            info.put("data_offsets", new long[] {offset, offset + bytes});
            header.put(n, info);
            offset += bytes;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        AtomicFiles.write(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(json);
            for (int i = json.length; i < padded; i++) out.write(' ');
            byte[] buf = new byte[1 << 16];
            for (String n : order) {
                // device tensors are copied to the host
                try (Tensor host = tensors.get(n).to(org.voxelforge.core.Device.CPU); Tensor c = host.contiguous()) {
                    MemorySegment seg = c.segment();
                    long start = c.offset() * c.dtype().byteSize();
                    long bytes = c.numel() * c.dtype().byteSize();
                    for (long p = 0; p < bytes; p += buf.length) {
                        int k = (int) Math.min(buf.length, bytes - p);
                        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, start + p, buf, 0, k);
                        out.write(buf, 0, k);
                    }
                }
            }
        });
    }

    public static void save(Path file, Map<String, Tensor> tensors) throws IOException {
        save(file, tensors, Map.of("format", "pt"));
    }

    /** A file's tensors (in header order) and metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) implements AutoCloseable {
        @Override public void close() { tensors.values().forEach(Tensor::close); }
    }

    /** Reads every tensor of {@code file}; fails naming the file and the field on any inconsistency. */
    @SuppressWarnings("unchecked")
    public static Contents load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new java.io.FileNotFoundException(file + ": no such weights file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new IOException(file + ": too short for a safetensors file (" + size + " bytes)");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, file);
            long n = lenBuf.getLong(0);
            if (n <= 0 || n > MAX_HEADER || 8 + n > size) {
                throw new IOException(file + ": header length " + n + " is not plausible for a file of " + size
                        + " bytes; this is not a safetensors file or it is truncated");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            readFully(ch, hb, 8, file);
            Map<String, Object> header = Json.parseObject(new String(hb.array(), StandardCharsets.UTF_8).stripTrailing(),
                    file + " (safetensors header)");
            long dataStart = 8 + n, dataSize = size - dataStart;
            Map<String, String> meta = new LinkedHashMap<>();
            Map<String, Tensor> out = new LinkedHashMap<>();
            try {
                for (Map.Entry<String, Object> e : header.entrySet()) {
                    String name = e.getKey();
                    if (name.equals("__metadata__")) {
                        if (e.getValue() instanceof Map<?, ?> m) m.forEach((k, v) -> meta.put(String.valueOf(k), String.valueOf(v)));
                        continue;
                    }
                    if (!(e.getValue() instanceof Map<?, ?> info)) throw new IOException(file + ": entry '" + name + "' is not an object");
                    DType dt = dtype(String.valueOf(info.get("dtype")), file, name);
                    int[] dims = ints(info.get("shape"), file, name, "shape");
                    long[] off = longs(info.get("data_offsets"), file, name);
                    long numel = 1;
                    for (int d : dims) numel *= d;
                    long bytes = numel * dt.byteSize();
                    if (off[0] < 0 || off[1] < off[0] || off[1] > dataSize || off[1] - off[0] != bytes) {
                        throw new IOException(file + ": tensor '" + name + "' has data_offsets [" + off[0] + ", " + off[1]
                                + "] but shape " + java.util.Arrays.toString(dims) + " of " + code(dt) + " needs " + bytes
                                + " bytes inside a data section of " + dataSize + " bytes; the file is corrupt or truncated");
                    }
                    Tensor t = Tensor.zeros(dt, dims);
                    out.put(name, t);
                    if (bytes > 0) {
                        ByteBuffer dst = t.segment().asSlice(0, bytes).asByteBuffer();
                        readFully(ch, dst, dataStart + off[0], file);
                    }
                }
            } catch (IOException | RuntimeException ex) {
                out.values().forEach(Tensor::close);
                throw ex;
            }
            return new Contents(out, meta);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, long pos, Path file) throws IOException {
        while (dst.hasRemaining()) {
            int r = ch.read(dst, pos);
            if (r < 0) throw new IOException(file + ": unexpected end of file at byte " + pos + "; the file is truncated");
            pos += r;
        }
    }

    private static int[] ints(Object v, Path file, String name, String field) throws IOException {
        if (!(v instanceof List<?> l)) throw new IOException(file + ": tensor '" + name + "' has no '" + field + "' list");
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(l.get(i) instanceof Long x) || x < 0 || x > Integer.MAX_VALUE) {
                throw new IOException(file + ": tensor '" + name + "' has an invalid " + field + " entry " + l.get(i));
            }
            out[i] = (int) (long) x;
        }
        return out;
    }

    private static long[] longs(Object v, Path file, String name) throws IOException {
        if (!(v instanceof List<?> l) || l.size() != 2 || !(l.get(0) instanceof Long a) || !(l.get(1) instanceof Long b)) {
            throw new IOException(file + ": tensor '" + name + "' needs data_offsets [begin, end]");
        }
        return new long[] {a, b};
    }
}
