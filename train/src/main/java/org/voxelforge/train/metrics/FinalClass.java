package org.voxelforge.train.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A class evaluated as one region: a name and the labels it unites (BraTS WT = {1, 2, 3}). */
public record FinalClass(String name, int[] labels) {
    public FinalClass {
        if (name == null || name.isBlank() || name.contains(",")) {
            throw new IllegalArgumentException("final class: name '" + name + "' must be non-empty and contain no comma");
        }
        if (labels.length == 0) throw new IllegalArgumentException("final class '" + name + "': needs at least one label");
        labels = labels.clone();
    }

    /** From MIST's dataset.json {@code final_classes} object: {"WT": [1, 2, 3], "TC": [1, 3], "ET": [3]}. */
    public static List<FinalClass> fromJson(Map<String, Object> finalClasses) {
        List<FinalClass> out = new ArrayList<>();
        for (Map.Entry<String, Object> e : finalClasses.entrySet()) {
            if (!(e.getValue() instanceof List<?> list)) {
                throw new IllegalArgumentException("final_classes: '" + e.getKey() + "' must map to a list of labels, got " + e.getValue());
            }
            int[] labels = new int[list.size()];
            for (int i = 0; i < labels.length; i++) {
                if (!(list.get(i) instanceof Number num)) {
                    throw new IllegalArgumentException("final_classes: '" + e.getKey() + "' has a non-integer label " + list.get(i));
                }
                labels[i] = num.intValue();
            }
            out.add(new FinalClass(e.getKey(), labels));
        }
        return out;
    }

    public static List<FinalClass> of(Map<String, int[]> classes) {
        List<FinalClass> out = new ArrayList<>();
        for (Map.Entry<String, int[]> e : new LinkedHashMap<>(classes).entrySet()) out.add(new FinalClass(e.getKey(), e.getValue()));
        return out;
    }
}
