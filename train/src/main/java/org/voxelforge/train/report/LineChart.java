package org.voxelforge.train.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One chart panel: a framed plot area with nice ticks on both axes, a light grid, axis titles,
 * named coloured series and a legend, drawn into a {@link Raster} inside a given box.
 * A point whose x or y is NaN is a gap: the series is drawn as separate segments around it,
 * and a point with no finite neighbour gets a small square so that it stays visible.
 * Axes are computed once, at {@link Builder#build()}; {@link #toPixelX}/{@link #toPixelY}
 * are the mapping the drawing uses, so callers (and tests) can find where a value lands.
 */
public final class LineChart {
    public static final int BACKGROUND = 0xFFFFFF;
    public static final int INK = 0x000000;
    public static final int GRID = 0xE4E4E4;

    public static final int LINE_THICKNESS = 2;
    public static final int MARKER_SIZE = 5;
    public static final int TEXT_SCALE = 2;
    private static final int TICK_LENGTH = 5;

    /** A named series; xs and ys have equal length; markers draws a square on every point. */
    public record Series(String name, int rgb, double[] xs, double[] ys, boolean markers) {
        public Series {
            Objects.requireNonNull(name, "Series name");
            if (xs.length != ys.length)
                throw new IllegalArgumentException("LineChart.Series '" + name + "': " + xs.length + " x values but "
                        + ys.length + " y values; expected one y per x");
            xs = xs.clone();
            ys = ys.clone();
        }

        boolean finiteAt(int i) { return Double.isFinite(xs[i]) && Double.isFinite(ys[i]); }
    }

    public enum LegendCorner { TOP_RIGHT, BOTTOM_RIGHT }

    private final int boxLeft, boxTop, boxWidth, boxHeight;
    private final int plotLeft, plotTop, plotRight, plotBottom;
    private final String xTitle, yTitle, emptyMessage;
    private final List<Series> series;
    private final LegendCorner legendCorner;
    private final NiceTicks xAxis, yAxis;

    private LineChart(Builder b) {
        boxLeft = b.left;
        boxTop = b.top;
        boxWidth = b.width;
        boxHeight = b.height;
        plotLeft = b.left + b.leftMargin;
        plotTop = b.top + 10;
        plotRight = b.left + b.width - 1 - 16;
        // below the plot: tick, gap, tick labels, gap, x title
        plotBottom = b.top + b.height - 1 - (TICK_LENGTH + 4 + BitmapFont.textHeight(TEXT_SCALE) + 8 + BitmapFont.textHeight(TEXT_SCALE) + 4);
        if (plotRight - plotLeft < 20 || plotBottom - plotTop < 20)
            throw new IllegalArgumentException("LineChart: box " + b.width + "x" + b.height + " with left margin " + b.leftMargin
                    + " leaves a plot of " + (plotRight - plotLeft) + "x" + (plotBottom - plotTop) + " pixels; expected at least 20x20");
        xTitle = b.xTitle;
        yTitle = b.yTitle;
        emptyMessage = b.emptyMessage;
        series = List.copyOf(b.series);
        legendCorner = b.legendCorner;

        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY, yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series)
            for (int i = 0; i < s.xs.length; i++) {
                if (!s.finiteAt(i)) continue;
                xMin = Math.min(xMin, s.xs[i]);
                xMax = Math.max(xMax, s.xs[i]);
                yMin = Math.min(yMin, s.ys[i]);
                yMax = Math.max(yMax, s.ys[i]);
            }
        boolean any = xMin <= xMax;
        xAxis = b.xRange != null ? NiceTicks.of(b.xRange[0], b.xRange[1], 8, b.integerX)
                : any ? NiceTicks.of(xMin, xMax, 8, b.integerX) : NiceTicks.of(0, 1, 8, b.integerX);
        yAxis = b.yRange != null ? NiceTicks.of(b.yRange[0], b.yRange[1], 5)
                : any ? NiceTicks.of(yMin, yMax, 5) : NiceTicks.of(0, 1, 5);
    }

    /**
     * A panel occupying the box whose top-left pixel is (left, top), width x height pixels
     * (axis labels and titles included).
     */
    public static Builder builder(int left, int top, int width, int height) {
        return new Builder(left, top, width, height);
    }

    public NiceTicks xAxis() { return xAxis; }
    public NiceTicks yAxis() { return yAxis; }
    public int plotLeft() { return plotLeft; }
    public int plotTop() { return plotTop; }
    public int plotRight() { return plotRight; }
    public int plotBottom() { return plotBottom; }
    public List<Series> series() { return series; }

    /** The pixel column of data value x (xAxis().lo() at plotLeft, hi() at plotRight). */
    public int toPixelX(double x) {
        return clampToInt(plotLeft + (x - xAxis.lo()) / (xAxis.hi() - xAxis.lo()) * (plotRight - plotLeft));
    }

    /** The pixel row of data value y (yAxis().lo() at plotBottom, hi() at plotTop; y grows down in the image). */
    public int toPixelY(double y) {
        return clampToInt(plotBottom - (y - yAxis.lo()) / (yAxis.hi() - yAxis.lo()) * (plotBottom - plotTop));
    }

    // Far-off values (outside a fixed range) still give a line in the right direction, then clipped.
    private static int clampToInt(double p) { return (int) Math.max(-100_000, Math.min(100_000, Math.round(p))); }

    /** Whether any series has a point with finite x and y. */
    public boolean hasData() {
        for (Series s : series)
            for (int i = 0; i < s.xs.length; i++) if (s.finiteAt(i)) return true;
        return false;
    }

    public void draw(Raster r) {
        r.noClip();
        r.fillRect(boxLeft, boxTop, boxWidth, boxHeight, BACKGROUND);
        drawGridAndTicks(r);
        r.strokeRect(plotLeft, plotTop, plotRight - plotLeft + 1, plotBottom - plotTop + 1, INK);

        // Series go over the frame, clipped just outside it, so a point on the axis keeps its whole marker.
        int m = MARKER_SIZE / 2;
        r.clip(plotLeft - m, plotTop - m, plotRight + m, plotBottom + m);
        for (Series s : series) drawSeries(r, s);
        r.noClip();

        int th = BitmapFont.textHeight(TEXT_SCALE);
        if (!xTitle.isEmpty())
            r.text((plotLeft + plotRight - BitmapFont.textWidth(xTitle, TEXT_SCALE)) / 2, plotBottom + TICK_LENGTH + 4 + th + 8,
                    xTitle, TEXT_SCALE, INK);
        if (!yTitle.isEmpty())
            r.textUp(boxLeft + 4, (plotTop + plotBottom + BitmapFont.textWidth(yTitle, TEXT_SCALE)) / 2, yTitle, TEXT_SCALE, INK);
        if (!hasData() && !emptyMessage.isEmpty())
            r.text((plotLeft + plotRight - BitmapFont.textWidth(emptyMessage, TEXT_SCALE)) / 2, (plotTop + plotBottom - th) / 2,
                    emptyMessage, TEXT_SCALE, 0x808080);
        else drawLegend(r);
    }

    private void drawGridAndTicks(Raster r) {
        int th = BitmapFont.textHeight(TEXT_SCALE);
        for (double v : xAxis.values()) {
            int px = toPixelX(v);
            r.line(px, plotTop, px, plotBottom, GRID, 1);
            r.line(px, plotBottom, px, plotBottom + TICK_LENGTH, INK, 1);
            String label = xAxis.label(v);
            r.text(px - BitmapFont.textWidth(label, TEXT_SCALE) / 2, plotBottom + TICK_LENGTH + 4, label, TEXT_SCALE, INK);
        }
        for (double v : yAxis.values()) {
            int py = toPixelY(v);
            r.line(plotLeft, py, plotRight, py, GRID, 1);
            r.line(plotLeft - TICK_LENGTH, py, plotLeft, py, INK, 1);
            String label = yAxis.label(v);
            r.text(plotLeft - TICK_LENGTH - 4 - BitmapFont.textWidth(label, TEXT_SCALE), py - th / 2, label, TEXT_SCALE, INK);
        }
    }

    private void drawSeries(Raster r, Series s) {
        int n = s.xs.length;
        for (int i = 0; i < n; i++) {
            if (!s.finiteAt(i)) continue;
            int x = toPixelX(s.xs[i]), y = toPixelY(s.ys[i]);
            boolean next = i + 1 < n && s.finiteAt(i + 1);
            boolean prev = i > 0 && s.finiteAt(i - 1);
            if (next) r.line(x, y, toPixelX(s.xs[i + 1]), toPixelY(s.ys[i + 1]), s.rgb, LINE_THICKNESS);
            if (s.markers || (!next && !prev)) {
                int half = MARKER_SIZE / 2;
                r.fillRect(x - half, y - half, MARKER_SIZE, MARKER_SIZE, s.rgb);
            }
        }
    }

    private void drawLegend(Raster r) {
        List<Series> named = new ArrayList<>();
        int textW = 0;
        for (Series s : series)
            if (!s.name.isEmpty()) {
                named.add(s);
                textW = Math.max(textW, BitmapFont.textWidth(s.name, TEXT_SCALE));
            }
        if (named.isEmpty()) return;
        int th = BitmapFont.textHeight(TEXT_SCALE), rowH = th + 8, sample = 24;
        int w = 8 + sample + 8 + textW + 8, h = 6 + named.size() * rowH;
        int x = plotRight - 8 - w;
        int y = legendCorner == LegendCorner.TOP_RIGHT ? plotTop + 8 : plotBottom - 8 - h;
        r.fillRect(x, y, w, h, BACKGROUND);
        r.strokeRect(x, y, w, h, 0xA0A0A0);
        for (int k = 0; k < named.size(); k++) {
            Series s = named.get(k);
            int cy = y + 6 + k * rowH + th / 2;
            r.line(x + 8, cy, x + 8 + sample, cy, s.rgb, LINE_THICKNESS);
            if (s.markers) r.fillRect(x + 8 + sample / 2 - MARKER_SIZE / 2, cy - MARKER_SIZE / 2, MARKER_SIZE, MARKER_SIZE, s.rgb);
            r.text(x + 8 + sample + 8, cy - th / 2, s.name, TEXT_SCALE, INK);
        }
    }

    public static final class Builder {
        private final int left, top, width, height;
        private int leftMargin = 130;
        private String xTitle = "", yTitle = "", emptyMessage = "no data";
        private double[] xRange, yRange;
        private LegendCorner legendCorner = LegendCorner.TOP_RIGHT;
        private boolean integerX;
        private final List<Series> series = new ArrayList<>();

        private Builder(int left, int top, int width, int height) {
            this.left = left;
            this.top = top;
            this.width = width;
            this.height = height;
        }

        public Builder xTitle(String t) { xTitle = Objects.requireNonNull(t); return this; }
        public Builder yTitle(String t) { yTitle = Objects.requireNonNull(t); return this; }
        /** Text shown in the middle of the plot when no series has a finite point. */
        public Builder emptyMessage(String t) { emptyMessage = Objects.requireNonNull(t); return this; }
        /** Pixels left of the plot for tick labels and the y title (equal margins align stacked panels). */
        public Builder leftMargin(int px) { leftMargin = px; return this; }
        public Builder legendCorner(LegendCorner c) { legendCorner = Objects.requireNonNull(c); return this; }
        /** The x data range to tick (widened to nice bounds) instead of the series' own. */
        public Builder xRange(double lo, double hi) { xRange = range("xRange", lo, hi); return this; }
        /** The y data range to tick (widened to nice bounds) instead of the series' own; values outside are clipped. */
        public Builder yRange(double lo, double hi) { yRange = range("yRange", lo, hi); return this; }
        /** x ticks on whole numbers only (an epoch axis). */
        public Builder integerX() { integerX = true; return this; }
        public Builder add(Series s) { series.add(Objects.requireNonNull(s)); return this; }
        public LineChart build() { return new LineChart(this); }

        private static double[] range(String what, double lo, double hi) {
            if (!Double.isFinite(lo) || !Double.isFinite(hi) || lo > hi)
                throw new IllegalArgumentException("LineChart." + what + ": [" + lo + ", " + hi + "]; expected finite bounds with lo <= hi");
            return new double[] {lo, hi};
        }
    }
}
