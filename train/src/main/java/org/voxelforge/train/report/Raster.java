package org.voxelforge.train.report;

import java.util.Arrays;

/**
 * An RGB image in memory ({@code 0xRRGGBB} per pixel, row-major, y down) with the few drawing
 * primitives a chart needs: pixels, Bresenham lines of 1 or more pixels thickness, filled
 * rectangles and text in {@link BitmapFont}. Everything drawn is clipped to the clip
 * rectangle (the whole image unless {@link #clip} narrowed it).
 */
public final class Raster {
    private final int width;
    private final int height;
    private final int[] pixels;
    private int clipX0, clipY0, clipX1, clipY1; // inclusive bounds

    public Raster(int width, int height, int background) {
        if (width <= 0 || height <= 0)
            throw new IllegalArgumentException("Raster: size " + width + "x" + height + " must be positive");
        this.width = width;
        this.height = height;
        this.pixels = new int[width * height];
        Arrays.fill(pixels, background & 0xFFFFFF);
        noClip();
    }

    public int width() { return width; }
    public int height() { return height; }

    public int getPixel(int x, int y) {
        if (x < 0 || y < 0 || x >= width || y >= height)
            throw new IndexOutOfBoundsException("Raster.getPixel: (" + x + ", " + y + ") outside " + width + "x" + height);
        return pixels[y * width + x];
    }

    /** A copy of the pixels, row-major {@code 0xRRGGBB}. */
    public int[] pixels() { return pixels.clone(); }

    /** Restricts drawing to the rectangle [x0, x1] x [y0, y1] (inclusive, intersected with the image). */
    public void clip(int x0, int y0, int x1, int y1) {
        clipX0 = Math.max(0, Math.min(x0, x1));
        clipY0 = Math.max(0, Math.min(y0, y1));
        clipX1 = Math.min(width - 1, Math.max(x0, x1));
        clipY1 = Math.min(height - 1, Math.max(y0, y1));
    }

    public void noClip() { clip(0, 0, width - 1, height - 1); }

    /** Sets one pixel; a pixel outside the clip rectangle is ignored. */
    public void setPixel(int x, int y, int rgb) {
        if (x < clipX0 || y < clipY0 || x > clipX1 || y > clipY1) return;
        pixels[y * width + x] = rgb & 0xFFFFFF;
    }

    /** Fills the rectangle whose top-left pixel is (x, y), w pixels wide and h high. */
    public void fillRect(int x, int y, int w, int h, int rgb) {
        int xa = Math.max(x, clipX0), xb = Math.min(x + w - 1, clipX1);
        int ya = Math.max(y, clipY0), yb = Math.min(y + h - 1, clipY1);
        for (int yy = ya; yy <= yb; yy++)
            for (int xx = xa; xx <= xb; xx++) pixels[yy * width + xx] = rgb & 0xFFFFFF;
    }

    /** Outline of the rectangle whose corners are (x, y) and (x + w - 1, y + h - 1). */
    public void strokeRect(int x, int y, int w, int h, int rgb) {
        line(x, y, x + w - 1, y, rgb, 1);
        line(x, y + h - 1, x + w - 1, y + h - 1, rgb, 1);
        line(x, y, x, y + h - 1, rgb, 1);
        line(x + w - 1, y, x + w - 1, y + h - 1, rgb, 1);
    }

    /**
     * Bresenham's line from (x0, y0) to (x1, y1), both ends included. With thickness t > 1
     * every point of the line becomes a t x t square starting (t - 1) / 2 pixels up and left.
     */
    public void line(int x0, int y0, int x1, int y1, int rgb, int thickness) {
        if (thickness < 1) throw new IllegalArgumentException("Raster.line: thickness " + thickness + " must be >= 1");
        int back = (thickness - 1) / 2;
        int dx = Math.abs(x1 - x0), dy = -Math.abs(y1 - y0);
        int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
        int err = dx + dy;
        int x = x0, y = y0;
        while (true) {
            if (thickness == 1) setPixel(x, y, rgb);
            else fillRect(x - back, y - back, thickness, thickness, rgb);
            if (x == x1 && y == y1) break;
            int e2 = 2 * err;
            if (e2 >= dy) { err += dy; x += sx; }
            if (e2 <= dx) { err += dx; y += sy; }
        }
    }

    /** Draws {@code text} left to right with its top-left corner at (x, y), each font pixel a scale x scale block. */
    public void text(int x, int y, String text, int scale, int rgb) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int gx = x + i * BitmapFont.ADVANCE * scale;
            for (int row = 0; row < BitmapFont.GLYPH_HEIGHT; row++)
                for (int col = 0; col < BitmapFont.GLYPH_WIDTH; col++)
                    if (BitmapFont.ink(c, col, row)) fillRect(gx + col * scale, y + row * scale, scale, scale, rgb);
        }
    }

    /**
     * Draws {@code text} turned 90 degrees counter-clockwise (read bottom to top, as a y-axis
     * title), with the bottom-left corner of the turned text at (x, y): it spans
     * x .. x + 7*scale - 1 horizontally and y - textWidth + 1 .. y vertically.
     */
    public void textUp(int x, int y, String text, int scale, int rgb) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int along = i * BitmapFont.ADVANCE * scale;
            for (int row = 0; row < BitmapFont.GLYPH_HEIGHT; row++)
                for (int col = 0; col < BitmapFont.GLYPH_WIDTH; col++)
                    if (BitmapFont.ink(c, col, row))
                        fillRect(x + row * scale, y - along - (col + 1) * scale + 1, scale, scale, rgb);
        }
    }
}
