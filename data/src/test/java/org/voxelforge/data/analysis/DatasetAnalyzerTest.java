package org.voxelforge.data.analysis;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.data.dataset.DatasetDescription;
import org.voxelforge.data.dataset.SyntheticDataset;
import org.voxelforge.data.dataset.SyntheticDataset.CaseSpec;
import org.voxelforge.data.nifti.NiftiDataType;

class DatasetAnalyzerTest {
    @TempDir static Path dir;
    static DatasetDescription mr, ct;

    /** Four good cases plus case_e, whose t2 sits 5 mm away from its mask. */
    @BeforeAll
    static void build() throws Exception {
        List<CaseSpec> cases = new ArrayList<>(SyntheticDataset.standardCases());
        cases.add(new CaseSpec("case_e", new double[] {1, 1, 3}, "RAS"));
        for (String mod : List.of("mr", "ct")) {
            Path root = dir.resolve(mod);
            Path json = SyntheticDataset.write(root, cases, mod);
            double[] sp = {1, 1, 3};
            double[][] shifted = SyntheticDataset.affine(sp, "RAS");
            shifted[1][3] += 5;
            int[] s = SyntheticDataset.shape(sp);
            try (var scope = new org.voxelforge.core.TensorScope()) {
                org.voxelforge.data.nifti.NiftiWriter.write(root.resolve("raw/train/case_e/t2.nii.gz"),
                        org.voxelforge.core.Tensor.of(SyntheticDataset.draw("t2", sp, "RAS"), s),
                        org.voxelforge.data.nifti.NiftiHeader.of(s, NiftiDataType.FLOAT32, shifted), NiftiDataType.FLOAT32);
            }
            if (mod.equals("mr")) mr = DatasetDescription.load(json);
            else ct = DatasetDescription.load(json);
        }
    }

    static AnalysisOptions options() { return AnalysisOptions.defaults().withFolds(4, 7, null).withThreads(2); }

    @Test
    void mrDatasetGetsMistsPlan() throws Exception {
        Path results = dir.resolve("results_mr");
        List<String> warned = new ArrayList<>();
        DatasetAnalyzer.Result r = DatasetAnalyzer.analyze(mr, results, options(), warned::add);
        AnalysisConfig c = r.config();

        // the mismatching case is excluded and named, with the field
        assertEquals(Set.of("case_e"), c.excluded().keySet());
        assertTrue(c.excluded().get("case_e").contains("affine (origin)") && c.excluded().get("case_e").contains("t2"),
                c.excluded().get("case_e"));
        assertTrue(warned.stream().anyMatch(w -> w.contains("case_e") && w.contains("header mismatch")), warned.toString());

        // median spacing of (1,1,3) x2 and (0.8,0.8,1.5) x2; 2.25 / 0.9 = 2.5 is not anisotropic
        assertArrayEquals(new double[] {0.9, 0.9, 2.25}, c.targetSpacing(), 1e-6); // the header holds float32
        // the body (radius 14 mm in a 32 x 32 x 36 mm field) leaves ~40% of the volume outside
        assertTrue(c.cropToForeground());
        assertTrue(c.meanCropReduction() > 0.35 && c.meanCropReduction() < 0.5, "" + c.meanCropReduction());
        for (BoundingBox b : r.boxes().values()) {
            double[] mm = new double[3];
            int[] size = b.size();
            for (int a = 0; a < 3; a++) mm[a] = size[a] * (b.volume()[2] == 12 ? new double[] {1, 1, 3}[a] : new double[] {0.8, 0.8, 1.5}[a]);
            for (int a = 0; a < 3; a++) assertTrue(mm[a] > 26 && mm[a] <= 30, Arrays.toString(mm));
        }
        // cropped and resampled: x, y 31/31/32/32 and z 13/13/12/12 voxels; medians 31.5 and 12.5
        assertArrayEquals(new int[] {16, 16, 8}, c.patchSize());
        // background is ~69% of every image
        assertTrue(c.useNonzeroMask());
        assertTrue(c.meanZeroFraction() > 0.6 && c.meanZeroFraction() < 0.75, "" + c.meanZeroFraction());
        assertTrue(c.ctNormalization().isEmpty());

        // folds: every included case exactly once, one per fold, reproducible from the seed
        assertEquals(Set.of("case_a", "case_b", "case_c", "case_d"), r.folds().keySet());
        assertEquals(Set.of(0, 1, 2, 3), new HashSet<>(r.folds().values()));
        assertEquals(r.folds(), Folds.seeded(List.of("case_d", "case_c", "case_b", "case_a"), 4, 7));

        // class weights: every seen class contributes n_c * w_c = N / K
        assertEquals(4, c.classWeights().length);
        for (double w : c.classWeights()) assertTrue(w > 0);
        assertTrue(c.classWeights()[0] < c.classWeights()[3], "background is the most frequent class");

        // the files, and config.json reads back as written
        AnalysisConfig back = AnalysisConfig.read(results.resolve("config.json"));
        assertEquals(org.voxelforge.core.io.Json.write(c.toJson()), org.voxelforge.core.io.Json.write(back.toJson()));
        List<String> boxes = Files.readAllLines(results.resolve("fg_bboxes.csv"));
        assertEquals("id,x_start,x_end,y_start,y_end,z_start,z_end,x_og_size,y_og_size,z_og_size", boxes.get(0));
        assertEquals(5, boxes.size());
        List<String> paths = Files.readAllLines(results.resolve("train_paths.csv"));
        assertEquals("id,fold,mask,t1,t2", paths.get(0));
        assertEquals(5, paths.size());
        for (String line : paths.subList(1, 5)) {
            String[] f = line.split(",");
            assertEquals(r.folds().get(f[0]), Integer.parseInt(f[1]), line);
        }

        // a 20 kB budget per case (2 channels of float32) forces the spacing up by 25% steps
        AnalysisConfig small = DatasetAnalyzer.analyze(mr, dir.resolve("small"), options().withMaxCaseBytes(20_000), s -> {}).config();
        double growth = small.targetSpacing()[0] / c.targetSpacing()[0];
        assertTrue(growth > 1.2, "" + growth);
        double steps = Math.log(growth) / Math.log(1.25);
        assertEquals(Math.rint(steps), steps, 1e-9, "a whole number of 25% steps: " + growth);
        assertArrayEquals(c.targetSpacing(), java.util.stream.DoubleStream.of(small.targetSpacing()).map(x -> x / growth).toArray(), 1e-9);

        AnalysisConfig capped = DatasetAnalyzer.analyze(mr, dir.resolve("capped"), options().withMaxPatchSize(8), s -> {}).config();
        assertArrayEquals(new int[] {8, 8, 8}, capped.patchSize());
    }

