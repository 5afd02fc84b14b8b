package org.voxelforge.cli;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** inspect: one training step's graph as text and DOT, with times, saved bytes and a summary line. */
class InspectCommandTest {
    @Test void printsTheGraphOfOneTrainingStepWithASummary() {
        CliRun r = CliRun.run("inspect", "--patch", "8", "--stages", "2", "--features", "2", "--channels", "2", "--classes", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("conv3d") || r.out().contains("conv"), r.out());
        assertTrue(r.out().contains(" fwd ") && r.out().contains(" bwd "), "node times are shown:\n" + r.out());
        assertTrue(r.out().contains("saved "), r.out());
        String last = r.out().strip().lines().reduce((x, y) -> y).orElseThrow();
        assertTrue(last.matches("unet 8\\^3 x 2 -> 3 classes, [\\d,]+ parameters: \\d+ op nodes, [\\d.]+ MiB saved for backward, step [\\d.]+ ms, peak tensor memory [\\d.]+ MiB"), last);

        CliRun dot = CliRun.run("inspect", "--format", "dot", "--model", "resenc", "--patch", "8", "--stages", "2", "--features", "2");
        assertEquals(0, dot.code(), dot.err());
        assertTrue(dot.out().startsWith("digraph autograd {"), dot.out());
        assertTrue(dot.out().strip().lines().reduce((x, y) -> y).orElseThrow().startsWith("// resenc 8^3"), dot.out());
    }

    @Test void badSettingsNameTheFlag() {
        CliRun patch = CliRun.run("inspect", "--patch", "12", "--stages", "4");
        assertEquals(2, patch.code());
        assertTrue(patch.err().contains("--patch 12") && patch.err().contains("8"), patch.err());
        CliRun format = CliRun.run("inspect", "--format", "svg");
        assertEquals(2, format.code());
        assertTrue(format.err().contains("--format") && format.err().contains("svg"), format.err());
        CliRun model = CliRun.run("inspect", "--model", "vit");
        assertEquals(2, model.code());
        assertTrue(model.err().contains("--model") && model.err().contains("vit"), model.err());
    }
}
