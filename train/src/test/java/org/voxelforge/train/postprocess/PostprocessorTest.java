package org.voxelforge.train.postprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.train.metrics.Evaluator;
import org.voxelforge.train.metrics.FinalClass;
import org.voxelforge.train.metrics.LabelVolumes;
import org.voxelforge.train.metrics.Metric;
import org.voxelforge.train.metrics.NiftiFixtures;

class PostprocessorTest {
    @Test
    void removingAFalsePositiveBlobImprovesDiceAndHd95(@TempDir Path dir) throws Exception {
        int[] d = {12, 12, 12};
        double[] s = {1, 1, 1};
        int[] gt = new int[1728];
        LabelTransformsTest.box(gt, 2, 7, 2, 7, 2, 7, 1);
        int[] pred = gt.clone();
        LabelTransformsTest.box(pred, 9, 12, 9, 12, 9, 12, 1); // 26 of its 27 voxels are surface: >5% of all
        Path g = Files.createDirectories(dir.resolve("gt")), p = Files.createDirectories(dir.resolve("pred"));
        NiftiFixtures.write(g.resolve("c1.nii.gz"), gt, d, s);
        NiftiFixtures.write(p.resolve("c1.nii.gz"), pred, d, s);
        Evaluator.Options o = new Evaluator.Options(FinalClass.of(Map.of("fg", new int[] {1})), List.of(Metric.DICE, Metric.HD95), 1);
        Postprocessor.Report r = Postprocessor.run(PostprocessStrategy.keepLargestPerLabel(1), p, dir.resolve("out"), g, o, dir);
        assertEquals("fg_dice", r.changes().get(0).column());
        assertTrue(r.changes().get(0).before() < 1);
        assertEquals(1, r.changes().get(0).after(), 1e-12);
        assertTrue(r.changes().get(1).delta() < 0);
        assertEquals(125, java.util.Arrays.stream(LabelVolumes.read(dir.resolve("out/c1.nii.gz")).labels()).sum());
        assertTrue(Files.exists(dir.resolve("results_after_postprocess.csv")));
        assertTrue(r.toText().contains("fg_haus95"));
    }
}
