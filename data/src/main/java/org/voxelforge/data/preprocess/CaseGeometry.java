package org.voxelforge.data.preprocess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.voxelforge.core.io.AtomicFiles;
import org.voxelforge.core.io.Json;
import org.voxelforge.data.analysis.BoundingBox;

/**
 * Everything needed to map a result on a case's preprocessed grid back to its original file:
 * the original grid (shape, affine, orientation codes), the RAI grid it was reoriented to, the
 * crop box on that grid, and the spacings and shape before and after resampling.
 * Written as {@code geometry/<id>.json} next to the arrays.
 */
public record CaseGeometry(String id, int[] originalShape, double[][] originalAffine, String originalCodes,
                           String workingCodes, int[] raiShape, BoundingBox crop, double[] spacingBefore,
                           double[] spacingAfter, int[] resampledShape) {

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("original_shape", originalShape);
        List<Object> rows = new ArrayList<>();
        for (double[] r : originalAffine) rows.add(r);
        m.put("original_affine", rows);
        m.put("original_orientation", originalCodes);
        m.put("working_orientation", workingCodes);
        m.put("rai_shape", raiShape);
        m.put("crop_start", crop.start());
        m.put("crop_end_inclusive", crop.end());
        m.put("spacing_before", spacingBefore);
        m.put("spacing_after", spacingAfter);
        m.put("resampled_shape", resampledShape);
        return m;
    }

    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, Json.writePretty(toJson()));
    }

    public static CaseGeometry read(Path file) throws IOException {
        Map<String, Object> m = Json.parseObject(Files.readString(file), file.toString());
        try {
            List<?> rows = (List<?>) m.get("original_affine");
            double[][] a = new double[rows.size()][];
            for (int i = 0; i < a.length; i++) a[i] = doubles(rows.get(i));
            int[] rai = ints(m.get("rai_shape"));
            return new CaseGeometry((String) m.get("id"), ints(m.get("original_shape")), a, (String) m.get("original_orientation"),
                    (String) m.get("working_orientation"), rai,
                    new BoundingBox(ints(m.get("crop_start")), ints(m.get("crop_end_inclusive")), rai),
                    doubles(m.get("spacing_before")), doubles(m.get("spacing_after")), ints(m.get("resampled_shape")));
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException(file + ": not a case geometry written by preprocessing (" + e + ")", e);
        }
    }

    private static int[] ints(Object o) { return ((List<?>) o).stream().mapToInt(x -> ((Number) x).intValue()).toArray(); }

    private static double[] doubles(Object o) { return ((List<?>) o).stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray(); }
}
