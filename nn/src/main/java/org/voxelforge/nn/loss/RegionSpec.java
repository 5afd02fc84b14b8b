package org.voxelforge.nn.loss;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;

/**
 * Overlapping regions made of label sets, for losses with one sigmoid channel per region
 * (BraTS: whole tumour WT = {1, 2, 3}, tumour core TC = {1, 3}, enhancing tumour ET = {3}).
 */
public record RegionSpec(List<String> names, List<int[]> labelSets) {
    public RegionSpec {
        if (names.size() != labelSets.size() || names.isEmpty()) {
            throw new IllegalArgumentException("RegionSpec: need one non-empty label set per region name, got "
                    + names.size() + " names and " + labelSets.size() + " sets");
        }
        for (int[] s : labelSets) {
            if (s.length == 0) throw new IllegalArgumentException("RegionSpec: region with no labels in " + names);
        }
        names = List.copyOf(names);
        List<int[]> copy = new ArrayList<>();
        for (int[] s : labelSets) copy.add(s.clone());
        labelSets = List.copyOf(copy);
    }

    /** BraTS's regions for labels 1 (necrosis), 2 (oedema), 3 (enhancing tumour). */
    public static RegionSpec brats() {
        return new RegionSpec(List.of("WT", "TC", "ET"), List.of(new int[] {1, 2, 3}, new int[] {1, 3}, new int[] {3}));
    }

    public int size() { return names.size(); }

    /** Region masks [N, R, spatial...] (1 inside the region) of {@code dtype} from labels [N, spatial...]. */
    public Tensor build(Tensor labels, DType dtype) {
        if (labels.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("RegionSpec.build: labels must be an integer tensor, got " + labels.describe());
        }
        List<Tensor> regions = new ArrayList<>();
        for (int[] set : labelSets) {
            Tensor in = Tensor.zeros(labels.device(), dtype, labels.dims());
            for (int label : set) in = in.add(labels.eq((double) label).cast(dtype));
            regions.add(in.clamp(0, 1)); // a label listed twice still counts once
        }
        return Tensor.stack(regions, 1);
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("RegionSpec[");
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(names.get(i)).append('=').append(Arrays.toString(labelSets.get(i)));
        }
        return sb.append(']').toString();
    }
}
