package org.voxelforge.train.report;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.train.report.ProgressChart.Point;

class ProgressChartTest {

    static List<Point> run(int epochs, int validateEvery) {
        List<Point> pts = new ArrayList<>();
        for (int e = 0; e < epochs; e++)
            pts.add(new Point(e, 1.0 * Math.exp(-e / 10.0) + 0.1, (e + 1) % validateEvery == 0 ? 0.9 * (1 - Math.exp(-e / 8.0)) : Double.NaN,
                    1e-2 * Math.pow(1 - e / (double) epochs, 0.9)));
        return pts;
    }

    static boolean colourNear(BufferedImage img, int x, int y, int rgb, int radius) {
        for (int dy = -radius; dy <= radius; dy++)
            for (int dx = -radius; dx <= radius; dx++) {
                int xx = x + dx, yy = y + dy;
                if (xx >= 0 && yy >= 0 && xx < img.getWidth() && yy < img.getHeight() && (img.getRGB(xx, yy) & 0xFFFFFF) == rgb) return true;
            }
        return false;
    }

    static int count(BufferedImage img, LineChart panel, int rgb) {
        int n = 0;
        for (int y = panel.plotTop(); y <= panel.plotBottom(); y++)
            for (int x = panel.plotLeft(); x <= panel.plotRight(); x++) if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) n++;
        return n;
    }

    @Test void writesA900SquarePngWhoseCurvesPassWhereThePanelsMapThem(@TempDir Path dir) throws Exception {
        List<Point> pts = run(30, 3);
        Path png = dir.resolve("fold_0").resolve("progress.png");
        ProgressChart.write(png, pts, "fold 0");
        BufferedImage img = ImageIO.read(png.toFile()); // decoding checks zlib and the CRCs
        assertNotNull(img);
        assertEquals(ProgressChart.WIDTH, img.getWidth());
        assertEquals(ProgressChart.HEIGHT, img.getHeight());
        assertEquals(0xFFFFFF, img.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0xFFFFFF, img.getRGB(899, 899) & 0xFFFFFF);

        List<LineChart> panels = ProgressChart.panels(pts);
        LineChart loss = panels.get(0), dice = panels.get(1), lr = panels.get(2);
        assertTrue(loss.plotBottom() < dice.plotTop() && dice.plotBottom() < lr.plotTop(), "stacked top to bottom");
        assertEquals(0.0, dice.yAxis().lo());
        assertEquals(1.0, dice.yAxis().hi());
        assertEquals(loss.plotLeft(), lr.plotLeft(), "epoch axes aligned");
        for (Point p : pts) {
            if (p.epoch() > 20) continue; // keep clear of the legends in the top-right corners
            assertTrue(colourNear(img, loss.toPixelX(p.epoch()), loss.toPixelY(p.trainLoss()), ProgressChart.LOSS_RGB, 2), "loss at " + p);
            assertTrue(colourNear(img, lr.toPixelX(p.epoch()), lr.toPixelY(p.lr()), ProgressChart.LR_RGB, 2), "lr at " + p);
        }
        for (int i = 0; i + 3 < pts.size(); i += 3) { // validated every 3rd epoch: joined, not isolated
            Point a = pts.get(i + 2), b = pts.get(Math.min(i + 5, pts.size() - 1));
            if (a.epoch() > 20) break; // legend is bottom right in the Dice panel
            assertTrue(colourNear(img, dice.toPixelX(a.epoch()), dice.toPixelY(a.valDice()), ProgressChart.DICE_RGB, 2), "dice at " + a);
            double mx = (a.epoch() + b.epoch()) / 2.0, my = (a.valDice() + b.valDice()) / 2;
            assertTrue(colourNear(img, dice.toPixelX(mx), dice.toPixelY(my), ProgressChart.DICE_RGB, 2), "dice between " + a + " and " + b);
        }
        assertEquals(0, count(img, loss, ProgressChart.DICE_RGB), "no Dice colour in the loss panel");
        try (Stream<Path> files = Files.list(png.getParent())) {
            assertEquals(List.of(png), files.toList(), "no temporary file left next to the png");
        }
    }

    @Test void overwritesAnExistingChartInPlace(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("progress.png");
        ProgressChart.write(png, run(3, 1), "fold 1");
        byte[] first = Files.readAllBytes(png);
        ProgressChart.write(png, run(12, 1), "fold 1");
        assertFalse(java.util.Arrays.equals(first, Files.readAllBytes(png)));
        assertNotNull(ImageIO.read(png.toFile()));
        try (Stream<Path> files = Files.list(dir)) { assertEquals(1, files.count()); }
    }

    @Test void onePointAndConstantValuesStillDrawVisiblePoints() {
        List<Point> one = List.of(new Point(0, 0.5, 0.5, 3e-4));
        List<LineChart> panels = ProgressChart.panels(one);
        Raster r = ProgressChart.render(one, "fold 2");
        LineChart loss = panels.get(0), dice = panels.get(1), lr = panels.get(2);
        assertTrue(loss.yAxis().lo() < 0.5 && loss.yAxis().hi() > 0.5, "padded: " + loss.yAxis());
        assertTrue(LineChartTest.colourNear(r, loss.toPixelX(0), loss.toPixelY(0.5), ProgressChart.LOSS_RGB, 2));
        assertTrue(LineChartTest.colourNear(r, dice.toPixelX(0), dice.toPixelY(0.5), ProgressChart.DICE_RGB, 2));
        assertTrue(LineChartTest.colourNear(r, lr.toPixelX(0), lr.toPixelY(3e-4), ProgressChart.LR_RGB, 2));
        for (double v : loss.xAxis().values()) assertEquals(Math.rint(v), v, 0.0, "epoch ticks are whole numbers");

        List<Point> flat = List.of(new Point(4, 0.2, Double.NaN, 1e-3), new Point(5, 0.2, Double.NaN, 1e-3), new Point(6, 0.2, Double.NaN, 1e-3));
        LineChart flatLoss = ProgressChart.panels(flat).get(0);
        r = ProgressChart.render(flat, "flat");
        assertTrue(flatLoss.yAxis().lo() < 0.2 && flatLoss.yAxis().hi() > 0.2);
        assertTrue(LineChartTest.colourNear(r, flatLoss.toPixelX(5), flatLoss.toPixelY(0.2), ProgressChart.LOSS_RGB, 2));
    }

    @Test void allNanDiceGivesAnEmptyPanelWithItsMessage() {
        List<Point> pts = run(6, 1000);
        Raster r = ProgressChart.render(pts, "fold 3");
        LineChart dice = ProgressChart.panels(pts).get(1);
        assertFalse(dice.hasData());
        assertEquals(0, LineChartTest.countColour(r, 0, 0, 899, 899, ProgressChart.DICE_RGB));
        assertTrue(LineChartTest.countColour(r, dice.plotLeft(), dice.plotTop() + 2, dice.plotRight(), dice.plotBottom() - 2, 0x808080) > 100,
                "'no validation yet' is written");
    }

    @Test void badInputIsRejectedNamingEpochAndField(@TempDir Path dir) {
        Path png = dir.resolve("progress.png");
        List<Point> pts = new ArrayList<>(run(5, 1));
        pts.set(3, new Point(3, Double.POSITIVE_INFINITY, 0.5, 1e-3));
        var e = assertThrows(IllegalArgumentException.class, () -> ProgressChart.write(png, pts, "t"));
        assertTrue(e.getMessage().contains("epoch 3") && e.getMessage().contains("trainLoss = Infinity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ProgressChart.write(png, List.of(new Point(7, 0.1, Double.NEGATIVE_INFINITY, 1e-3)), "t"));
        assertTrue(e.getMessage().contains("epoch 7") && e.getMessage().contains("valDice = -Infinity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ProgressChart.write(png, List.of(new Point(2, 0.1, 0.2, Double.POSITIVE_INFINITY)), "t"));
        assertTrue(e.getMessage().contains("epoch 2") && e.getMessage().contains("lr = Infinity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ProgressChart.write(png, List.of(new Point(2, 0.1, 0.2, 1e-3), new Point(2, 0.1, 0.2, 1e-3)), "t"));
        assertTrue(e.getMessage().contains("strictly increasing"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ProgressChart.write(png, List.of(), "t"));
        assertTrue(e.getMessage().contains("no points"), e.getMessage());
        assertFalse(Files.exists(png), "nothing written on bad input");
    }
}
