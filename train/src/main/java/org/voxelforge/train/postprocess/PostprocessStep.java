package org.voxelforge.train.postprocess;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.voxelforge.train.metrics.Connectivity;

/**
 * One postprocessing step as written in a strategy file:
 * {@code {"transform": "remove_small_objects", "labels": [1, 2], "apply_to_labels_group": true,
 * "params": {"min_size": 64}}}. Params: {@code min_size} (remove/replace_small_objects),
 * {@code k} (keep_largest, default 1), {@code fill_label} (fill_holes, replace_small_objects),
 * {@code connectivity} (6, 18 or 26 for components; default 26).
 */
public record PostprocessStep(Transform transform, int[] labels, boolean applyToLabelsGroup, Map<String, Object> params) {
    public enum Transform {
        REMOVE_SMALL_OBJECTS("remove_small_objects"), KEEP_LARGEST("keep_largest"),
        FILL_HOLES("fill_holes"), REPLACE_SMALL_OBJECTS("replace_small_objects");

        public final String json;

        Transform(String json) { this.json = json; }

        static Transform of(String name, String where) {
            for (Transform t : values()) if (t.json.equals(name)) return t;
            throw new IllegalArgumentException(where + ": unknown transform '" + name
                    + "'; expected remove_small_objects, keep_largest, fill_holes or replace_small_objects");
        }
    }

    public PostprocessStep {
        labels = labels.clone();
        params = Map.copyOf(params);
    }

    /** Applies the step in place to a label volume. */
    public void apply(int[] volume, int[] dims) {
        Connectivity c = Connectivity.of(intParam("connectivity", 26));
        switch (transform) {
            case REMOVE_SMALL_OBJECTS -> LabelTransforms.removeSmallObjects(volume, dims, labels, applyToLabelsGroup, requiredInt("min_size"), c);
            case REPLACE_SMALL_OBJECTS -> LabelTransforms.replaceSmallObjects(volume, dims, labels, applyToLabelsGroup,
                    requiredInt("min_size"), requiredInt("fill_label"), c);
            case KEEP_LARGEST -> LabelTransforms.keepLargest(volume, dims, labels, applyToLabelsGroup, intParam("k", 1), c);
            case FILL_HOLES -> LabelTransforms.fillHoles(volume, dims, labels, applyToLabelsGroup, intParam("fill_label", -1));
        }
    }

    private int intParam(String name, int fallback) {
        Object v = params.get(name);
        if (v == null) return fallback;
        if (v instanceof Number n && n.doubleValue() == n.intValue()) return n.intValue();
        throw new IllegalArgumentException("postprocess step " + transform.json + ": params." + name + " = " + v + "; expected an integer");
    }

    private int requiredInt(String name) {
        if (!params.containsKey(name)) {
            throw new IllegalArgumentException("postprocess step " + transform.json + " on labels " + java.util.Arrays.toString(labels)
                    + ": missing params." + name);
        }
        return intParam(name, 0);
    }

    @SuppressWarnings("unchecked")
    static PostprocessStep fromJson(Object o, String where) {
        if (!(o instanceof Map<?, ?> m)) throw new IllegalArgumentException(where + ": expected a step object, got " + o);
        Map<String, Object> step = (Map<String, Object>) m;
        if (!(step.get("transform") instanceof String t)) throw new IllegalArgumentException(where + ": missing string field 'transform'");
        if (!(step.get("labels") instanceof List<?> ls) || ls.isEmpty()) {
            throw new IllegalArgumentException(where + ": 'labels' must be a non-empty list of integers");
        }
        int[] labels = new int[ls.size()];
        for (int i = 0; i < labels.length; i++) {
            if (!(ls.get(i) instanceof Number n)) throw new IllegalArgumentException(where + ": label " + ls.get(i) + " is not an integer");
            labels[i] = n.intValue();
        }
        Object g = step.getOrDefault("apply_to_labels_group", Boolean.FALSE);
        if (!(g instanceof Boolean group)) throw new IllegalArgumentException(where + ": 'apply_to_labels_group' must be true or false");
        Object p = step.getOrDefault("params", Map.of());
        if (!(p instanceof Map<?, ?> params)) throw new IllegalArgumentException(where + ": 'params' must be an object");
        return new PostprocessStep(Transform.of(t, where), labels, group, (Map<String, Object>) params);
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("transform", transform.json);
        List<Object> ls = new ArrayList<>();
        for (int l : labels) ls.add((long) l);
        m.put("labels", ls);
        m.put("apply_to_labels_group", applyToLabelsGroup);
        m.put("params", new LinkedHashMap<>(params));
        return m;
    }
}
