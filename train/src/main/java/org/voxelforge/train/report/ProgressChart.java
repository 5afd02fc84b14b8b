package org.voxelforge.train.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.voxelforge.core.io.AtomicFiles;

/**
 * The {@code progress.png} of a training run (like nnU-Net's): a title, then three stacked
 * panels sharing the epoch axis: training loss, validation Dice on a fixed 0..1 axis, and
 * learning rate. Written with our own PNG encoder and bitmap font (no desktop module), to a
 * temporary name first and renamed, so a killed run never leaves half a picture.
 */
public final class ProgressChart {
    public static final int WIDTH = 900;
    public static final int HEIGHT = 900;
    public static final int LOSS_RGB = 0x1F77B4;
    public static final int DICE_RGB = 0x2CA02C;
    public static final int LR_RGB = 0xFF7F0E;
    static final int TITLE_SCALE = 3;
    static final int TITLE_HEIGHT = 12 + BitmapFont.GLYPH_HEIGHT * TITLE_SCALE + 8;

    /** One epoch of a run; valDice is NaN when the epoch was not validated. */
    public record Point(int epoch, double trainLoss, double valDice, double lr) {}

    private ProgressChart() {}

    /**
     * Draws the chart of {@code points} (epochs strictly increasing) and writes it to
     * {@code png} atomically.
     *
     * @throws IllegalArgumentException for no points, epochs not increasing, or an infinite
     *         value (NaN is allowed and leaves a gap)
     */
    public static void write(Path png, List<Point> points, String title) throws IOException {
        Raster r = render(points, title);
        byte[] bytes = PngEncoder.encode(r.width(), r.height(), r.pixels());
        AtomicFiles.write(png, out -> out.write(bytes));
    }

    /** The whole picture, WIDTH x HEIGHT. */
    static Raster render(List<Point> points, String title) {
        List<LineChart> panels = panels(points);
        Raster r = new Raster(WIDTH, HEIGHT, LineChart.BACKGROUND);
        String t = Objects.requireNonNull(title, "title");
        int tw = BitmapFont.textWidth(t, TITLE_SCALE);
        r.text(Math.max(4, (WIDTH - tw) / 2), 12, t, TITLE_SCALE, LineChart.INK);
        for (LineChart c : panels) c.draw(r);
        return r;
    }

    /** The three panels (loss, Dice, learning rate), top to bottom, laid out for a WIDTH x HEIGHT picture. */
    static List<LineChart> panels(List<Point> points) {
        validate(points);
        int n = points.size();
        double[] epochs = new double[n], loss = new double[n], lr = new double[n];
        List<double[]> validated = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Point p = points.get(i);
            epochs[i] = p.epoch();
            loss[i] = p.trainLoss();
            lr[i] = p.lr();
            if (!Double.isNaN(p.valDice())) validated.add(new double[] {p.epoch(), p.valDice()});
        }
        // Validation usually runs every k epochs: join the validated epochs instead of leaving
        // each one isolated between NaNs.
        double[] diceX = new double[validated.size()], diceY = new double[validated.size()];
        for (int i = 0; i < diceX.length; i++) {
            diceX[i] = validated.get(i)[0];
            diceY[i] = validated.get(i)[1];
        }
        double first = points.getFirst().epoch(), last = Math.max(points.getLast().epoch(), first + 1);

        int panelH = (HEIGHT - TITLE_HEIGHT) / 3;
        LineChart lossChart = LineChart.builder(0, TITLE_HEIGHT, WIDTH, panelH)
                .xTitle("epoch").integerX().yTitle("train loss").xRange(first, last).emptyMessage("no finite loss")
                .add(new LineChart.Series("train loss", LOSS_RGB, epochs, loss, false)).build();
        LineChart diceChart = LineChart.builder(0, TITLE_HEIGHT + panelH, WIDTH, panelH)
                .xTitle("epoch").integerX().yTitle("val Dice").xRange(first, last).yRange(0, 1).emptyMessage("no validation yet")
                .legendCorner(LineChart.LegendCorner.BOTTOM_RIGHT)
                .add(new LineChart.Series("val Dice", DICE_RGB, diceX, diceY, true)).build();
        LineChart lrChart = LineChart.builder(0, TITLE_HEIGHT + 2 * panelH, WIDTH, panelH)
                .xTitle("epoch").integerX().yTitle("learning rate").xRange(first, last).emptyMessage("no learning rate")
                .add(new LineChart.Series("lr", LR_RGB, epochs, lr, false)).build();
        return List.of(lossChart, diceChart, lrChart);
    }

    private static void validate(List<Point> points) {
        Objects.requireNonNull(points, "points");
        if (points.isEmpty())
            throw new IllegalArgumentException("ProgressChart.write: no points; expected at least one epoch");
        for (int i = 0; i < points.size(); i++) {
            Point p = Objects.requireNonNull(points.get(i), "point " + i);
            if (i > 0 && p.epoch() <= points.get(i - 1).epoch())
                throw new IllegalArgumentException("ProgressChart.write: epoch " + p.epoch() + " at index " + i + " follows epoch "
                        + points.get(i - 1).epoch() + "; expected strictly increasing epochs");
            finiteOrNaN(p, "trainLoss", p.trainLoss());
            finiteOrNaN(p, "valDice", p.valDice());
            finiteOrNaN(p, "lr", p.lr());
        }
    }

    private static void finiteOrNaN(Point p, String field, double v) {
        if (Double.isInfinite(v))
            throw new IllegalArgumentException("ProgressChart.write: epoch " + p.epoch() + " has " + field + " = " + v
                    + "; expected a finite number (or NaN for a missing value)");
    }
}
