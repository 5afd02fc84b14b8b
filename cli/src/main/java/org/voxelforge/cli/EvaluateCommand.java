package org.voxelforge.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.voxelforge.core.io.Json;
import org.voxelforge.train.metrics.Evaluator;
import org.voxelforge.train.metrics.FinalClass;
import org.voxelforge.train.metrics.Metric;
import org.voxelforge.train.metrics.ResultsTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Scores a folder of NIfTI predictions against ground truth: results.csv with MIST's summary rows. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate predictions per final class (Dice, HD95, surface metrics, lesion-wise metrics) and write results.csv.")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--predictions", required = true, description = "Folder of <case>.nii.gz predictions.")
    Path predictions;

    @Option(names = "--ground-truth", required = true, description = "Folder of <case>.nii.gz masks, or a CSV with columns id,mask.")
    Path groundTruth;

    @Option(names = "--final-classes", required = true,
            description = "JSON of the final classes, e.g. '{\"WT\": [1,2,3], \"TC\": [1,3], \"ET\": [3]}', or a dataset.json whose final_classes to use.")
    String finalClasses;

    @Option(names = "--metrics", defaultValue = "dice,haus95", split = ",",
            description = "Comma-separated metrics: dice, iou, precision, recall, specificity, haus, haus95, avg_surf, surf_dice, lesion_dice, lesion_haus95, lesion_f1 (default: ${DEFAULT-VALUE}).")
    List<String> metrics;

    @Option(names = "--surf-dice-tol", defaultValue = "1.0", description = "Surface Dice tolerance in mm (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--output", required = true, description = "results.csv to write.")
    Path output;

    @Override public Integer call() throws Exception {
        ResultsTable t = Evaluator.evaluate(predictions, groundTruth,
                new Evaluator.Options(classes(finalClasses), parseMetrics(metrics), tolerance), output);
        System.out.println(t.render());
        System.out.println("evaluated " + t.ids().size() + " cases; wrote " + output);
        return 0;
    }

    /** A JSON object of class -> labels, or a dataset.json file whose "final_classes" to use. */
    @SuppressWarnings("unchecked")
    static List<FinalClass> classes(String spec) throws java.io.IOException {
        String s = spec.trim();
        if (s.startsWith("{")) {
            Map<String, Object> m = Json.parseObject(s, "--final-classes");
            return FinalClass.fromJson(m.containsKey("final_classes") ? (Map<String, Object>) m.get("final_classes") : m);
        }
        Path p = Path.of(s);
        if (!java.nio.file.Files.isRegularFile(p)) {
            throw new IllegalArgumentException("--final-classes: '" + spec + "' is neither a JSON object nor an existing file");
        }
        Map<String, Object> m = Json.parseObject(java.nio.file.Files.readString(p), p.toString());
        Object fc = m.get("final_classes");
        if (!(fc instanceof Map)) throw new IllegalArgumentException(p + ": has no \"final_classes\" object; add e.g. {\"WT\": [1, 2, 3]}");
        return FinalClass.fromJson((Map<String, Object>) fc);
    }

    static List<Metric> parseMetrics(List<String> names) {
        List<Metric> out = new ArrayList<>();
        for (String n : names) {
            try {
                out.add(Metric.fromColumn(n.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--metrics: " + e.getMessage());
            }
        }
        return out;
    }
}
