package org.voxelforge.data.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.voxelforge.core.io.AtomicFiles;
import org.voxelforge.core.io.Json;

/**
 * What the analysis decided, as written to {@code config.json} and read back by preprocessing.
 *
 * @param modalities      channel order (the dataset.json's {@code images} order)
 * @param ctNormalization CT only: per modality {window_min, window_max, mean, std}; else empty
 * @param classWeights    one per entry of {@code labels}; see {@link #CLASS_WEIGHT_FORMULA}
 * @param excluded        case id -> why it was left out
 */
public record AnalysisConfig(String task, String modality, List<String> modalities, List<Integer> labels,
                             Map<String, List<Integer>> finalClasses, double[] medianSpacing, double[] targetSpacing,
                             boolean cropToForeground, double meanCropReduction, boolean useNonzeroMask,
                             double meanZeroFraction, Map<String, double[]> ctNormalization, int[] patchSize,
                             double[] classWeights, int folds, long seed, Map<String, String> excluded) {
    public static final String CLASS_WEIGHT_FORMULA =
            "w_c = N / (K * n_c): N voxels counted over all training masks (cropped, original spacing), K labels, n_c voxels"
            + " of label c; a label never seen gets 0. Balanced classes give 1 each.";

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", task);
        m.put("modality", modality);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("images", new ArrayList<Object>(modalities));
        info.put("labels", labels.stream().map(l -> (Object) (long) l).toList());
        Map<String, Object> fc = new LinkedHashMap<>();
        finalClasses.forEach((k, v) -> fc.put(k, v.stream().map(l -> (Object) (long) l).toList()));
        info.put("final_classes", fc);
        m.put("dataset_info", info);
        Map<String, Object> pre = new LinkedHashMap<>();
        pre.put("orientation", RaiVolume.ITK_NAME);
        pre.put("orientation_nibabel_codes", RaiVolume.CODES);
        pre.put("median_spacing", medianSpacing);
        pre.put("target_spacing", targetSpacing);
        pre.put("crop_to_fg", cropToForeground);
        pre.put("mean_crop_reduction", meanCropReduction);
        pre.put("use_nz_mask", useNonzeroMask);
        pre.put("mean_zero_fraction", meanZeroFraction);
        Map<String, Object> ct = new LinkedHashMap<>();
        ctNormalization.forEach((k, v) -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("window_min", v[0]);
            s.put("window_max", v[1]);
            s.put("z_score_mean", v[2]);
            s.put("z_score_std", v[3]);
            ct.put(k, s);
        });
        pre.put("ct_normalization", ct);
        m.put("preprocessing", pre);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("patch_size", patchSize);
        m.put("model", model);
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("nfolds", (long) folds);
        training.put("folds_seed", seed);
        m.put("training", training);
        m.put("class_weights", classWeights);
        m.put("class_weights_formula", CLASS_WEIGHT_FORMULA);
        m.put("excluded", new LinkedHashMap<String, Object>(excluded));
        return m;
    }

    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, Json.writePretty(toJson()));
    }

    public static AnalysisConfig read(Path file) throws IOException {
        Map<String, Object> m = Json.parseObject(Files.readString(file), file.toString());
        try {
            Map<String, Object> info = obj(m, "dataset_info"), pre = obj(m, "preprocessing");
            Map<String, List<Integer>> fc = new LinkedHashMap<>();
            obj(info, "final_classes").forEach((k, v) -> fc.put(k, ints((List<?>) v)));
            Map<String, double[]> ct = new LinkedHashMap<>();
            obj(pre, "ct_normalization").forEach((k, v) -> {
                @SuppressWarnings("unchecked") Map<String, Object> s = (Map<String, Object>) v;
                ct.put(k, new double[] {num(s.get("window_min")), num(s.get("window_max")), num(s.get("z_score_mean")),
                        num(s.get("z_score_std"))});
            });
            Map<String, String> excluded = new LinkedHashMap<>();
            obj(m, "excluded").forEach((k, v) -> excluded.put(k, String.valueOf(v)));
            Map<String, Object> training = obj(m, "training");
            return new AnalysisConfig((String) m.get("task"), (String) m.get("modality"),
                    ((List<?>) info.get("images")).stream().map(String::valueOf).toList(), ints((List<?>) info.get("labels")), fc,
                    doubles(pre.get("median_spacing")), doubles(pre.get("target_spacing")), (Boolean) pre.get("crop_to_fg"),
                    num(pre.get("mean_crop_reduction")), (Boolean) pre.get("use_nz_mask"), num(pre.get("mean_zero_fraction")), ct,
                    ints((List<?>) obj(m, "model").get("patch_size")).stream().mapToInt(Integer::intValue).toArray(),
                    doubles(m.get("class_weights")), ((Long) training.get("nfolds")).intValue(), (Long) training.get("folds_seed"),
                    excluded);
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException(file + ": not a config.json written by the analysis (" + e + "); run the analysis again", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> obj(Map<String, Object> m, String k) {
        Object v = m.get(k);
        if (!(v instanceof Map)) throw new NullPointerException("missing object \"" + k + "\"");
        return (Map<String, Object>) v;
    }

    private static double num(Object o) { return ((Number) o).doubleValue(); }

    private static List<Integer> ints(List<?> l) { return l.stream().map(o -> ((Number) o).intValue()).toList(); }

    private static double[] doubles(Object o) { return ((List<?>) o).stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray(); }
}
