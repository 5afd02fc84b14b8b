package org.voxelforge.train.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a folder of predicted label maps against ground truths and writes results.csv:
 * one row per case ({@code id}, then {@code <class>_<metric>} per final class and metric), then
 * MIST's summary rows Mean, Std, 25pc, Median, 75pc.
 *
 * <p>Ground truth is a folder of NIfTI masks or a CSV with columns {@code id} and {@code mask}
 * (MIST's paths CSV; relative paths are resolved against the CSV's folder). Predictions are
 * matched by case id (the file name without .nii/.nii.gz). Every ground-truth case needs a
 * prediction on the same grid (shape and spacing); otherwise the evaluation stops with an error
 * naming the file. Extra predictions are ignored.
 */
public final class Evaluator {
    /** MIST's defaults: Dice and HD95; surface Dice tolerance 1 mm. */
    public static final List<Metric> DEFAULT_METRICS = List.of(Metric.DICE, Metric.HD95);

    public record Options(List<FinalClass> classes, List<Metric> metrics, double surfaceToleranceMm) {
        public Options {
            if (classes.isEmpty()) throw new IllegalArgumentException("evaluate: no final classes given; expected e.g. {\"WT\": [1, 2, 3]}");
            if (metrics.isEmpty()) throw new IllegalArgumentException("evaluate: no metrics given; expected e.g. dice, haus95");
            classes = List.copyOf(classes);
            metrics = List.copyOf(metrics);
        }

        public Options(List<FinalClass> classes) { this(classes, DEFAULT_METRICS, 1.0); }
    }

    private Evaluator() {}

    /** Evaluates and writes {@code resultsCsv} atomically. */
    public static ResultsTable evaluate(Path predictions, Path groundTruth, Options options, Path resultsCsv) throws IOException {
        ResultsTable t = evaluate(predictions, groundTruth, options);
        t.write(resultsCsv);
        return t;
    }

    public static ResultsTable evaluate(Path predictions, Path groundTruth, Options options) throws IOException {
        Map<String, Path> gts = groundTruthCases(groundTruth);
        if (gts.isEmpty()) throw new IllegalArgumentException("evaluate: no ground-truth cases in " + groundTruth);
        return evaluate(predictions, gts, options);
    }

    /** Evaluates the cases of {@code gts} (id -> mask file) against {@code <predictions>/<id>.nii.gz}. */
    public static ResultsTable evaluate(Path predictions, Map<String, Path> gts, Options options) throws IOException {
        Map<String, Path> preds = LabelVolumes.niftiFolder(predictions);
        List<String> ids = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        for (Map.Entry<String, Path> e : gts.entrySet()) {
            String id = e.getKey();
            Path predFile = preds.get(id);
            if (predFile == null) {
                throw new IllegalArgumentException("evaluate: no prediction for case '" + id + "' (ground truth " + e.getValue()
                        + ") in " + predictions + "; expected " + predictions.resolve(id + ".nii.gz"));
            }
            LabelMap gt = LabelVolumes.read(e.getValue());
            LabelMap pred = LabelVolumes.read(predFile);
            checkGrid(predFile, pred, e.getValue(), gt);
            ids.add(id);
            rows.add(evaluateCase(pred, gt, options));
        }
        return new ResultsTable(ResultsTable.columnNames(options.classes(), options.metrics()), ids, rows);
    }

    /** The metric values of one case, in column order (per class, per metric). */
    public static double[] evaluateCase(LabelMap pred, LabelMap gt, Options options) {
        if (!Arrays.equals(pred.dims(), gt.dims())) {
            throw new IllegalArgumentException("evaluate: prediction of shape " + Arrays.toString(pred.dims())
                    + " for ground truth of shape " + Arrays.toString(gt.dims()) + "; expected the same grid");
        }
        boolean surface = options.metrics().stream().anyMatch(Metric::surface);
        boolean lesion = options.metrics().stream().anyMatch(Metric::lesionWise);
        double[] out = new double[options.classes().size() * options.metrics().size()];
        int k = 0;
        for (FinalClass c : options.classes()) {
            boolean[] p = pred.mask(c.labels()), g = gt.mask(c.labels());
            ClassMetrics cm = ClassMetrics.of(p, g, gt.dims(), gt.spacing(), options.surfaceToleranceMm(), surface);
            LesionWiseMetrics.Result lw = lesion ? LesionWiseMetrics.of(p, g, gt.dims(), gt.spacing()) : null;
            for (Metric m : options.metrics()) out[k++] = m.pick(cm, lw);
        }
        return out;
    }

    private static void checkGrid(Path predFile, LabelMap pred, Path gtFile, LabelMap gt) {
        boolean sameSpacing = true;
        for (int a = 0; a < 3; a++) {
            sameSpacing &= Math.abs(pred.spacing()[a] - gt.spacing()[a]) <= 1e-4 * Math.max(1, gt.spacing()[a]);
        }
        if (!Arrays.equals(pred.dims(), gt.dims()) || !sameSpacing) {
            throw new IllegalArgumentException("evaluate: prediction " + predFile + " has shape " + Arrays.toString(pred.dims())
                    + " and spacing " + Arrays.toString(pred.spacing()) + " but ground truth " + gtFile + " has shape "
                    + Arrays.toString(gt.dims()) + " and spacing " + Arrays.toString(gt.spacing())
                    + "; predictions must be on the ground truth's grid (resample them to the original image space)");
        }
    }

    /** Ground-truth files by case id, from a folder of NIfTI files or a CSV with columns id and mask. */
    public static Map<String, Path> groundTruthCases(Path source) throws IOException {
        if (Files.isDirectory(source)) return LabelVolumes.niftiFolder(source);
        if (!Files.isRegularFile(source)) {
            throw new IllegalArgumentException("evaluate: ground truth " + source + " does not exist; expected a folder of NIfTI masks or a CSV with columns id,mask");
        }
        List<String> lines = Files.readAllLines(source).stream().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) throw new IllegalArgumentException("evaluate: ground-truth CSV " + source + " is empty; expected a header with columns id,mask");
        List<String> header = Arrays.stream(lines.get(0).split(",", -1)).map(String::trim).toList();
        int idCol = header.indexOf("id"), maskCol = header.indexOf("mask");
        if (idCol < 0 || maskCol < 0) {
            throw new IllegalArgumentException("evaluate: ground-truth CSV " + source + " has columns " + header + "; expected columns id and mask");
        }
        Path base = source.toAbsolutePath().getParent();
        Map<String, Path> out = new LinkedHashMap<>();
        for (int r = 1; r < lines.size(); r++) {
            String[] cells = lines.get(r).split(",", -1);
            if (cells.length != header.size()) {
                throw new IllegalArgumentException("evaluate: " + source + " line " + (r + 1) + " has " + cells.length
                        + " cells; expected " + header.size() + " as in the header");
            }
            String id = cells[idCol].trim();
            Path mask = base.resolve(cells[maskCol].trim());
            if (!Files.isRegularFile(mask)) {
                throw new IllegalArgumentException("evaluate: " + source + " line " + (r + 1) + ": mask " + mask + " of case '" + id + "' does not exist");
            }
            if (out.put(id, mask) != null) throw new IllegalArgumentException("evaluate: " + source + ": case id '" + id + "' appears twice");
        }
        return out;
    }
}
