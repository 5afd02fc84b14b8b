package org.voxelforge.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** synth -> analyze -> preprocess -> evaluate -> postprocess through the CLI, and their bad inputs. */
class PipelineCommandsTest {
    @TempDir Path tmp;

    @Test void theDataStagesRunOneAfterAnother() throws Exception {
        Path data = tmp.resolve("data"), results = tmp.resolve("results"), numpy = tmp.resolve("numpy");
        assertEquals(0, CliRun.run("synth", "--output", data.toString(), "--cases", "3", "--size", "24,24,20", "--seed", "3").code());
        CliRun a = CliRun.run("analyze", "--data", data.resolve("dataset.json").toString(), "--results", results.toString(), "--nfolds", "3");
        assertEquals(0, a.code(), a.err());
        for (String f : List.of("config.json", "train_paths.csv", "fg_bboxes.csv")) assertTrue(Files.exists(results.resolve(f)), f);
        CliRun p = CliRun.run("preprocess", "--results", results.toString(), "--numpy", numpy.toString());
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().contains("preprocessed 3 of 3 cases, 0 failed"), p.out());
        try (Stream<Path> s = Files.list(numpy.resolve("images"))) {
            assertEquals(3, s.count());
        }

        // ground truth scored against itself: Dice 1 for every final class
        Path gt = Files.createDirectories(tmp.resolve("gt"));
        for (String id : List.of("synth_0000", "synth_0001", "synth_0002")) {
            Files.copy(data.resolve("train").resolve(id).resolve(id + "_seg.nii.gz"), gt.resolve(id + ".nii.gz"));
        }
        Path csv = tmp.resolve("results.csv");
        CliRun e = CliRun.run("evaluate", "--predictions", gt.toString(), "--ground-truth", gt.toString(),
                "--final-classes", data.resolve("dataset.json").toString(), "--output", csv.toString());
        assertEquals(0, e.code(), e.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("id,WT_dice,WT_haus95,TC_dice,TC_haus95,ET_dice,ET_haus95", lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("Mean,1")), String.join("\n", lines));

        CliRun pp = CliRun.run("postprocess", "--predictions", gt.toString(), "--output", tmp.resolve("post").toString(),
                "--strategy", "brats2023", "--ground-truth", gt.toString(), "--final-classes", "{\"WT\": [1, 2, 3]}");
        assertEquals(0, pp.code(), pp.err());
        assertTrue(pp.out().contains("WT_dice"), pp.out());
    }

    @Test void badInputsNameTheProblemAndExitNonZero() throws Exception {
        CliRun missing = CliRun.run("preprocess", "--results", tmp.resolve("none").toString(), "--numpy", tmp.resolve("np").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no such file") && missing.err().contains("config.json"), missing.err());

        Path broken = tmp.resolve("dataset.json");
        Files.writeString(broken, "{\"task\": \"x\", \"modality\": \"pet\", \"labels\": [1, 2]}");
        CliRun bad = CliRun.run("analyze", "--data", broken.toString(), "--results", tmp.resolve("r").toString());
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("dataset.json") && bad.err().contains("modality") && bad.err().contains("train-data"), bad.err());

        CliRun metric = CliRun.run("evaluate", "--predictions", tmp.toString(), "--ground-truth", tmp.toString(),
                "--final-classes", "{\"WT\": [1]}", "--metrics", "dice,bogus", "--output", tmp.resolve("r.csv").toString());
        assertEquals(2, metric.code());
        assertTrue(metric.err().contains("--metrics") && metric.err().contains("bogus") && metric.err().contains("haus95"), metric.err());
        assertFalse(Files.exists(tmp.resolve("r.csv")), "no half-written output");

        CliRun mode = CliRun.run("preprocess", "--results", tmp.toString(), "--numpy", tmp.toString(), "--intensity", "fancy");
        assertEquals(2, mode.code());
        assertTrue(mode.err().contains("--intensity") && mode.err().contains("percentile_rescale"), mode.err());
    }
}
