package org.voxelforge.train.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.voxelforge.nn.loss.RegionSpec;
import org.voxelforge.train.inference.LabelReconstruction;

/**
 * Overlapping-region training from a dataset's final classes (BraTS: WT {1,2,3}, TC {1,3},
 * ET {3}), ordered from the largest region to the smallest, and how labels come back from them.
 */
final class Regions {
    private Regions() {}

    /** The final classes as regions, largest label set first (nested regions: outer to inner). */
    static RegionSpec fromFinalClasses(Map<String, List<Integer>> finalClasses) {
        if (finalClasses.isEmpty()) {
            throw new IllegalArgumentException("--regions needs final_classes in dataset.json (e.g. WT [1,2,3], TC [1,3], ET [3])");
        }
        List<Map.Entry<String, List<Integer>>> e = new ArrayList<>(finalClasses.entrySet());
        e.sort((a, b) -> Integer.compare(b.getValue().size(), a.getValue().size())); // stable: ties keep the file's order
        List<String> names = new ArrayList<>();
        List<int[]> sets = new ArrayList<>();
        for (var x : e) {
            names.add(x.getKey());
            sets.add(x.getValue().stream().mapToInt(Integer::intValue).toArray());
        }
        RegionSpec r = new RegionSpec(names, sets);
        reconstructionLabels(r); // fails early when labels cannot be rebuilt
        return r;
    }

    /**
     * The label each region writes when reconstructing, regions applied in order: the one label
     * of region r that no later region holds (WT -> 2, TC -> 1, ET -> 3).
     */
    static int[] reconstructionLabels(RegionSpec r) {
        int[] out = new int[r.size()];
        for (int i = 0; i < r.size(); i++) {
            Set<Integer> own = new HashSet<>();
            for (int v : r.labelSets().get(i)) own.add(v);
            for (int j = i + 1; j < r.size(); j++) for (int v : r.labelSets().get(j)) own.remove(v);
            if (own.size() != 1) {
                throw new IllegalArgumentException("--regions: region " + r.names().get(i) + " " + Arrays.toString(r.labelSets().get(i))
                        + " must hold exactly one label that no smaller region holds (found " + own + "), so that labels can be"
                        + " rebuilt by thresholds; nested regions like WT [1,2,3], TC [1,3], ET [3] work");
            }
            out[i] = own.iterator().next();
        }
        return out;
    }

    /** BraTS 2023 framework's thresholds (WT 0.45, TC 0.4, ET 0.45) for the BraTS regions, else 0.5. */
    static double[] defaultThresholds(RegionSpec r) {
        RegionSpec brats = RegionSpec.brats();
        boolean isBrats = r.names().equals(brats.names());
        for (int i = 0; isBrats && i < r.size(); i++) isBrats = Arrays.equals(r.labelSets().get(i), brats.labelSets().get(i));
        if (isBrats) return LabelReconstruction.bratsRegions().thresholds();
        double[] t = new double[r.size()];
        Arrays.fill(t, 0.5);
        return t;
    }
}
