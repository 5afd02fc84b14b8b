package org.voxelforge.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main command. The full-size demo (Dice >= 0.8 in minutes) is too long for the
 * suite; here it runs at a tiny size to check that every stage runs and writes its files, that a
 * second demo replaces the first, and the engine-only demo learns.
 */
class DemoCommandTest {
    @TempDir Path tmp;

    @Test void tinyPipelineDemoRunsEveryStage() throws Exception {
        Path out = tmp.resolve("demo");
        String[] args = {"demo", "--output", out.toString(), "--cases", "4", "--test-cases", "1", "--size", "24,24,20", "--epochs", "1",
                "--steps-per-epoch", "2", "--features", "4,16", "--min-dice", "0"};
        CliRun r = CliRun.run(args);
        assertEquals(0, r.code(), r.out() + r.err());
        for (String stage : new String[] {"$ voxelforge synth", "$ voxelforge run", "$ voxelforge predict", "$ voxelforge evaluate"}) {
            assertTrue(r.out().contains(stage), stage + "\n" + r.out());
        }
        Matcher m = Pattern.compile("test cases' mean whole-tumour \\(WT\\) Dice ([0-9.]+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Files.isRegularFile(out.resolve("results/results.csv")));
        assertTrue(Files.isRegularFile(out.resolve("results-test.csv")));
        try (var s = Files.list(out.resolve("predictions-test"))) {
            assertEquals(1, s.filter(p -> p.toString().endsWith(".nii.gz")).count());
        }
        CliRun again = CliRun.run(args); // an earlier demo's folder is replaced
        assertEquals(0, again.code(), again.out() + again.err());
    }

    @Test void refusesAForeignFolderAndBadFlags() throws Exception {
        Path foreign = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(foreign.resolve("notes.txt"), "keep me");
        CliRun r = CliRun.run("demo", "--output", foreign.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("not empty") && r.err().contains("mine"), r.err());
        assertTrue(Files.exists(foreign.resolve("notes.txt")));
        CliRun c = CliRun.run("demo", "--cases", "2");
        assertEquals(2, c.code());
        assertTrue(c.err().contains("--cases must be >= 4"), c.err());
    }

    @Test void engineDemoLearnsTheTumour() {
        CliRun r = CliRun.run("demo", "--engine");
        assertEquals(0, r.code(), r.out() + r.err());
        Matcher m = Pattern.compile("held-out whole-tumour Dice: ([0-9.]+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Double.parseDouble(m.group(1)) >= 0.9, r.out());
    }
}
