package org.voxelforge.train.ensemble;

import java.util.List;
import org.voxelforge.train.metrics.LabelMap;

/**
 * Merges two pipelines' label maps region by region. Each region (a set of labels) is combined
 * by its own rule, then the label map is rebuilt by painting the regions from the outermost to
 * the innermost with each region's label, so an inner region overrides an outer one.
 *
 * <p>{@link #BRATS_2020} is the default table for BraTS labels NCR=1, ED=2, ET=3 (use 4 for ET in
 * BraTS 2020 files by building the table with other labels): whole tumour WT={1,2,3} by UNION,
 * tumour core TC={1,3} by UNION, enhancing tumour ET={3} by INTERSECTION, painted ED, NCR, ET.
 * We could not check this table against the original BraTS 2020 write-up; it is an assumption,
 * kept in this one place so it can be corrected.
 */
public final class RegionMerge {
    public enum Rule { UNION, INTERSECTION, PIPELINE_A, PIPELINE_B }

    /** A region, the rule that combines it, and the label its voxels get when painted. */
    public record RegionRule(String name, int[] labels, Rule rule, int paintLabel) {
        public RegionRule { labels = labels.clone(); }
    }

    /** Outermost first. */
    public static final List<RegionRule> BRATS_2020 = List.of(
            new RegionRule("WT", new int[] {1, 2, 3}, Rule.UNION, 2),
            new RegionRule("TC", new int[] {1, 3}, Rule.UNION, 1),
            new RegionRule("ET", new int[] {3}, Rule.INTERSECTION, 3));

    private RegionMerge() {}

    public static int[] merge(int[] a, int[] b, List<RegionRule> table) {
        Inputs.check("region_merge", List.of(a, b));
        if (table.isEmpty()) throw new IllegalArgumentException("region_merge: empty rule table; expected regions outermost first");
        int[] out = new int[a.length];
        for (RegionRule region : table) {
            boolean[] ma = LabelMap.mask(a, region.labels()), mb = LabelMap.mask(b, region.labels());
            for (int i = 0; i < out.length; i++) {
                boolean in = switch (region.rule()) {
                    case UNION -> ma[i] || mb[i];
                    case INTERSECTION -> ma[i] && mb[i];
                    case PIPELINE_A -> ma[i];
                    case PIPELINE_B -> mb[i];
                };
                if (in) out[i] = region.paintLabel();
            }
        }
        return out;
    }
}
