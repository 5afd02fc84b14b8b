package org.voxelforge.train.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorTest {
    private static final int[] D = {12, 12, 12};
    private static final double[] S = {1, 1, 2};

    private static int[] labels(int shift) {
        int[] l = new int[1728];
        Volumes.box(l, D, 2 + shift, 8 + shift, 2, 8, 2, 8, 2);
        Volumes.box(l, D, 4 + shift, 6 + shift, 4, 6, 4, 6, 1);
        return l;
    }

    private final Evaluator.Options options = new Evaluator.Options(
            FinalClass.of(new java.util.LinkedHashMap<>(Map.of("WT", new int[] {1, 2}))), List.of(Metric.DICE, Metric.HD95, Metric.LESION_F1), 1.0);

    @Test
    void writesRowsPerCaseAndMistSummaryRows(@TempDir Path dir) throws Exception {
        Path gt = Files.createDirectories(dir.resolve("gt")), pred = Files.createDirectories(dir.resolve("pred"));
        NiftiFixtures.write(gt.resolve("a.nii.gz"), labels(0), D, S);
        NiftiFixtures.write(gt.resolve("b.nii"), labels(0), D, S);
        NiftiFixtures.write(pred.resolve("a.nii.gz"), labels(0), D, S);
        NiftiFixtures.write(pred.resolve("b.nii.gz"), labels(2), D, S);
        NiftiFixtures.write(pred.resolve("extra.nii.gz"), labels(1), D, S);
        Path csv = dir.resolve("results.csv");
        ResultsTable t = Evaluator.evaluate(pred, gt, options, csv);
        assertEquals(List.of("WT_dice", "WT_haus95", "WT_lesion_f1"), t.columns());
        assertEquals(List.of("a", "b"), t.ids());
        assertArrayEquals(new double[] {1, 0, 1}, t.rows().get(0), 1e-12);
        assertEquals(2.0 * 4 * 36 / 432, t.rows().get(1)[0], 1e-12);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("id,WT_dice,WT_haus95,WT_lesion_f1", lines.get(0));
        assertEquals(List.of("a", "b", "Mean", "Std", "25pc", "Median", "75pc"), lines.subList(1, 8).stream().map(s -> s.split(",")[0]).toList());
        double d1 = t.rows().get(1)[0];
        assertEquals((1 + d1) / 2, t.summary("Mean")[0], 1e-12);
        assertEquals((1 - d1) / 2, t.summary("Std")[0], 1e-12);
        assertEquals(d1 + 0.25 * (1 - d1), t.summary("25pc")[0], 1e-12);
    }

    @Test
    void groundTruthFromMistCsv(@TempDir Path dir) throws Exception {
        Path pred = Files.createDirectories(dir.resolve("pred"));
        NiftiFixtures.write(dir.resolve("mask_a.nii.gz"), labels(0), D, S);
        NiftiFixtures.write(pred.resolve("a.nii.gz"), labels(0), D, S);
        Files.writeString(dir.resolve("test_paths.csv"), "id,mask,t1\na,mask_a.nii.gz,unused.nii.gz\n");
        ResultsTable t = Evaluator.evaluate(pred, dir.resolve("test_paths.csv"), options);
        assertEquals(List.of("a"), t.ids());
        assertEquals(1, t.rows().get(0)[0]);
    }

    @Test
    void missingPredictionAndGridMismatchNameTheFile(@TempDir Path dir) throws Exception {
        Path gt = Files.createDirectories(dir.resolve("gt")), pred = Files.createDirectories(dir.resolve("pred"));
        NiftiFixtures.write(gt.resolve("a.nii.gz"), labels(0), D, S);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> Evaluator.evaluate(pred, gt, options));
        assertTrue(missing.getMessage().contains("no prediction for case 'a'"), missing.getMessage());
        NiftiFixtures.write(pred.resolve("a.nii.gz"), new int[12 * 12 * 6], new int[] {12, 12, 6}, S);
        IllegalArgumentException grid = assertThrows(IllegalArgumentException.class, () -> Evaluator.evaluate(pred, gt, options));
        assertTrue(grid.getMessage().contains("a.nii.gz") && grid.getMessage().contains("[12, 12, 6]"), grid.getMessage());
    }
}
