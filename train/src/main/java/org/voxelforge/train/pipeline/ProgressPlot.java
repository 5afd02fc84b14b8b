package org.voxelforge.train.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.voxelforge.train.report.ProgressChart;
import org.voxelforge.train.trainer.TrainingLog;

/** The fold's progress.png (loss, validation Dice and learning rate per epoch) from its log rows. */
final class ProgressPlot {
    private ProgressPlot() {}

    static void write(Path png, List<TrainingLog.Row> rows, String title) throws IOException {
        if (rows.isEmpty()) return;
        ProgressChart.write(png, rows.stream().map(r -> new ProgressChart.Point(r.epoch(), r.trainLoss(), r.valDice(), r.lr())).toList(), title);
    }
}
