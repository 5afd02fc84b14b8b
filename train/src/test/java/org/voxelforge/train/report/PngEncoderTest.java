package org.voxelforge.train.report;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Inflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The encoder's bytes against an independent decoder (ImageIO) and against the PNG chunk layout. */
class PngEncoderTest {

    static BufferedImage decode(byte[] png) throws Exception {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(img, "ImageIO could not decode the PNG");
        return img;
    }

    @Test void randomPixelsRoundTripThroughImageIO() throws Exception {
        Random rnd = new Random(7);
        for (int[] size : new int[][] {{1, 1}, {3, 2}, {17, 5}, {64, 33}}) {
            int w = size[0], h = size[1];
            int[] rgb = new int[w * h];
            for (int i = 0; i < rgb.length; i++) rgb[i] = rnd.nextInt(1 << 24);
            BufferedImage img = decode(PngEncoder.encode(w, h, rgb));
            assertEquals(w, img.getWidth());
            assertEquals(h, img.getHeight());
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    assertEquals(rgb[y * w + x], img.getRGB(x, y) & 0xFFFFFF, "pixel (" + x + ", " + y + ") of " + w + "x" + h);
        }
    }

    @Test void chunksHaveValidCrcsAndIdatInflatesToFilteredScanlines() throws Exception {
        int w = 5, h = 3;
        int[] rgb = new int[w * h];
        for (int i = 0; i < rgb.length; i++) rgb[i] = 0x010203 * i;
        ByteBuffer b = ByteBuffer.wrap(PngEncoder.encode(w, h, rgb));
        byte[] sig = new byte[8];
        b.get(sig);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, sig);
        StringBuilder types = new StringBuilder();
        byte[] idat = null;
        while (b.hasRemaining()) {
            int len = b.getInt();
            byte[] typeAndData = new byte[4 + len];
            b.get(typeAndData);
            CRC32 crc = new CRC32();
            crc.update(typeAndData);
            assertEquals(crc.getValue(), b.getInt() & 0xFFFFFFFFL);
            String type = new String(typeAndData, 0, 4, java.nio.charset.StandardCharsets.US_ASCII);
            types.append(type).append(' ');
            if (type.equals("IHDR")) {
                ByteBuffer d = ByteBuffer.wrap(typeAndData, 4, len);
                assertEquals(w, d.getInt());
                assertEquals(h, d.getInt());
                assertEquals(8, d.get()); // bit depth
                assertEquals(2, d.get()); // RGB
            }
            if (type.equals("IDAT")) idat = java.util.Arrays.copyOfRange(typeAndData, 4, 4 + len);
        }
        assertEquals("IHDR IDAT IEND ", types.toString());
        Inflater inf = new Inflater();
        inf.setInput(idat);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        byte[] buf = new byte[256];
        while (!inf.finished()) raw.write(buf, 0, inf.inflate(buf));
        inf.end();
        byte[] r = raw.toByteArray();
        assertEquals(h * (1 + 3 * w), r.length);
        for (int y = 0; y < h; y++) {
            assertEquals(0, r[y * (1 + 3 * w)], "filter byte of row " + y);
            for (int x = 0; x < w; x++) {
                int o = y * (1 + 3 * w) + 1 + 3 * x, p = rgb[y * w + x];
                assertEquals(p, (r[o] & 0xFF) << 16 | (r[o + 1] & 0xFF) << 8 | (r[o + 2] & 0xFF));
            }
        }
    }

    @Test void badSizesAreRejectedWithTheShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> PngEncoder.encode(4, 4, new int[15]));
        assertTrue(e.getMessage().contains("15 pixels for a 4x4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PngEncoder.encode(0, 4, new int[0]));
    }
}
