package org.voxelforge.train.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.voxelforge.core.DType;
import org.voxelforge.core.io.AtomicFiles;
import org.voxelforge.core.io.Json;
import org.voxelforge.nn.loss.RegionSpec;
import org.voxelforge.nn.models.DynamicUNet;
import org.voxelforge.train.inference.Activation;
import org.voxelforge.train.inference.LabelReconstruction;

/**
 * Everything needed to rebuild a trained model and turn its outputs into labels, written as
 * {@code models/model_config.json} next to the weights (MIST keeps the same file). With it, a
 * results folder is self-contained for inference.
 *
 * <ul>
 *   <li>softmax models: one channel per label; channel k means label {@code labels[k]}.
 *   <li>sigmoid models (overlapping regions): one channel per region of {@code regions};
 *       labels are rebuilt by thresholds ({@link LabelReconstruction.Regions}), each region
 *       writing {@code regionLabels[r]} where its probability exceeds {@code thresholds[r]}.
 * </ul>
 * {@code intensity} is the preprocessing's intensity mode, which inference must repeat.
 */
public record ModelConfig(List<String> modalities, int[] patchSize, int[][] kernelSizes, int[][] strides, int baseFeatures,
                          int maxFeatures, boolean deepSupervision, Activation activation, int[] labels, RegionSpec regions,
                          int[] regionLabels, double[] thresholds, long seed, String intensity) {
    public static final String FILE = "model_config.json";
    /** nnU-Net stops halving an axis when its feature map would drop below this size. */
    static final int MIN_FEATURE_MAP = 4;
    static final int MAX_STAGES = 6;

    public ModelConfig {
        if (modalities.isEmpty()) throw new IllegalArgumentException("model config: no input modalities");
        if (patchSize.length != 3) throw new IllegalArgumentException("model config: patch size " + Arrays.toString(patchSize) + " needs 3 values");
        if (activation == Activation.SOFTMAX && (labels == null || labels.length < 2)) {
            throw new IllegalArgumentException("model config: a softmax model needs >= 2 labels (background and one class), got "
                    + Arrays.toString(labels));
        }
        if (activation == Activation.SIGMOID && (regions == null || regionLabels == null || thresholds == null
                || regionLabels.length != regions.size() || thresholds.length != regions.size())) {
            throw new IllegalArgumentException("model config: a sigmoid model needs regions with one reconstruction label and one"
                    + " threshold each");
        }
        modalities = List.copyOf(modalities);
        patchSize = patchSize.clone();
        if (intensity == null) intensity = "mist";
    }

    /** The planned network for a patch: strides halve each axis while it stays >= 4 voxels (at most 6 stages). */
    public static ModelConfig plan(List<String> modalities, int[] patchSize, int baseFeatures, int maxFeatures, boolean deepSupervision,
                                   Activation activation, int[] labels, RegionSpec regions, int[] regionLabels, double[] thresholds,
                                   long seed, String intensity) {
        int[][][] ks = stridesFor(patchSize);
        return new ModelConfig(modalities, patchSize, ks[0], ks[1], baseFeatures, maxFeatures, deepSupervision, activation, labels,
                regions, regionLabels, thresholds, seed, intensity);
    }

    /** [0] kernels, [1] strides: per stage, 3x3x3 kernels, stride 2 on every axis that can still halve. */
    static int[][][] stridesFor(int[] patch) {
        List<int[]> strides = new ArrayList<>();
        strides.add(new int[] {1, 1, 1});
        int[] size = patch.clone();
        while (strides.size() < MAX_STAGES) {
            int[] s = new int[3];
            boolean any = false;
            for (int a = 0; a < 3; a++) {
                boolean halve = size[a] % 2 == 0 && size[a] / 2 >= MIN_FEATURE_MAP;
                s[a] = halve ? 2 : 1;
                any |= halve;
            }
            if (!any) break;
            for (int a = 0; a < 3; a++) size[a] /= s[a];
            strides.add(s);
        }
        if (strides.size() < 2) {
            throw new IllegalArgumentException("model config: patch size " + Arrays.toString(patch) + " is too small for a U-Net;"
                    + " every axis needs at least " + 2 * MIN_FEATURE_MAP + " voxels (even) on some axis");
        }
        int[][] k = new int[strides.size()][];
        for (int i = 0; i < k.length; i++) k[i] = new int[] {3, 3, 3};
        return new int[][][] {k, strides.toArray(int[][]::new)};
    }

    public int inChannels() { return modalities.size(); }

    public int outChannels() { return activation == Activation.SOFTMAX ? labels.length : regions.size(); }

    @Override public int[] patchSize() { return patchSize.clone(); }

    public DynamicUNet.Plan unetPlan() {
        return DynamicUNet.Plan.nnUNet(inChannels(), outChannels(), kernelSizes, strides).withFeatures(baseFeatures, maxFeatures)
                .withDtype(DType.FLOAT32).withSeed(seed);
    }

    public DynamicUNet newModel() { return new DynamicUNet(unetPlan()); }

    /** Probabilities to labels: argmax to {@link #labels} or region thresholds. */
    public LabelReconstruction reconstruction() {
        return activation == Activation.SOFTMAX ? new LabelReconstruction.Argmax(labels)
                : new LabelReconstruction.Regions(regionLabels, thresholds);
    }

    /** The same model with other region thresholds (sigmoid models only). */
    public ModelConfig withThresholds(double... t) {
        if (activation != Activation.SIGMOID) throw new IllegalArgumentException("thresholds apply to sigmoid (region) models only");
        if (t.length != regions.size()) {
            throw new IllegalArgumentException("thresholds: need " + regions.size() + " values for regions " + regions.names() + ", got "
                    + Arrays.toString(t));
        }
        return new ModelConfig(modalities, patchSize, kernelSizes, strides, baseFeatures, maxFeatures, deepSupervision, activation,
                labels, regions, regionLabels, t, seed, intensity);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", "dynamic_unet");
        m.put("modalities", new ArrayList<Object>(modalities));
        m.put("patch_size", patchSize);
        m.put("kernel_sizes", Arrays.asList((Object[]) kernelSizes));
        m.put("strides", Arrays.asList((Object[]) strides));
        m.put("base_features", (long) baseFeatures);
        m.put("max_features", (long) maxFeatures);
        m.put("deep_supervision", deepSupervision);
        m.put("activation", activation.name().toLowerCase(java.util.Locale.ROOT));
        if (labels != null) m.put("labels", labels);
        if (regions != null) {
            Map<String, Object> r = new LinkedHashMap<>();
            for (int i = 0; i < regions.size(); i++) r.put(regions.names().get(i), regions.labelSets().get(i));
            m.put("regions", r);
            m.put("region_labels", regionLabels);
            m.put("thresholds", thresholds);
        }
        m.put("seed", seed);
        m.put("intensity", intensity);
        return m;
    }

    public void write(Path file) throws IOException { AtomicFiles.writeString(file, Json.writePretty(toJson())); }

    public static ModelConfig read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("model config " + file + " does not exist; point to a results folder written by 'voxelforge train'");
        }
        Map<String, Object> m = Json.parseObject(Files.readString(file), file.toString());
        try {
            if (!"dynamic_unet".equals(m.get("architecture"))) {
                throw new IllegalArgumentException(file + ": unknown architecture '" + m.get("architecture") + "'; expected dynamic_unet");
            }
            Activation act = Activation.valueOf(((String) m.get("activation")).toUpperCase(java.util.Locale.ROOT));
            RegionSpec regions = null;
            if (m.get("regions") instanceof Map<?, ?> r) {
                List<String> names = new ArrayList<>();
                List<int[]> sets = new ArrayList<>();
                r.forEach((k, v) -> {
                    names.add((String) k);
                    sets.add(ints(v));
                });
                regions = new RegionSpec(names, sets);
            }
            return new ModelConfig(((List<?>) m.get("modalities")).stream().map(String::valueOf).toList(), ints(m.get("patch_size")),
                    intRows(m.get("kernel_sizes")), intRows(m.get("strides")), ((Number) m.get("base_features")).intValue(),
                    ((Number) m.get("max_features")).intValue(), (Boolean) m.get("deep_supervision"), act,
                    m.containsKey("labels") ? ints(m.get("labels")) : null, regions,
                    m.containsKey("region_labels") ? ints(m.get("region_labels")) : null,
                    m.containsKey("thresholds") ? ((List<?>) m.get("thresholds")).stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray() : null,
                    ((Number) m.get("seed")).longValue(), (String) m.get("intensity"));
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException(file + ": not a model config written by 'voxelforge train' (" + e + ")", e);
        }
    }

    private static int[] ints(Object o) { return ((List<?>) o).stream().mapToInt(x -> ((Number) x).intValue()).toArray(); }

    private static int[][] intRows(Object o) { return ((List<?>) o).stream().map(ModelConfig::ints).toArray(int[][]::new); }
}
