package org.voxelforge.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's main command, at a small size: it must learn, report Dice, and refuse bad flags. */
class DemoCommandTest {
    @Test void smallDemoLearnsTheTumour() {
        CliRun r = CliRun.run("demo", "--size", "24", "--steps", "60");
        assertEquals(0, r.code(), r.out() + r.err());
        Matcher m = Pattern.compile("held-out whole-tumour Dice: ([0-9.]+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Double.parseDouble(m.group(1)) >= 0.9, r.out());
    }

    @Test void badFlagsNameTheFlag() {
        CliRun r = CliRun.run("demo", "--steps", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--steps must be >= 1"), r.err());
        CliRun s = CliRun.run("demo", "--size", "4");
        assertEquals(2, s.code());
        assertTrue(s.err().contains("--size must be in 8..256"), s.err());
    }
}
