package org.voxelforge.train.report;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Encodes an RGB raster as a PNG (8-bit truecolour, no alpha, no interlace) with nothing but
 * java.util.zip, so that charts can be written on a runtime without java.desktop.
 * Layout (PNG spec, ISO/IEC 15948): signature, IHDR, one IDAT holding the zlib stream of
 * the scanlines (each prefixed with filter type 0, "None"), IEND; each chunk is
 * length, type, data, CRC-32 over type and data.
 */
public final class PngEncoder {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private PngEncoder() {}

    /**
     * @param rgb row-major pixels, {@code 0xRRGGBB} (higher bits ignored), length width*height
     */
    public static byte[] encode(int width, int height, int[] rgb) {
        if (width <= 0 || height <= 0)
            throw new IllegalArgumentException("PngEncoder.encode: size " + width + "x" + height + " must be positive");
        if (rgb.length != (long) width * height)
            throw new IllegalArgumentException("PngEncoder.encode: " + rgb.length + " pixels for a " + width + "x" + height
                    + " image; expected width*height = " + (long) width * height);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SIGNATURE);

        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, width);
        putInt(ihdr, 4, height);
        ihdr[8] = 8;  // bit depth
        ihdr[9] = 2;  // colour type 2: truecolour RGB
        ihdr[10] = 0; // compression: deflate
        ihdr[11] = 0; // filter method 0
        ihdr[12] = 0; // no interlace
        chunk(out, "IHDR", ihdr);
        chunk(out, "IDAT", deflate(scanlines(width, height, rgb)));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static byte[] scanlines(int width, int height, int[] rgb) {
        int stride = 1 + 3 * width;
        byte[] raw = new byte[stride * height];
        for (int y = 0; y < height; y++) {
            int o = y * stride;
            raw[o++] = 0; // filter type None
            for (int x = 0; x < width; x++) {
                int p = rgb[y * width + x];
                raw[o++] = (byte) (p >>> 16);
                raw[o++] = (byte) (p >>> 8);
                raw[o++] = (byte) p;
            }
        }
        return raw;
    }

    private static byte[] deflate(byte[] raw) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION); // zlib wrapper, as PNG requires
        try {
            d.setInput(raw);
            d.finish();
            ByteArrayOutputStream z = new ByteArrayOutputStream(raw.length / 8 + 64);
            byte[] buf = new byte[1 << 16];
            while (!d.finished()) z.write(buf, 0, d.deflate(buf));
            return z.toByteArray();
        } finally {
            d.end();
        }
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        byte[] len = new byte[4];
        putInt(len, 0, data.length);
        out.writeBytes(len);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        byte[] c = new byte[4];
        putInt(c, 0, (int) crc.getValue());
        out.writeBytes(c);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
