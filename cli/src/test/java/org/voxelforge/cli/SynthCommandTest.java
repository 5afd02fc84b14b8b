package org.voxelforge.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.core.io.Json;

class SynthCommandTest {
    @TempDir Path tmp;

    @Test void writesASmallDatasetWithItsDescription() throws Exception {
        Path out = tmp.resolve("synth");
        CliRun r = CliRun.run("synth", "--output", out.toString(), "--cases", "2", "--size", "24,24,20", "--seed", "5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote 2 training cases"), r.out());
        Map<String, Object> d = Json.parseObject(Files.readString(out.resolve("dataset.json")), "dataset.json");
        assertEquals("train", d.get("train-data"));
        for (String id : new String[] {"synth_0000", "synth_0001"}) {
            for (String m : new String[] {"t1", "t1c", "t2", "flair", "seg"}) {
                assertTrue(Files.isRegularFile(out.resolve("train").resolve(id).resolve(id + "_" + m + ".nii.gz")), id + " " + m);
            }
        }
    }

    @Test void refusesANonEmptyFolderNamingItAndTheFlag() throws Exception {
        Files.writeString(tmp.resolve("keep.txt"), "x");
        CliRun r = CliRun.run("synth", "--output", tmp.toString(), "--cases", "1", "--size", "16,16,16");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains(tmp.toString()) && r.err().contains("--overwrite") && r.err().contains("not empty"), r.err());
        assertFalse(Files.exists(tmp.resolve("dataset.json")));
    }

    @Test void badFlagsNameTheFlagAndTheAcceptedValues() {
        CliRun size = CliRun.run("synth", "--output", tmp.resolve("a").toString(), "--size", "64,64");
        assertNotEquals(0, size.code());
        assertTrue(size.err().contains("--size") && size.err().contains("64,64,48"), size.err());
        CliRun cases = CliRun.run("synth", "--output", tmp.resolve("b").toString(), "--cases", "0");
        assertNotEquals(0, cases.code());
        assertTrue(cases.err().contains("--cases must be in 1.."), cases.err());
        CliRun test = CliRun.run("synth", "--output", tmp.resolve("c").toString(), "--test-cases", "-1");
        assertTrue(test.code() != 0 && test.err().contains("--test-cases"), test.err());
    }
}
