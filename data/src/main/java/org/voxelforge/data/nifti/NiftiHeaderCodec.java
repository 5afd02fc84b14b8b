package org.voxelforge.data.nifti;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Byte layouts of the NIfTI-1 (348 bytes) and NIfTI-2 (540 bytes) headers. The version and
 * byte order are found from sizeof_hdr, read both ways: 348 or 540 in one order decides.
 */
public final class NiftiHeaderCodec {
    public static final int NIFTI1_SIZE = 348;
    public static final int NIFTI2_SIZE = 540;
    /** Single-file NIfTI data start at the earliest after the header and the 4-byte extension flag. */
    public static final int NIFTI1_MIN_OFFSET = 352;
    public static final int NIFTI2_MIN_OFFSET = 544;

    private NiftiHeaderCodec() {}

    /** Which header the first four bytes announce. */
    public record Kind(int version, ByteOrder order, int size) {}

    public static Kind detect(byte[] first4, Path file) {
        int le = ByteBuffer.wrap(first4).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        int be = ByteBuffer.wrap(first4).order(ByteOrder.BIG_ENDIAN).getInt(0);
        if (le == NIFTI1_SIZE) return new Kind(1, ByteOrder.LITTLE_ENDIAN, NIFTI1_SIZE);
        if (be == NIFTI1_SIZE) return new Kind(1, ByteOrder.BIG_ENDIAN, NIFTI1_SIZE);
        if (le == NIFTI2_SIZE) return new Kind(2, ByteOrder.LITTLE_ENDIAN, NIFTI2_SIZE);
        if (be == NIFTI2_SIZE) return new Kind(2, ByteOrder.BIG_ENDIAN, NIFTI2_SIZE);
        throw new IllegalArgumentException(file + ": not a NIfTI file: sizeof_hdr is " + le + " (little-endian) / " + be
                + " (big-endian); expected 348 (NIfTI-1) or 540 (NIfTI-2)");
    }

