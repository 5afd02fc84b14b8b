package org.voxelforge.train.postprocess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.voxelforge.core.io.Json;

/** An ordered list of postprocessing steps, read from and written to JSON (a list of step objects). */
public record PostprocessStrategy(List<PostprocessStep> steps) {
    public PostprocessStrategy { steps = List.copyOf(steps); }

    public void apply(int[] labels, int[] dims) {
        for (PostprocessStep s : steps) s.apply(labels, dims);
    }

    public static PostprocessStrategy parse(String json, String source) {
        Object v = Json.parse(json, source);
        if (!(v instanceof List<?> list)) throw new IllegalArgumentException(source + ": a strategy is a JSON list of steps");
        List<PostprocessStep> steps = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) steps.add(PostprocessStep.fromJson(list.get(i), source + " step " + i));
        return new PostprocessStrategy(steps);
    }

    public static PostprocessStrategy read(Path file) throws IOException {
        return parse(Files.readString(file), file.toString());
    }

    public String toJson() {
        List<Object> out = new ArrayList<>();
        for (PostprocessStep s : steps) out.add(s.toJson());
        return Json.writePretty(out);
    }

    /**
     * The BraTS 2023 dust procedure on labels NCR=1, ED=2, ET=3: remove ET components of at most
     * 50 voxels; fill holes of TC={1,3} with necrosis 1; remove TC dust; fill holes of
     * WT={1,2,3} with edema 2; remove WT dust. "At most 50" is min_size 51 (size < min_size goes).
     */
    public static PostprocessStrategy brats2023Dust() {
        return parse("""
                [
                  {"transform": "remove_small_objects", "labels": [3], "apply_to_labels_group": true, "params": {"min_size": 51}},
                  {"transform": "fill_holes", "labels": [1, 3], "apply_to_labels_group": true, "params": {"fill_label": 1}},
                  {"transform": "remove_small_objects", "labels": [1, 3], "apply_to_labels_group": true, "params": {"min_size": 51}},
                  {"transform": "fill_holes", "labels": [1, 2, 3], "apply_to_labels_group": true, "params": {"fill_label": 2}},
                  {"transform": "remove_small_objects", "labels": [1, 2, 3], "apply_to_labels_group": true, "params": {"min_size": 51}}
                ]""", "preset brats2023_dust");
    }

    /** MedISeg's all-but-largest-component suppression: keep only the largest component of each label. */
    public static PostprocessStrategy keepLargestPerLabel(int... labels) {
        return new PostprocessStrategy(List.of(new PostprocessStep(PostprocessStep.Transform.KEEP_LARGEST, labels, false, Map.of("k", 1L))));
    }

    /** MedISeg's small-area removal: drop components smaller than {@code minSize} voxels of each label. */
    public static PostprocessStrategy removeSmallAreas(int minSize, int... labels) {
        return new PostprocessStrategy(List.of(new PostprocessStep(PostprocessStep.Transform.REMOVE_SMALL_OBJECTS, labels, false,
                Map.of("min_size", (long) minSize))));
    }
}
