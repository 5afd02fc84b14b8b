package org.voxelforge.data.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.data.nifti.NiftiDataType;
import org.voxelforge.data.nifti.NiftiHeader;
import org.voxelforge.data.nifti.NiftiWriter;

/**
 * Small MIST datasets for tests, drawn from world coordinates so every case shows the same
 * anatomy whatever its spacing and orientation: a body (a ball of radius {@link #BODY_MM} around
 * the centre of a 32 x 32 x 36 mm field of view) of intensity about 100 in modality "t1" and
 * 200 in "t2" on a zero background, and nested spheres with labels 1, 2, 3 (radii 11, 8, 5 mm)
 * where the intensity rises by 10 per label. A small deterministic ripple keeps voxels distinct.
 */
public final class SyntheticDataset {
    public static final double BODY_MM = 14;
    public static final double[] FOV = {32, 32, 36};
    public static final double[] RADII = {11, 8, 5};

    private SyntheticDataset() {}

    /** One case to draw: its spacing and orientation ("RAS" or "LPS"). */
    public record CaseSpec(String id, double[] spacing, String orientation) {}

    public static List<CaseSpec> standardCases() {
        return List.of(new CaseSpec("case_a", new double[] {1, 1, 3}, "RAS"),
                new CaseSpec("case_b", new double[] {1, 1, 3}, "LPS"),
                new CaseSpec("case_c", new double[] {0.8, 0.8, 1.5}, "RAS"),
                new CaseSpec("case_d", new double[] {0.8, 0.8, 1.5}, "LPS"));
    }

    public static int[] shape(double[] spacing) {
        int[] s = new int[3];
        for (int a = 0; a < 3; a++) s[a] = (int) Math.round(FOV[a] / spacing[a]);
        return s;
    }

    /** Voxel-to-world affine: axes along +/-x, +/-y, +z, centred so the field of view is the same. */
    public static double[][] affine(double[] spacing, String orientation) {
        int[] s = shape(spacing);
        double sign = orientation.equals("LPS") ? -1 : 1;
        double[][] a = new double[4][4];
        a[3][3] = 1;
        for (int i = 0; i < 3; i++) {
            double d = i < 2 ? sign * spacing[i] : spacing[i];
            a[i][i] = d;
            a[i][3] = -d * (s[i] - 1) / 2.0; // voxel centre of the grid at world 0
        }
        return a;
    }

    static double[] world(double[][] a, int i, int j, int k) {
        double[] w = new double[3];
        for (int r = 0; r < 3; r++) w[r] = a[r][0] * i + a[r][1] * j + a[r][2] * k + a[r][3];
        return w;
    }

    public static int labelAt(double[] w) {
        double r = Math.sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
        return r <= RADII[2] ? 3 : r <= RADII[1] ? 2 : r <= RADII[0] ? 1 : 0;
    }

    /** [x, y, z] row-major volume of the given kind: "t1", "t2" or "mask". */
    public static double[] draw(String kind, double[] spacing, String orientation) {
        int[] s = shape(spacing);
        double[][] a = affine(spacing, orientation);
        double[] v = new double[s[0] * s[1] * s[2]];
        int n = 0;
        for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < s[1]; j++) {
                for (int k = 0; k < s[2]; k++, n++) {
                    double[] w = world(a, i, j, k);
                    int label = labelAt(w);
                    double r = Math.sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
                    if (kind.equals("mask")) v[n] = label;
                    else if (r <= BODY_MM) {
                        double base = kind.equals("t1") ? 100 : 200;
                        v[n] = base + 10 * label + 3 * Math.sin(0.7 * w[0] + 1.3 * w[1] + 0.4 * w[2]);
                    }
                }
            }
        }
        return v;
    }

    public static void writeVolume(Path file, double[] v, double[] spacing, String orientation, NiftiDataType type)
            throws IOException {
        int[] s = shape(spacing);
        try (TensorScope scope = new TensorScope()) {
            Tensor t = Tensor.of(v, s);
            NiftiWriter.write(file, t, NiftiHeader.of(s, type, affine(spacing, orientation)), type);
        }
    }

    /** Writes the cases as a MIST dataset under {@code root} and returns its dataset.json. */
    public static Path write(Path root, List<CaseSpec> cases, String modality) throws IOException {
        for (CaseSpec c : cases) {
            Path dir = root.resolve("raw/train").resolve(c.id());
            Files.createDirectories(dir);
            writeVolume(dir.resolve("t1.nii.gz"), draw("t1", c.spacing(), c.orientation()), c.spacing(), c.orientation(),
                    NiftiDataType.FLOAT32);
            writeVolume(dir.resolve("t2.nii.gz"), draw("t2", c.spacing(), c.orientation()), c.spacing(), c.orientation(),
                    NiftiDataType.FLOAT32);
            writeVolume(dir.resolve("mask.nii.gz"), draw("mask", c.spacing(), c.orientation()), c.spacing(), c.orientation(),
                    NiftiDataType.UINT8);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", "spheres");
        m.put("modality", modality);
        m.put("train-data", "raw/train");
        m.put("mask", List.of((Object) "mask.nii.gz"));
        Map<String, Object> images = new LinkedHashMap<>();
        images.put("t1", List.of((Object) "t1.nii.gz"));
        images.put("t2", List.of((Object) "t2.nii.gz"));
        m.put("images", images);
        m.put("labels", new ArrayList<Object>(List.of(0L, 1L, 2L, 3L)));
        Map<String, Object> fc = new LinkedHashMap<>();
        fc.put("whole", List.of((Object) 1L, 2L, 3L));
        fc.put("core", List.of((Object) 2L, 3L));
        fc.put("enhancing", List.of((Object) 3L));
        m.put("final_classes", fc);
        Path json = root.resolve("dataset.json");
        DatasetDescription.write(json, m);
        return json;
    }
}
