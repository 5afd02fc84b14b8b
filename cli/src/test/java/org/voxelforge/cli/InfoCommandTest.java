package org.voxelforge.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class InfoCommandTest {
    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            assertEquals(0, Main.run(args));
        } finally {
            System.setOut(old);
        }
        return buf.toString();
    }

    @Test void infoHasACudaLineWithAvailabilityOrTheReason() {
        String out = run("info");
        assertTrue(out.lines().anyMatch(l -> l.startsWith("cuda:") && (l.contains("available,") || l.contains("unavailable: "))), out);
        assertFalse(out.contains("cuda libraries:"));
    }

    @Test void infoCudaListsEveryLibrary() {
        String out = run("info", "--cuda");
        for (String lib : new String[] {"CUDA driver", "cuBLASLt", "cuBLAS", "cuDNN", "NCCL", "NVRTC"}) {
            assertTrue(out.contains("  " + lib + ":"), lib + " missing from\n" + out);
        }
    }
}
