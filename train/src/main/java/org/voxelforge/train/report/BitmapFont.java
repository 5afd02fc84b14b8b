package org.voxelforge.train.report;

import java.util.HashMap;
import java.util.Map;

/**
 * A built-in 5x7 pixel font (the classic LCD character shapes) for chart labels, so text
 * needs no system fonts and no java.awt. Each glyph is 7 rows, top to bottom; in a row, bit 4
 * is the leftmost of the 5 columns. A character without a glyph is drawn as '?'.
 */
public final class BitmapFont {
    public static final int GLYPH_WIDTH = 5;
    public static final int GLYPH_HEIGHT = 7;
    /** Horizontal distance from one character to the next: the glyph plus one blank column. */
    public static final int ADVANCE = GLYPH_WIDTH + 1;

    private static final Map<Character, int[]> GLYPHS = new HashMap<>();

    static {
        def('0', "0E 11 13 15 19 11 0E");
        def('1', "04 0C 04 04 04 04 0E");
        def('2', "0E 11 01 02 04 08 1F");
        def('3', "1F 02 04 02 01 11 0E");
        def('4', "02 06 0A 12 1F 02 02");
        def('5', "1F 10 1E 01 01 11 0E");
        def('6', "06 08 10 1E 11 11 0E");
        def('7', "1F 01 02 04 08 08 08");
        def('8', "0E 11 11 0E 11 11 0E");
        def('9', "0E 11 11 0F 01 02 0C");

        def('A', "0E 11 11 11 1F 11 11");
        def('B', "1E 11 11 1E 11 11 1E");
        def('C', "0E 11 10 10 10 11 0E");
        def('D', "1C 12 11 11 11 12 1C");
        def('E', "1F 10 10 1E 10 10 1F");
        def('F', "1F 10 10 1E 10 10 10");
        def('G', "0E 11 10 17 11 11 0F");
        def('H', "11 11 11 1F 11 11 11");
        def('I', "0E 04 04 04 04 04 0E");
        def('J', "07 02 02 02 02 12 0C");
        def('K', "11 12 14 18 14 12 11");
        def('L', "10 10 10 10 10 10 1F");
        def('M', "11 1B 15 15 11 11 11");
        def('N', "11 11 19 15 13 11 11");
        def('O', "0E 11 11 11 11 11 0E");
        def('P', "1E 11 11 1E 10 10 10");
        def('Q', "0E 11 11 11 15 12 0D");
        def('R', "1E 11 11 1E 14 12 11");
        def('S', "0F 10 10 0E 01 01 1E");
        def('T', "1F 04 04 04 04 04 04");
        def('U', "11 11 11 11 11 11 0E");
        def('V', "11 11 11 11 11 0A 04");
        def('W', "11 11 11 15 15 15 0A");
        def('X', "11 11 0A 04 0A 11 11");
        def('Y', "11 11 11 0A 04 04 04");
        def('Z', "1F 01 02 04 08 10 1F");

        def('a', "00 00 0E 01 0F 11 0F");
        def('b', "10 10 16 19 11 11 1E");
        def('c', "00 00 0E 10 10 11 0E");
        def('d', "01 01 0D 13 11 11 0F");
        def('e', "00 00 0E 11 1F 10 0E");
        def('f', "06 09 08 1C 08 08 08");
        def('g', "00 0F 11 11 0F 01 0E");
        def('h', "10 10 16 19 11 11 11");
        def('i', "04 00 0C 04 04 04 0E");
        def('j', "02 00 06 02 02 12 0C");
        def('k', "10 10 12 14 18 14 12");
        def('l', "0C 04 04 04 04 04 0E");
        def('m', "00 00 1A 15 15 11 11");
        def('n', "00 00 16 19 11 11 11");
        def('o', "00 00 0E 11 11 11 0E");
        def('p', "00 00 1E 11 1E 10 10");
        def('q', "00 00 0D 13 0F 01 01");
        def('r', "00 00 16 19 10 10 10");
        def('s', "00 00 0E 10 0E 01 1E");
        def('t', "08 08 1C 08 08 09 06");
        def('u', "00 00 11 11 11 13 0D");
        def('v', "00 00 11 11 11 0A 04");
        def('w', "00 00 11 11 15 15 0A");
        def('x', "00 00 11 0A 04 0A 11");
        def('y', "00 00 11 11 0F 01 0E");
        def('z', "00 00 1F 02 04 08 1F");

        def(' ', "00 00 00 00 00 00 00");
        def('.', "00 00 00 00 00 0C 0C");
        def(',', "00 00 00 00 0C 04 08");
        def('-', "00 00 00 1F 00 00 00");
        def('+', "00 04 04 1F 04 04 00");
        def(':', "00 0C 0C 00 0C 0C 00");
        def('/', "00 01 02 04 08 10 00");
        def('(', "02 04 08 08 08 04 02");
        def(')', "08 04 02 02 02 04 08");
        def('[', "0E 08 08 08 08 08 0E");
        def(']', "0E 02 02 02 02 02 0E");
        def('_', "00 00 00 00 00 00 1F");
        def('=', "00 00 1F 00 1F 00 00");
        def('%', "18 19 02 04 08 13 03");
        def('#', "0A 0A 1F 0A 1F 0A 0A");
        def('*', "00 04 15 0E 15 04 00");
        def('<', "02 04 08 10 08 04 02");
        def('>', "08 04 02 01 02 04 08");
        def('|', "04 04 04 04 04 04 04");
        def('\'', "0C 04 08 00 00 00 00");
        def('"', "0A 0A 0A 00 00 00 00");
        def('!', "04 04 04 04 04 00 04");
        def('?', "0E 11 01 02 04 00 04");
    }

    private BitmapFont() {}

    private static void def(char c, String hexRows) {
        String[] parts = hexRows.split(" ");
        if (parts.length != GLYPH_HEIGHT) throw new IllegalStateException("glyph '" + c + "' has " + parts.length + " rows");
        int[] rows = new int[GLYPH_HEIGHT];
        for (int i = 0; i < GLYPH_HEIGHT; i++) {
            rows[i] = Integer.parseInt(parts[i], 16);
            if (rows[i] >>> GLYPH_WIDTH != 0) throw new IllegalStateException("glyph '" + c + "' row " + i + " is wider than 5 columns");
        }
        if (GLYPHS.put(c, rows) != null) throw new IllegalStateException("glyph '" + c + "' defined twice");
    }

    public static boolean hasGlyph(char c) { return GLYPHS.containsKey(c); }

    /** Whether the pixel at column {@code col} (0 = left), row {@code row} (0 = top) of {@code c}'s glyph is ink. */
    public static boolean ink(char c, int col, int row) {
        int[] rows = GLYPHS.getOrDefault(c, GLYPHS.get('?'));
        return (rows[row] >>> (GLYPH_WIDTH - 1 - col) & 1) != 0;
    }

    /** Width in pixels of {@code text} drawn at {@code scale} (no trailing blank column). */
    public static int textWidth(String text, int scale) {
        return text.isEmpty() ? 0 : (text.length() * ADVANCE - 1) * scale;
    }

    public static int textHeight(int scale) { return GLYPH_HEIGHT * scale; }
}
