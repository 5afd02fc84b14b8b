package org.voxelforge.train.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import org.voxelforge.train.trainer.Trainer;
import org.voxelforge.train.trainer.TrainingLog;
import org.voxelforge.train.trainer.TrainingOptions;

/**
 * What a user sees while a fold trains: on a terminal, a bar redrawn in place with the step,
 * the running loss, the learning rate and the epoch's ETA (the trainer prints a line per epoch
 * under it); and after every epoch the fold's {@code progress.png} of the loss, validation and
 * learning-rate curves.
 */
final class FoldProgress implements Trainer.Listener {
    private static final int WIDTH = 24;
    private final int fold;
    private final TrainingOptions options;
    private final Path chart;
    private final PrintStream bar; // null when not on a terminal
    private long epochStart;
    private double lossSum;

    FoldProgress(int fold, TrainingOptions options, Path chart) {
        this.fold = fold;
        this.options = options;
        this.chart = chart;
        this.bar = System.console() != null ? System.err : null;
    }

    @Override public void stepDone(int epoch, int step, int steps, double loss, double lr) {
        if (step == 0) {
            epochStart = System.nanoTime();
            lossSum = 0;
        }
        lossSum += loss;
        if (bar == null) return;
        double perStep = (System.nanoTime() - epochStart) * 1e-9 / (step + 1);
        bar.print("\r" + render(fold, epoch, options.epochs(), step + 1, steps, lossSum / (step + 1), lr, perStep * (steps - step - 1)));
        if (step + 1 == steps) bar.print("\r" + " ".repeat(100) + "\r");
        bar.flush();
    }

    static String render(int fold, int epoch, int epochs, int done, int steps, double loss, double lr, double etaSeconds) {
        int filled = (int) ((long) WIDTH * done / steps);
        return String.format(Locale.ROOT, "fold %d epoch %d/%d [%s%s] %d/%d loss %.4f lr %.2e ETA %ds", fold, epoch + 1, epochs,
                "#".repeat(filled), " ".repeat(WIDTH - filled), done, steps, loss, lr, Math.round(etaSeconds));
    }

    @Override public void epochDone(TrainingLog.Row row, Trainer trainer) {
        try {
            ProgressPlot.write(chart, trainer.logRows(), "fold " + fold);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + chart, e);
        }
    }
}
