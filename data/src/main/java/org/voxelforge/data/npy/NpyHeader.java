package org.voxelforge.data.npy;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.voxelforge.core.DType;

/**
 * The header of a NumPy {@code .npy} file (format versions 1.0, 2.0 and 3.0): the magic
 * {@code \x93NUMPY}, a version, a little-endian header length (2 bytes in 1.0, 4 bytes later) and
 * a Python dict literal {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}
 * padded with spaces and a newline so that the data start on a 64-byte boundary.
 *
 * <p>{@code descr} maps to a tensor dtype: '<f4' float32, '<f8' float64, '<i4' int32, '<i8' int64,
 * '|u1'/'<u1' uint8, '|b1' bool, and '<i2' read widened to int32 (our tensors have no int16).
 * Big-endian ('>') variants of the multi-byte codes are read too.
 */
public record NpyHeader(String descr, boolean fortranOrder, int[] shape, int version, long dataOffset) {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    public NpyHeader {
        shape = shape.clone();
    }

    @Override public int[] shape() { return shape.clone(); }

    public long count() {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** Bytes per element in the file. */
    public int itemSize() { return Integer.parseInt(descr.substring(2)); }

    /** Byte order of the file's elements (irrelevant for one-byte types). */
    public ByteOrder byteOrder() { return descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN; }

    /** The dtype of the tensor the reader returns. */
    public DType tensorType() { return tensorType(descr, "npy"); }

    static DType tensorType(String descr, String where) {
        String kind = descr.length() == 3 ? descr.substring(1) : "";
        char order = descr.isEmpty() ? '?' : descr.charAt(0);
        boolean oneByte = kind.equals("u1") || kind.equals("b1");
        boolean orderOk = oneByte ? order == '|' || order == '<' || order == '>' || order == '=' : order == '<' || order == '>';
        DType t = switch (kind) {
            case "f4" -> DType.FLOAT32;
            case "f8" -> DType.FLOAT64;
            case "i2", "i4" -> DType.INT32;
            case "i8" -> DType.INT64;
            case "u1" -> DType.UINT8;
            case "b1" -> DType.BOOL;
            default -> null;
        };
        if (t == null || !orderOk) {
            throw new IllegalArgumentException(where + ": dtype descr '" + descr + "' is not supported; expected one of"
                    + " '<f4', '<f8', '<i2', '<i4', '<i8', '|u1', '|b1' (or their '>' forms)");
        }
        return t;
    }

    /** The descr NumPy uses for a tensor dtype (little-endian). */
    public static String descrOf(DType t) {
        return switch (t) {
            case FLOAT32 -> "<f4";
            case FLOAT64 -> "<f8";
            case INT32 -> "<i4";
            case INT64 -> "<i8";
            case UINT8 -> "|u1";
            case BOOL -> "|b1";
            default -> throw new IllegalArgumentException("npy write: dtype " + t.label()
                    + " has no .npy form here; cast to float32, float64, int32, int64, uint8 or bool");
        };
    }

    /** Parses the header at the start of {@code head} (which holds at least the whole header). */
    static NpyHeader parse(byte[] head, int available, String file) {
        if (available < 10 || !Arrays.equals(Arrays.copyOf(head, 6), MAGIC)) {
            throw new IllegalArgumentException(file + ": not a .npy file (the magic \\x93NUMPY is missing)");
        }
        int major = head[6] & 0xFF, minor = head[7] & 0xFF;
        long len;
        int prefix;
        if (major == 1) {
            len = (head[8] & 0xFF) | (head[9] & 0xFF) << 8;
            prefix = 10;
        } else if (major == 2 || major == 3) {
            if (available < 12) throw new IllegalArgumentException(file + ": .npy header truncated");
            len = (head[8] & 0xFFL) | (head[9] & 0xFFL) << 8 | (head[10] & 0xFFL) << 16 | (head[11] & 0xFFL) << 24;
            prefix = 12;
        } else {
            throw new IllegalArgumentException(file + ": .npy format version " + major + "." + minor
                    + " is not supported; expected 1.0, 2.0 or 3.0");
        }
        if (prefix + len > available) {
            throw new IllegalArgumentException(file + ": .npy header of " + len + " bytes is longer than the file");
        }
        String dict = new String(head, prefix, (int) len, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(dict), f = FORTRAN.matcher(dict), s = SHAPE.matcher(dict);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IllegalArgumentException(file + ": .npy header " + dict.trim()
                    + " lacks 'descr', 'fortran_order' or 'shape' (structured dtypes are not supported)");
        }
        tensorType(d.group(1), file);
        String[] parts = s.group(1).split(",");
        int[] shape = Arrays.stream(parts).map(String::trim).filter(p -> !p.isEmpty()).mapToInt(p -> {
            long v = Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
            if (v < 0 || v > Integer.MAX_VALUE) throw new IllegalArgumentException(file + ": .npy shape entry " + v + " out of range");
            return (int) v;
        }).toArray();
        return new NpyHeader(d.group(1), f.group(1).equals("True"), shape, major, prefix + len);
    }

    /** The header bytes for a C-order array: version 1.0 when it fits, else 2.0; padded to 64 bytes. */
    static byte[] encode(String descr, int[] shape) {
        StringBuilder s = new StringBuilder("{'descr': '").append(descr).append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) s.append(shape[i]).append(i == 0 && shape.length == 1 ? "," : i < shape.length - 1 ? ", " : "");
        s.append("), }");
        int prefix = 10;
        int total = prefix + s.length() + 1;
        int padded = (total + 63) / 64 * 64;
        if (padded - prefix > 0xFFFF) {
            prefix = 12;
            padded = (prefix + s.length() + 1 + 63) / 64 * 64;
        }
        int len = padded - prefix;
        while (s.length() < len - 1) s.append(' ');
        s.append('\n');
        byte[] out = new byte[padded];
        System.arraycopy(MAGIC, 0, out, 0, 6);
        out[6] = (byte) (prefix == 10 ? 1 : 2);
        out[7] = 0;
        out[8] = (byte) len;
        out[9] = (byte) (len >>> 8);
        if (prefix == 12) {
            out[10] = (byte) (len >>> 16);
            out[11] = (byte) (len >>> 24);
        }
        byte[] text = s.toString().getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(text, 0, out, prefix, text.length);
        return out;
    }
}