    /**
     * Parses a whole header. {@code singleFile} is true for .nii (magic n+1 / n+2), false for a
     * .hdr of a .hdr/.img pair (magic ni1 / ni2).
     */
    public static NiftiHeader decode(byte[] bytes, Kind kind, Path file) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(kind.order());
        return kind.version() == 1 ? decode1(b, file) : decode2(b, file);
    }

    private static NiftiHeader decode1(ByteBuffer b, Path file) {
        String magic = ascii(b, 344, 4);
        if (!magic.equals("n+1") && !magic.equals("ni1")) {
            throw new IllegalArgumentException(file + ": NIfTI-1 header has magic '" + printable(b, 344, 4)
                    + "'; expected \"n+1\\0\" (single .nii file) or \"ni1\\0\" (.hdr/.img pair)");
        }
        long[] dim = new long[8];
        for (int i = 0; i < 8; i++) dim[i] = b.getShort(40 + 2 * i);
        double[] pixdim = new double[8];
        for (int i = 0; i < 8; i++) pixdim[i] = b.getFloat(76 + 4 * i);
        double[][] srow = new double[3][4];
        for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) srow[r][c] = b.getFloat(280 + 16 * r + 4 * c);
        float voxOffset = b.getFloat(108);
        long offset = (long) voxOffset;
        if (!Float.isFinite(voxOffset) || voxOffset < 0 || offset != voxOffset) {
            throw new IllegalArgumentException(file + ": vox_offset " + voxOffset + " is not a whole, non-negative byte offset");
        }
        if (magic.equals("n+1") && offset < NIFTI1_MIN_OFFSET) offset = NIFTI1_MIN_OFFSET; // nibabel's fix
        return new NiftiHeader(1, b.order(), dim, b.getShort(70), b.getShort(72), pixdim, offset,
                b.getFloat(112), b.getFloat(116), b.getFloat(128), b.getFloat(124),
                b.getFloat(132), b.getFloat(136), b.getShort(74), b.getShort(120), b.get(122) & 0xFF,
                b.get(123) & 0xFF, b.getShort(68), b.getFloat(56), b.getFloat(60), b.getFloat(64), ascii(b, 328, 16),
                b.get(39) & 0xFF, ascii(b, 148, 80), ascii(b, 228, 24),
                b.getShort(252), b.getShort(254),
                b.getFloat(256), b.getFloat(260), b.getFloat(264), b.getFloat(268), b.getFloat(272), b.getFloat(276),
                srow);
    }

    private static NiftiHeader decode2(ByteBuffer b, Path file) {
        String magic = ascii(b, 4, 4);
        boolean eolOk = b.get(8) == 0x0D && b.get(9) == 0x0A && b.get(10) == 0x1A && b.get(11) == 0x0A;
        if (!(magic.equals("n+2") || magic.equals("ni2")) || !eolOk) {
            throw new IllegalArgumentException(file + ": NIfTI-2 header has magic '" + printable(b, 4, 8)
                    + "'; expected \"n+2\\0\\r\\n\\032\\n\" (or \"ni2\" for a .hdr/.img pair)");
        }
        long[] dim = new long[8];
        for (int i = 0; i < 8; i++) dim[i] = b.getLong(16 + 8 * i);
        double[] pixdim = new double[8];
        for (int i = 0; i < 8; i++) pixdim[i] = b.getDouble(104 + 8 * i);
        double[][] srow = new double[3][4];
        for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) srow[r][c] = b.getDouble(400 + 32 * r + 8 * c);
        long offset = b.getLong(168);
        if (offset < 0) throw new IllegalArgumentException(file + ": vox_offset " + offset + " is negative");
        if (magic.equals("n+2") && offset < NIFTI2_MIN_OFFSET) offset = NIFTI2_MIN_OFFSET;
        return new NiftiHeader(2, b.order(), dim, b.getShort(12), b.getShort(14), pixdim, offset,
                b.getDouble(176), b.getDouble(184), b.getDouble(200), b.getDouble(192),
                b.getDouble(208), b.getDouble(216), b.getLong(224), b.getLong(232), b.getInt(496),
                b.getInt(500), b.getInt(504), b.getDouble(80), b.getDouble(88), b.getDouble(96), ascii(b, 508, 16),
                b.get(524) & 0xFF, ascii(b, 240, 80), ascii(b, 320, 24),
                b.getInt(344), b.getInt(348),
                b.getDouble(352), b.getDouble(360), b.getDouble(368), b.getDouble(376), b.getDouble(384), b.getDouble(392),
                srow);
    }

    /** Whether the magic says .hdr/.img pair rather than one file. */
    public static boolean isPairMagic(byte[] bytes, Kind kind) {
        int at = kind.version() == 1 ? 344 : 4;
        return bytes[at] == 'n' && bytes[at + 1] == 'i';
    }

    /**
     * The 352 bytes of a single-file little-endian NIfTI-1 header plus an empty extension flag.
     * Fields NIfTI-1 stores as float32/int16 are narrowed; the caller checks that dims fit.
     */
    public static byte[] encode1(NiftiHeader h) {
        ByteBuffer b = ByteBuffer.allocate(NIFTI1_MIN_OFFSET).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, NIFTI1_SIZE);
        b.put(38, (byte) 'r'); // "regular", as every writer sets it
        b.put(39, (byte) h.dimInfo());
        long[] dim = h.dim();
        for (int i = 0; i < 8; i++) b.putShort(40 + 2 * i, (short) dim[i]);
        b.putFloat(56, (float) h.intentP1());
        b.putFloat(60, (float) h.intentP2());
        b.putFloat(64, (float) h.intentP3());
        b.putShort(68, (short) h.intentCode());
        b.putShort(70, (short) h.datatype());
        b.putShort(72, (short) h.bitpix());
        b.putShort(74, (short) h.sliceStart());
        double[] pixdim = h.pixdim();
        for (int i = 0; i < 8; i++) b.putFloat(76 + 4 * i, (float) pixdim[i]);
        b.putFloat(108, h.voxOffset());
        b.putFloat(112, (float) h.sclSlope());
        b.putFloat(116, (float) h.sclInter());
        b.putShort(120, (short) h.sliceEnd());
        b.put(122, (byte) h.sliceCode());
        b.put(123, (byte) h.xyztUnits());
        b.putFloat(124, (float) h.calMax());
        b.putFloat(128, (float) h.calMin());
        b.putFloat(132, (float) h.sliceDuration());
        b.putFloat(136, (float) h.toffset());
        putAscii(b, 148, 80, h.descrip());
        putAscii(b, 228, 24, h.auxFile());
        b.putShort(252, (short) h.qformCode());
        b.putShort(254, (short) h.sformCode());
        b.putFloat(256, (float) h.quaternB());
        b.putFloat(260, (float) h.quaternC());
        b.putFloat(264, (float) h.quaternD());
        b.putFloat(268, (float) h.qoffsetX());
        b.putFloat(272, (float) h.qoffsetY());
        b.putFloat(276, (float) h.qoffsetZ());
        double[][] srow = h.srow();
        for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) b.putFloat(280 + 16 * r + 4 * c, (float) srow[r][c]);
        putAscii(b, 328, 16, h.intentName());
        putAscii(b, 344, 4, "n+1");
        return b.array(); // bytes 348..351: extension flag 0 (no extensions)
    }

    private static String ascii(ByteBuffer b, int at, int len) {
        int n = 0;
        while (n < len && b.get(at + n) != 0) n++;
        byte[] s = new byte[n];
        b.get(at, s);
        return new String(s, StandardCharsets.ISO_8859_1);
    }

    private static String printable(ByteBuffer b, int at, int len) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
            int c = b.get(at + i) & 0xFF;
            if (c >= 32 && c < 127) sb.append((char) c);
            else sb.append(String.format("\\x%02x", c));
        }
        return sb.toString();
    }

    private static void putAscii(ByteBuffer b, int at, int len, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        b.put(at, bytes, 0, Math.min(bytes.length, len)); // a full-length field has no NUL, as the standard allows
    }
}
