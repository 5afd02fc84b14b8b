package org.voxelforge.train.report;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class LineChartTest {
    static final int RED = 0xD62728, BLUE = 0x1F77B4;

    /** Whether colour rgb occurs within +-radius pixels of (x, y). */
    static boolean colourNear(Raster r, int x, int y, int rgb, int radius) {
        for (int dy = -radius; dy <= radius; dy++)
            for (int dx = -radius; dx <= radius; dx++) {
                int xx = x + dx, yy = y + dy;
                if (xx >= 0 && yy >= 0 && xx < r.width() && yy < r.height() && r.getPixel(xx, yy) == rgb) return true;
            }
        return false;
    }

    static int countColour(Raster r, int x0, int y0, int x1, int y1, int rgb) {
        int n = 0;
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++) if (r.getPixel(x, y) == rgb) n++;
        return n;
    }

    @Test void mappingPutsTheAxisEndsOnThePlotFrame() {
        LineChart c = LineChart.builder(10, 20, 600, 300)
                .add(new LineChart.Series("s", RED, new double[] {0, 10}, new double[] {-1, 3}, false)).build();
        assertEquals(c.plotLeft(), c.toPixelX(c.xAxis().lo()));
        assertEquals(c.plotRight(), c.toPixelX(c.xAxis().hi()));
        assertEquals(c.plotBottom(), c.toPixelY(c.yAxis().lo()));
        assertEquals(c.plotTop(), c.toPixelY(c.yAxis().hi()));
        assertTrue(c.toPixelY(1) < c.toPixelY(0), "larger values are higher up");
        assertTrue(c.plotLeft() > 10 && c.plotRight() < 610 && c.plotTop() >= 20 && c.plotBottom() < 320);
    }

    @Test void seriesPassesThroughItsMappedPointsAndTheirMidpoints() {
        double[] xs = new double[21], a = new double[21], b = new double[21];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = i;
            a[i] = Math.sin(i / 3.0);
            b[i] = 0.5 - i / 40.0;
        }
        LineChart c = LineChart.builder(0, 0, 700, 400).xTitle("epoch").yTitle("value")
                .add(new LineChart.Series("sin", RED, xs, a, false))
                .add(new LineChart.Series("ramp", BLUE, xs, b, false)).build();
        Raster r = new Raster(700, 400, 0x777777);
        c.draw(r);
        for (int i = 0; i + 1 < xs.length; i++) {
            for (double t : new double[] {0, 0.5}) {
                double x = xs[i] + t, ya = a[i] + t * (a[i + 1] - a[i]), yb = b[i] + t * (b[i + 1] - b[i]);
                // the legend box (top right) may cover the line there
                if (c.toPixelX(x) > c.plotRight() - 250 && c.toPixelY(Math.max(ya, yb)) < c.plotTop() + 80) continue;
                assertTrue(colourNear(r, c.toPixelX(x), c.toPixelY(ya), RED, 2), "sin at x=" + x);
                assertTrue(colourNear(r, c.toPixelX(x), c.toPixelY(yb), BLUE, 2), "ramp at x=" + x);
            }
        }
        assertEquals(LineChart.BACKGROUND, r.getPixel(2, 2), "the panel box is painted white");
        assertEquals(LineChart.BACKGROUND, r.getPixel(699, 399));
        assertEquals(0x777777, new Raster(1, 1, 0x777777).getPixel(0, 0));
        assertEquals(LineChart.INK, r.getPixel(c.plotLeft() + 2, c.plotTop()), "frame");
        assertTrue(countColour(r, 0, 0, 699, 399, LineChart.INK) > 500, "labels and frame are drawn");
    }

    @Test void nanPointsLeaveGapsAndIsolatedPointsGetAMarker() {
        double[] xs = new double[11], ys = new double[11];
        for (int i = 0; i <= 10; i++) {
            xs[i] = i;
            ys[i] = 0.5;
        }
        ys[3] = Double.NaN;
        ys[5] = Double.NaN;      // point 4 is isolated between two gaps
        xs[8] = Double.NaN;      // a NaN x is a gap too
        LineChart c = LineChart.builder(0, 0, 700, 300).yRange(0, 1)
                .add(new LineChart.Series("", RED, xs, ys, false)).build();
        Raster r = new Raster(700, 300, LineChart.BACKGROUND);
        c.draw(r);
        int py = c.toPixelY(0.5);
        for (int[] gap : new int[][] {{2, 4}, {4, 6}, {7, 9}}) {
            int from = c.toPixelX(gap[0]) + 4, to = c.toPixelX(gap[1]) - 4;
            assertEquals(0, countColour(r, from, c.plotTop(), to, c.plotBottom(), RED), "gap between " + gap[0] + " and " + gap[1]);
        }
        for (double[] seg : new double[][] {{0, 2}, {9, 10}})
            for (double x = seg[0]; x <= seg[1]; x += 0.25)
                assertTrue(colourNear(r, c.toPixelX(x), py, RED, 2), "segment at x=" + x);
        int isolated = countColour(r, c.toPixelX(4) - 3, py - 3, c.toPixelX(4) + 3, py + 3, RED);
        assertEquals(LineChart.MARKER_SIZE * LineChart.MARKER_SIZE, isolated, "a lone point is a marker square");
    }

    @Test void constantSeriesGetsAPaddedAxisAndFixedRangesClip() {
        LineChart c = LineChart.builder(0, 0, 500, 300)
                .add(new LineChart.Series("flat", RED, new double[] {0, 1, 2}, new double[] {0.25, 0.25, 0.25}, false)).build();
        assertTrue(c.yAxis().lo() < 0.25 && c.yAxis().hi() > 0.25);
        int py = c.toPixelY(0.25);
        assertTrue(py > c.plotTop() && py < c.plotBottom());

        LineChart fixed = LineChart.builder(0, 0, 500, 300).yRange(0, 1)
                .add(new LineChart.Series("", RED, new double[] {0, 1}, new double[] {0.5, 40}, false)).build();
        Raster r = new Raster(500, 300, LineChart.BACKGROUND);
        fixed.draw(r);
        int m = LineChart.MARKER_SIZE / 2;
        assertEquals(0, countColour(r, 0, 0, 499, fixed.plotTop() - m - 1, RED), "nothing drawn above the clipped plot");
    }

    @Test void emptyPanelShowsItsMessage() {
        LineChart c = LineChart.builder(0, 0, 500, 300).emptyMessage("no validation yet")
                .add(new LineChart.Series("val", RED, new double[] {0, 1}, new double[] {Double.NaN, Double.NaN}, true)).build();
        assertFalse(c.hasData());
        Raster r = new Raster(500, 300, LineChart.BACKGROUND);
        c.draw(r);
        assertEquals(0, countColour(r, 0, 0, 499, 299, RED));
        assertTrue(countColour(r, c.plotLeft(), c.plotTop() + 2, c.plotRight(), c.plotBottom() - 2, 0x808080) > 100, "message drawn");
    }

    @Test void badInputIsNamed() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new LineChart.Series("loss", RED, new double[3], new double[2], false));
        assertTrue(e.getMessage().contains("'loss'") && e.getMessage().contains("3 x values but 2 y values"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LineChart.builder(0, 0, 100, 50).build());
        assertTrue(e.getMessage().contains("100x50"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LineChart.builder(0, 0, 500, 300).yRange(1, 0));
    }
}
