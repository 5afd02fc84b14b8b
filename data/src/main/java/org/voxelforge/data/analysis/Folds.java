package org.voxelforge.data.analysis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.voxelforge.core.RandomGenerator;

/** Assignment of cases to cross-validation folds. */
public final class Folds {
    private Folds() {}

    /**
     * The ids sorted, shuffled by Fisher-Yates with {@link RandomGenerator}{@code (seed)}, then
     * dealt round-robin: fold sizes differ by at most one and the same seed gives the same folds.
     */
    public static Map<String, Integer> seeded(List<String> ids, int folds, long seed) {
        if (folds < 1) throw new IllegalArgumentException("folds: need at least 1 fold, got " + folds);
        if (ids.size() < folds) {
            throw new IllegalArgumentException("folds: " + ids.size() + " cases cannot fill " + folds
                    + " folds; use fewer folds or more cases");
        }
        List<String> order = new ArrayList<>(ids);
        Collections.sort(order);
        RandomGenerator rng = new RandomGenerator(seed);
        for (int i = order.size() - 1; i > 0; i--) Collections.swap(order, i, rng.nextInt(i + 1));
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < order.size(); i++) out.put(order.get(i), i % folds);
        return out;
    }

    /** User folds checked against the cases: each case exactly one fold in [0, folds). */
    public static Map<String, Integer> given(List<String> ids, Map<String, Integer> user, int folds) {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String id : ids) {
            Integer f = user.get(id);
            if (f == null) problems.add("case " + id + " has no fold");
            else if (f < 0 || f >= folds) problems.add("case " + id + " is in fold " + f + ", outside 0.." + (folds - 1));
            else out.put(id, f);
        }
        for (String id : user.keySet()) if (!ids.contains(id)) problems.add("fold given for unknown or excluded case " + id);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("folds: the given folds do not fit the dataset: " + String.join("; ", problems)
                    + ". Give every included case one fold from 0 to " + (folds - 1));
        }
        return out;
    }
}