    @Test
    void ctNormalizationPoolsTheLabelledVoxelsOfEveryCase() throws Exception {
        AnalysisConfig c = DatasetAnalyzer.analyze(ct, dir.resolve("results_ct"), options(), s -> {}).config();
        assertFalse(c.useNonzeroMask());
        for (String mod : List.of("t1", "t2")) {
            // the obvious computation: every labelled voxel of every case, sorted
            List<Double> pooled = new ArrayList<>();
            for (CaseSpec cs : SyntheticDataset.standardCases()) {
                double[] img = SyntheticDataset.draw(mod, cs.spacing(), cs.orientation());
                double[] mask = SyntheticDataset.draw("mask", cs.spacing(), cs.orientation());
                for (int i = 0; i < img.length; i++) if (mask[i] > 0) pooled.add((double) (float) img[i]); // stored as float32
            }
            double[] v = pooled.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double lo = naivePercentile(v, 0.5), hi = naivePercentile(v, 99.5);
            double sum = 0, sq = 0;
            for (double x : v) sum += Math.min(hi, Math.max(lo, x));
            double mean = sum / v.length;
            for (double x : v) sq += Math.pow(Math.min(hi, Math.max(lo, x)) - mean, 2);
            double[] got = c.ctNormalization().get(mod);
            assertEquals(lo, got[0], 1e-9);
            assertEquals(hi, got[1], 1e-9);
            assertEquals(mean, got[2], 1e-9);
            assertEquals(Math.sqrt(sq / v.length), got[3], 1e-9);
            double base = mod.equals("t1") ? 100 : 200;
            assertTrue(got[2] > base + 10 && got[2] < base + 30, "mean of labels 1..3 is base + 10..30: " + got[2]);
        }
    }

    static double naivePercentile(double[] sorted, double q) {
        double pos = (sorted.length - 1) * q / 100;
        int i = (int) pos;
        return i + 1 < sorted.length ? sorted[i] * (1 - (pos - i)) + sorted[i + 1] * (pos - i) : sorted[i];
    }

    @Test
    void userFoldsAreCheckedAgainstTheCases() throws Exception {
        var given = new java.util.HashMap<String, Integer>(java.util.Map.of("case_a", 0, "case_b", 1, "case_c", 0, "case_d", 1));
        var r = DatasetAnalyzer.analyze(mr, dir.resolve("given"), AnalysisOptions.defaults().withFolds(2, 0, given), s -> {});
        assertEquals(given, r.folds());
        given.remove("case_d");
        given.put("case_x", 1);
        var e = assertThrows(IllegalArgumentException.class,
                () -> DatasetAnalyzer.analyze(mr, dir.resolve("given2"), AnalysisOptions.defaults().withFolds(2, 0, given), s -> {}));
        assertTrue(e.getMessage().contains("case case_d has no fold") && e.getMessage().contains("case_x"), e.getMessage());
    }
}
