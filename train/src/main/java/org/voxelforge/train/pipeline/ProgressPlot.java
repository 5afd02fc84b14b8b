package org.voxelforge.train.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.voxelforge.train.trainer.TrainingLog;

/** The fold's progress.png from its log rows. */
final class ProgressPlot {
    private ProgressPlot() {}

    static void write(Path png, List<TrainingLog.Row> rows, String title) throws IOException {
    }
}
