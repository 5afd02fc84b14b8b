package org.voxelforge.data.nifti;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Builds NIfTI files byte by byte for tests, straight from the standard's field offsets (public
 * fields, no checks), so tests can make any header, broken ones included, and a payload of
 * random voxels. Independent of NiftiHeaderCodec on purpose.
 */
final class RawNifti {
    int version = 1;
    ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    long[] dim = {3, 4, 3, 2, 1, 1, 1, 1};
    int datatype = 16;
    int bitpix = 32;
    double[] pixdim = {1, 1.5, 2, 2.5, 1, 1, 1, 1};
    long voxOffset = -1; // -1: right after the header and extension flag
    double slope = 0, inter = 0;
    int qformCode = 0, sformCode = 1;
    double[] quatern = {0, 0, 0};
    double[] qoffset = {0, 0, 0};
    double[][] srow = {{1.5, 0, 0, -3}, {0, 2, 0, -2}, {0, 0, 2.5, -1}};
    int xyztUnits = 2 | 8;
    String descrip = "raw test file";
    String magic = null; // null: the right one for the version
    Integer sizeofHdr = null; // null: the right one
    byte[] payload = new byte[0];

    int headerSize() { return version == 1 ? 348 : 540; }

    long dataOffset() { return voxOffset >= 0 ? voxOffset : headerSize() + 4; }

    byte[] header() {
        ByteBuffer b = ByteBuffer.allocate(headerSize()).order(order);
        b.putInt(0, sizeofHdr != null ? sizeofHdr : headerSize());
        if (version == 1) {
            for (int i = 0; i < 8; i++) b.putShort(40 + 2 * i, (short) dim[i]);
            b.putShort(70, (short) datatype);
            b.putShort(72, (short) bitpix);
            for (int i = 0; i < 8; i++) b.putFloat(76 + 4 * i, (float) pixdim[i]);
            b.putFloat(108, voxOffset >= 0 ? voxOffset : 352);
            b.putFloat(112, (float) slope);
            b.putFloat(116, (float) inter);
            b.put(123, (byte) xyztUnits);
            put(b, 148, descrip);
            b.putShort(252, (short) qformCode);
            b.putShort(254, (short) sformCode);
            for (int i = 0; i < 3; i++) b.putFloat(256 + 4 * i, (float) quatern[i]);
            for (int i = 0; i < 3; i++) b.putFloat(268 + 4 * i, (float) qoffset[i]);
            for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) b.putFloat(280 + 16 * r + 4 * c, (float) srow[r][c]);
            put(b, 344, magic != null ? magic : "n+1\0");
        } else {
            put(b, 4, magic != null ? magic : "n+2\0\r\n\032\n");
            b.putShort(12, (short) datatype);
            b.putShort(14, (short) bitpix);
            for (int i = 0; i < 8; i++) b.putLong(16 + 8 * i, dim[i]);
            for (int i = 0; i < 8; i++) b.putDouble(104 + 8 * i, pixdim[i]);
            b.putLong(168, voxOffset >= 0 ? voxOffset : 544);
            b.putDouble(176, slope);
            b.putDouble(184, inter);
            put(b, 240, descrip);
            b.putInt(344, qformCode);
            b.putInt(348, sformCode);
            for (int i = 0; i < 3; i++) b.putDouble(352 + 8 * i, quatern[i]);
            for (int i = 0; i < 3; i++) b.putDouble(376 + 8 * i, qoffset[i]);
            for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) b.putDouble(400 + 32 * r + 8 * c, srow[r][c]);
            b.putInt(500, xyztUnits);
        }
        return b.array();
    }

    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header());
        long pad = dataOffset() - headerSize();
        for (long i = 0; i < pad; i++) out.write(0);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    Path write(Path file) throws IOException {
        byte[] b = bytes();
        if (file.toString().endsWith(".gz")) {
            ByteArrayOutputStream z = new ByteArrayOutputStream();
            try (GZIPOutputStream g = new GZIPOutputStream(z)) {
                g.write(b);
            }
            b = z.toByteArray();
        }
        return Files.write(file, b);
    }

    long voxels() {
        long n = 1;
        for (int i = 1; i <= dim[0]; i++) n *= dim[i];
        return n;
    }

    /** Fills the payload with random bytes for {@code voxels()} voxels of {@code bytesPer} bytes. */
    RawNifti randomPayload(java.util.Random rnd, int bytesPer) {
        payload = new byte[(int) (voxels() * bytesPer)];
        rnd.nextBytes(payload);
        return this;
    }

    private static void put(ByteBuffer b, int at, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        b.put(at, bytes);
    }

    /**
     * The slow, obviously right twin of the reader's decoder: voxel {@code i} of the payload
     * (file order) as a double, scaled the way nibabel scales.
     */
    static double naiveValue(byte[] payload, ByteOrder order, int datatype, long i, double slope, double inter) {
        ByteBuffer b = ByteBuffer.wrap(payload).order(order);
        int at = (int) i;
        double raw = switch (datatype) {
            case 2 -> b.get(at) & 0xFF;
            case 256 -> b.get(at);
            case 4 -> b.getShort(2 * at);
            case 512 -> b.getShort(2 * at) & 0xFFFF;
            case 8 -> b.getInt(4 * at);
            case 768 -> b.getInt(4 * at) & 0xFFFFFFFFL;
            case 1024 -> (double) b.getLong(8 * at);
            case 16 -> b.getFloat(4 * at);
            case 64 -> b.getDouble(8 * at);
            default -> throw new IllegalArgumentException("datatype " + datatype);
        };
        boolean scaled = slope != 0 && Double.isFinite(slope) && !(slope == 1 && inter == 0);
        if (!scaled) return raw;
        double v = raw;
        if (slope != 1) v *= slope;
        if (inter != 0) v += inter;
        return datatype == 64 ? v : (float) v;
    }
}
