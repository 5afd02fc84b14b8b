package org.voxelforge.train.postprocess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.voxelforge.core.Tensor;
import org.voxelforge.data.nifti.NiftiDataType;
import org.voxelforge.data.nifti.NiftiImage;
import org.voxelforge.data.nifti.NiftiReader;
import org.voxelforge.data.nifti.NiftiWriter;
import org.voxelforge.train.metrics.Evaluator;
import org.voxelforge.train.metrics.LabelVolumes;
import org.voxelforge.train.metrics.ResultsTable;

/**
 * Applies a strategy to every prediction of a folder, writes the results (same file names and
 * geometry, int16) to an output folder, and evaluates the predictions before and after against
 * the ground truth, reporting the change of each class's mean metric.
 */
public final class Postprocessor {
    private Postprocessor() {}

    /** Mean of one results column before and after postprocessing. */
    public record Change(String column, double before, double after) {
        public double delta() { return after - before; }
    }

    public record Report(ResultsTable before, ResultsTable after, List<Change> changes) {
        public String toText() {
            StringBuilder sb = new StringBuilder(String.format("%-24s %12s %12s %12s%n", "column", "before", "after", "change"));
            for (Change c : changes) sb.append(String.format("%-24s %12.5f %12.5f %+12.5f%n", c.column(), c.before(), c.after(), c.delta()));
            return sb.toString();
        }
    }

    /** Postprocesses every NIfTI file of {@code predictions} into {@code output}; returns how many. */
    public static int applyToFolder(PostprocessStrategy strategy, Path predictions, Path output) throws IOException {
        if (predictions.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("postprocess: output folder " + output + " is the input folder; choose another so the originals stay");
        }
        Files.createDirectories(output);
        int n = 0;
        for (Map.Entry<String, Path> e : LabelVolumes.niftiFolder(predictions).entrySet()) {
            Path in = e.getValue();
            int[] labels = LabelVolumes.read(in).labels();
            try (NiftiImage img = NiftiReader.read(in)) {
                int[] dims = img.shape().length == 4 ? new int[] {img.shape()[0], img.shape()[1], img.shape()[2]} : img.shape();
                strategy.apply(labels, dims);
                try (Tensor t = Tensor.ofInts(labels, dims)) {
                    NiftiWriter.Result r = NiftiWriter.write(output.resolve(in.getFileName()), t, img.header(), NiftiDataType.INT16);
                    if (!r.exact()) throw new IllegalArgumentException("postprocess: " + in + " holds labels outside int16; cannot store them exactly");
                }
            }
            n++;
        }
        return n;
    }

    /** Applies, evaluates before and after, and (when {@code reportDir} is not null) writes both CSVs there. */
    public static Report run(PostprocessStrategy strategy, Path predictions, Path output, Path groundTruth,
                             Evaluator.Options options, Path reportDir) throws IOException {
        ResultsTable before = Evaluator.evaluate(predictions, groundTruth, options);
        applyToFolder(strategy, predictions, output);
        ResultsTable after = Evaluator.evaluate(output, groundTruth, options);
        double[] mb = before.summary("Mean"), ma = after.summary("Mean");
        List<Change> changes = new ArrayList<>();
        for (int c = 0; c < before.columns().size(); c++) changes.add(new Change(before.columns().get(c), mb[c], ma[c]));
        if (reportDir != null) {
            before.write(reportDir.resolve("results_before_postprocess.csv"));
            after.write(reportDir.resolve("results_after_postprocess.csv"));
        }
        return new Report(before, after, changes);
    }
}
