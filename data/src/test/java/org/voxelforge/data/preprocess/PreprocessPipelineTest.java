package org.voxelforge.data.preprocess;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.data.analysis.AnalysisConfig;
import org.voxelforge.data.analysis.AnalysisOptions;
import org.voxelforge.data.analysis.DatasetAnalyzer;
import org.voxelforge.data.dataset.DatasetDescription;
import org.voxelforge.data.dataset.SyntheticDataset;
import org.voxelforge.data.nifti.NiftiImage;
import org.voxelforge.data.nifti.NiftiReader;
import org.voxelforge.data.npy.Npy;

class PreprocessPipelineTest {
    @TempDir static Path dir;
    static Path results;
    static AnalysisConfig config;
    static DatasetDescription ds;

    @BeforeAll
    static void analyze() throws Exception {
        ds = DatasetDescription.load(SyntheticDataset.write(dir.resolve("data"), SyntheticDataset.standardCases(), "mr"));
        results = dir.resolve("results");
        config = DatasetAnalyzer.analyze(ds, results, AnalysisOptions.defaults().withFolds(4, 1, null).withThreads(2), s -> {})
                .config();
    }

    static PreprocessOptions quiet() { return PreprocessOptions.defaults().withThreads(2).withProgress(null); }

    static double dice(int[] a, int[] b, int label) {
        long inter = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            boolean x = a[i] == label, y = b[i] == label;
            if (x) na++;
            if (y) nb++;
            if (x && y) inter++;
        }
        return 2.0 * inter / (na + nb);
    }

    static double regionDice(int[] a, int[] b, int min) {
        long inter = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            boolean x = a[i] >= min, y = b[i] >= min;
            if (x) na++;
            if (y) nb++;
            if (x && y) inter++;
        }
        return 2.0 * inter / (na + nb);
    }

    @Test
    void preprocessesEveryCaseAndTheInverseRestoresTheOriginalGrid() throws Exception {
        Path out = dir.resolve("numpy");
        ByteArrayOutputStream bar = new ByteArrayOutputStream();
        PreprocessReport report = Preprocessor.run(results, out,
                PreprocessOptions.defaults().withThreads(2).withDistanceMaps(true).withProgress(new PrintStream(bar, true)));
        assertEquals(0, report.exitCode(), report.summary());
        assertEquals(List.of("case_a", "case_b", "case_c", "case_d"), report.done());
        String progress = bar.toString(StandardCharsets.UTF_8);
        assertTrue(progress.contains("] 4/4 cases") && progress.contains("[" + "#".repeat(30) + "]"), progress);

        for (var c : ds.trainCases()) {
            CaseGeometry g = CaseGeometry.read(out.resolve("geometry/" + c.id() + ".json"));
            int[] d = g.resampledShape();
            Tensor img = Npy.read(out.resolve("images/" + c.id() + ".npy"));
            Tensor lab = Npy.read(out.resolve("labels/" + c.id() + ".npy"));
            Tensor dtm = Npy.read(out.resolve("dtms/" + c.id() + ".npy"));
            assertEquals(DType.FLOAT32, img.dtype());
            assertArrayEquals(new int[] {2, d[0], d[1], d[2]}, img.dims());
            assertEquals(DType.UINT8, lab.dtype());
            assertArrayEquals(d, lab.dims());
            assertArrayEquals(new int[] {3, d[0], d[1], d[2]}, dtm.dims());
            int[] labels = lab.toIntArray();
            float[] v = img.toFloatArray();
            float[] dm = dtm.toFloatArray();
            int n = labels.length;
            // MR with use_nz_mask: z-scored over the body; background exactly 0
            double s = 0, sq = 0;
            int count = 0;
            for (int i = 0; i < n; i++) {
                if (v[i] == 0) continue;
                s += v[i];
                sq += v[i] * v[i];
                count++;
            }
            double mean = s / count, std = Math.sqrt(sq / count - mean * mean);
            assertEquals(0, mean, 0.15, c.id());
            assertEquals(1, std, 0.15, c.id());
            for (int i = 0; i < n; i++) {
                assertTrue(labels[i] >= 0 && labels[i] <= 3);
                if (labels[i] == 1) assertTrue(dm[i] < 0, "inside label 1: negative distance");
                if (labels[i] == 0) assertTrue(dm[i] > 0 && dm[n + i] > 0 && dm[2 * n + i] > 0);
            }

            // back to the original grid: same shape and affine, labels within Dice 0.95
            int[] back;
            try (NiftiImage orig = NiftiReader.read(c.mask());
                 NiftiImage pred = InverseTransform.toNifti(labels, g, InverseTransform.Resample.ONE_HOT, orig.header())) {
                assertArrayEquals(orig.shape(), pred.shape());
                assertEquals(Arrays.deepToString(orig.affine()), Arrays.deepToString(pred.affine()));
                assertEquals(Arrays.deepToString(orig.header().bestAffine()), Arrays.deepToString(pred.header().bestAffine()));
                back = pred.data().toIntArray();
                int[] truth = orig.data().toIntArray();
                int[] nearest = InverseTransform.toOriginal(labels, g, InverseTransform.Resample.NEAREST).toIntArray();
                // the final classes (balls of radius 11, 8, 5 mm) within Dice 0.95; single labels include the
                // 3 mm shell of label 1, which a 1.5 -> 2.25 mm round trip along z cannot keep as well
                for (int label = 1; label <= 3; label++) {
                    double region = regionDice(back, truth, label), single = dice(back, truth, label);
                    double near = regionDice(nearest, truth, label);
                    System.out.printf("%s: labels >= %d Dice %.4f (nearest %.4f), label %d Dice %.4f%n", c.id(), label, region,
                            near, label, single);
                    assertTrue(region > 0.95, c.id() + " labels >= " + label + " Dice " + region);
                    assertTrue(near > 0.9, c.id() + " nearest, labels >= " + label + " Dice " + near);
                    assertTrue(single > 0.92, c.id() + " label " + label + " Dice " + single);
                }
            }
        }
    }

    @Test
    void withoutResamplingForwardThenInverseIsExact() throws Exception {
        for (var c : ds.trainCases()) {
            double[] own = c.id().compareTo("case_c") < 0 ? new double[] {1, 1, 3} : new double[] {0.8, 0.8, 1.5};
            AnalysisConfig same = new AnalysisConfig(config.task(), config.modality(), config.modalities(), config.labels(),
                    config.finalClasses(), config.medianSpacing(), own, true, config.meanCropReduction(), true,
                    config.meanZeroFraction(), Map.of(), config.patchSize(), config.classWeights(), 4, 1, Map.of());
            CasePreprocessor.Result r = CasePreprocessor.forward(c.id(), new ArrayList<>(c.images().values()), c.mask(), same,
                    quiet(), Map.of());
            assertArrayEquals(r.geometry().crop().size(), r.dims(), "float32 spacing rounds back to the same grid");
            assertTrue(r.geometry().crop().reduction() > 0.3, "the case was cropped");
            try (NiftiImage orig = NiftiReader.read(c.mask())) {
                int[] back = InverseTransform.toOriginal(r.labels(), r.geometry(), InverseTransform.Resample.ONE_HOT).toIntArray();
                assertArrayEquals(orig.data().toIntArray(), back, c.id());
            }
        }
    }

    @Test
    void inferenceCasesWithoutAMaskGoThroughTheSameSteps() throws Exception {
        var c = ds.trainCases().get(3);
        List<Path> images = new ArrayList<>(c.images().values());
        CasePreprocessor.Result withMask = CasePreprocessor.forward(c.id(), images, c.mask(), config, quiet(), Map.of());
        CasePreprocessor.Result without = CasePreprocessor.forward(c.id(), images, null, config, quiet(), Map.of());
        assertNull(without.labels());
        // the Otsu box already holds the labels here (they lie inside the body), so both crop alike
        assertArrayEquals(withMask.geometry().crop().start(), without.geometry().crop().start());
        assertArrayEquals(withMask.image(), without.image());
        var e = assertThrows(IllegalArgumentException.class,
                () -> CasePreprocessor.forward("x", images.subList(0, 1), null, config, quiet(), Map.of()));
        assertTrue(e.getMessage().contains("1 images for modalities [t1, t2]"), e.getMessage());
    }

    @Test
    void aFailingCaseIsNamedAndTheOthersGoOn() throws Exception {
        List<Preprocessor.Job> jobs = new ArrayList<>(Preprocessor.readTrainPaths(results.resolve("train_paths.csv"), config));
        jobs.add(1, new Preprocessor.Job("broken", List.of(dir.resolve("missing_t1.nii.gz"), dir.resolve("missing_t2.nii.gz")),
                dir.resolve("missing_mask.nii.gz"), 0));
        ByteArrayOutputStream bar = new ByteArrayOutputStream();
        PreprocessReport r = Preprocessor.run(jobs, config, dir.resolve("np2"),
                quiet().withProgress(new PrintStream(bar, true)));
        assertEquals(1, r.exitCode());
        assertEquals(4, r.done().size());
        assertTrue(r.failures().get("broken").contains("missing_t1.nii.gz"), r.failures().toString());
        assertTrue(r.summary().startsWith("preprocessed 4 of 5 cases, 1 failed"), r.summary());
        assertTrue(bar.toString(StandardCharsets.UTF_8).contains("case broken failed"));
        assertTrue(Files.exists(dir.resolve("np2/images/case_d.npy")));
    }

    @Test
    void brats2023IntensityOptionsRun() throws Exception {
        var c = ds.trainCases().get(2);
        List<Path> images = new ArrayList<>(c.images().values());
        for (IntensityMode m : new IntensityMode[] {IntensityMode.PERCENTILE_RESCALE, IntensityMode.MINMAX_NONZERO}) {
            float[] v = CasePreprocessor.forward("x", images, c.mask(), config, quiet().withIntensity(m, Map.of()), Map.of()).image();
            float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
            for (float f : v) { lo = Math.min(lo, f); hi = Math.max(hi, f); }
            // cubic resampling may overshoot [0, 1] a little near edges
            assertTrue(lo > -0.2 && lo <= 0.01 && hi > 0.95 && hi < 1.2, m + " range " + lo + ".." + hi);
        }
        Map<String, Path> refs = Map.of("t1", ds.trainCases().get(0).images().get("t1"), "t2", ds.trainCases().get(0).images().get("t2"));
        PreprocessReport r = Preprocessor.run(Preprocessor.readTrainPaths(results.resolve("train_paths.csv"), config), config,
                dir.resolve("np3"), quiet().withIntensity(IntensityMode.HISTOGRAM_MATCH, refs));
        assertEquals(0, r.exitCode(), r.summary());
        var e = assertThrows(IllegalArgumentException.class, () -> Preprocessor.run(List.of(), config, dir.resolve("np4"),
                quiet().withIntensity(IntensityMode.HISTOGRAM_MATCH, Map.of())));
        assertTrue(e.getMessage().contains("reference image for modality t1"), e.getMessage());
    }
}
