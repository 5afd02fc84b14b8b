package org.voxelforge.train.report;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class RasterAndFontTest {
    static final int W = 0xFFFFFF, K = 0x000000;

    @Test void bresenhamLinesAreConnectedIncludeBothEndsAndStayOnTheIdealLine() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 300; trial++) {
            int x0 = rnd.nextInt(40), y0 = rnd.nextInt(40), x1 = rnd.nextInt(40), y1 = rnd.nextInt(40);
            Raster r = new Raster(40, 40, W);
            r.line(x0, y0, x1, y1, K, 1);
            assertEquals(K, r.getPixel(x0, y0));
            assertEquals(K, r.getPixel(x1, y1));
            int dx = Math.abs(x1 - x0), dy = Math.abs(y1 - y0), count = 0;
            double len = Math.hypot(x1 - x0, y1 - y0);
            for (int y = 0; y < 40; y++)
                for (int x = 0; x < 40; x++) {
                    if (r.getPixel(x, y) != K) continue;
                    count++;
                    // reference: distance to the ideal segment is at most half a pixel along the minor axis
                    double dist = len == 0 ? 0 : Math.abs((double) (y1 - y0) * (x - x0) - (double) (x1 - x0) * (y - y0)) / len;
                    assertTrue(dist <= 0.5 * Math.max(dx, dy) / len + 1e-9, "pixel (" + x + "," + y + ") off the line " + x0 + "," + y0 + " -> " + x1 + "," + y1);
                }
            assertEquals(Math.max(dx, dy) + 1, count, "one pixel per step of the major axis");
        }
    }

    @Test void thickLinesAndClipping() {
        Raster r = new Raster(20, 20, W);
        r.line(2, 10, 17, 10, K, 2);
        for (int x = 2; x <= 17; x++) {
            assertEquals(K, r.getPixel(x, 10));
            assertEquals(K, r.getPixel(x, 11));
            assertEquals(W, r.getPixel(x, 9));
        }
        r = new Raster(20, 20, W);
        r.clip(5, 5, 9, 9);
        r.fillRect(0, 0, 20, 20, K);
        r.line(-100, 7, 100, 7, 0x123456, 1); // far outside: no exception, drawn only inside the clip
        for (int y = 0; y < 20; y++)
            for (int x = 0; x < 20; x++) {
                boolean in = x >= 5 && x <= 9 && y >= 5 && y <= 9;
                int expect = !in ? W : y == 7 ? 0x123456 : K;
                assertEquals(expect, r.getPixel(x, y), "(" + x + "," + y + ")");
            }
        assertThrows(IndexOutOfBoundsException.class, () -> new Raster(3, 3, W).getPixel(3, 0));
    }

    @Test void textDrawsEachGlyphPixelAsAScaledBlock() {
        String s = "Dice 0.5e-3 (lr)";
        int scale = 2;
        Raster r = new Raster(BitmapFont.textWidth(s, scale) + 4, BitmapFont.textHeight(scale) + 4, W);
        r.text(2, 2, s, scale, K);
        for (int i = 0; i < s.length(); i++)
            for (int row = 0; row < BitmapFont.GLYPH_HEIGHT; row++)
                for (int col = 0; col < BitmapFont.ADVANCE; col++) {
                    boolean ink = col < BitmapFont.GLYPH_WIDTH && BitmapFont.ink(s.charAt(i), col, row);
                    for (int d = 0; d < scale * scale; d++) {
                        int x = 2 + (i * BitmapFont.ADVANCE + col) * scale + d % scale, y = 2 + row * scale + d / scale;
                        if (x >= r.width()) continue;
                        assertEquals(ink ? K : W, r.getPixel(x, y), "char '" + s.charAt(i) + "' col " + col + " row " + row);
                    }
                }
    }

    @Test void upwardTextIsTheHorizontalTextTurnedCounterClockwise() {
        String s = "val Dice";
        int tw = BitmapFont.textWidth(s, 1), th = BitmapFont.textHeight(1);
        Raster flat = new Raster(tw, th, W), up = new Raster(th, tw, W);
        flat.text(0, 0, s, 1, K);
        up.textUp(0, tw - 1, s, 1, K);
        for (int y = 0; y < th; y++)
            for (int x = 0; x < tw; x++)
                assertEquals(flat.getPixel(x, y), up.getPixel(y, tw - 1 - x), "(" + x + "," + y + ")");
    }

    @Test void fontHasTheCharactersChartsUseAndUnknownOnesDrawAsQuestionMark() {
        String needed = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz .-+:/()e";
        for (char c : needed.toCharArray()) assertTrue(BitmapFont.hasGlyph(c), "glyph '" + c + "'");
        for (int row = 0; row < 7; row++)
            for (int col = 0; col < 5; col++) assertEquals(BitmapFont.ink('?', col, row), BitmapFont.ink('\u00e9', col, row));
        assertEquals(0, BitmapFont.textWidth("", 3));
        assertEquals((3 * 6 - 1) * 2, BitmapFont.textWidth("abc", 2));
    }

    @Test void mainCodeUsesNoDesktopModule() throws IOException {
        Path dir = Path.of("src/main/java/org/voxelforge/train/report");
        assertTrue(Files.isDirectory(dir), "run from the train module folder: " + dir.toAbsolutePath());
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                for (String line : Files.readAllLines(f)) {
                    String code = line.strip();
                    if (code.startsWith("*") || code.startsWith("/*") || code.startsWith("//")) continue; // comments may name them
                    for (String banned : new String[] {"java.awt", "javax.imageio", "javax.swing"})
                        assertFalse(code.contains(banned), f + " uses " + banned + ": " + code);
                }
            }
        }
    }
}
