package org.voxelforge.data.nifti;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs Debian's nibabel (/usr/bin/python3, not a pyenv python on PATH) on the reference script
 * and returns its per-file reports. Without the Debian packages the calling test is skipped
 * with the reason, unless CI=true, where they must be installed (.ci/install-test-deps.sh).
 */
final class NibabelReference {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path NIBABEL_DATA = Path.of("/usr/lib/python3/dist-packages/nibabel/tests/data");
    static final Path MRICRON = Path.of("/usr/share/mricron/templates");

    private NibabelReference() {}

    static void requireInstalled() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(PYTHON)) missing.add(PYTHON + " (python3)");
        if (!Files.isDirectory(NIBABEL_DATA)) missing.add(NIBABEL_DATA + " (python3-nibabel)");
        if (!Files.isDirectory(MRICRON)) missing.add(MRICRON + " (mricron-data)");
        if (missing.isEmpty()) return;
        String why = "reference data missing: " + String.join(", ", missing) + "; run .ci/install-test-deps.sh";
        if ("true".equals(System.getenv("CI"))) fail("CI=true requires the Debian test packages: " + why);
        System.out.println("SKIPPED nibabel comparisons: " + why);
        Assumptions.abort(why);
    }

    /** Generates nibabel's own files into {@code genDir} and reports on them and the Debian folders. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> run(Path genDir) throws IOException, InterruptedException {
        Path script = genDir.resolve("nibabel_reference.py");
        try (InputStream in = NibabelReference.class.getResourceAsStream("nibabel_reference.py")) {
            if (in == null) throw new IllegalStateException("test resource nibabel_reference.py is missing");
            Files.copy(in, script);
        }
        Path out = genDir.resolve("report.json");
        Path err = genDir.resolve("stderr.txt");
        Process p = new ProcessBuilder(PYTHON.toString(), script.toString(), genDir.resolve("gen").toString(),
                NIBABEL_DATA.toString(), MRICRON.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("nibabel reference script did not finish in 120 s");
        }
        if (p.exitValue() != 0) {
            fail("nibabel reference script failed (exit " + p.exitValue() + "):\n" + Files.readString(err, StandardCharsets.UTF_8));
        }
        return (List<Map<String, Object>>) org.voxelforge.core.io.Json.parse(Files.readString(out, StandardCharsets.UTF_8), "nibabel output");
    }

    /** nibabel's view of files we wrote. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> checkWritten(Path work, List<Path> files) throws IOException, InterruptedException {
        Path script = work.resolve("nibabel_check_written.py");
        try (InputStream in = NibabelReference.class.getResourceAsStream("nibabel_check_written.py")) {
            Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), script.toString()));
        for (Path f : files) cmd.add(f.toString());
        Path out = work.resolve("written.json");
        Path err = work.resolve("written-stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            fail("nibabel could not read the files we wrote:\n" + Files.readString(err, StandardCharsets.UTF_8));
        }
        return (List<Map<String, Object>>) org.voxelforge.core.io.Json.parse(Files.readString(out, StandardCharsets.UTF_8), "nibabel output");
    }

    static double[][] matrix(Object json) {
        List<?> rows = (List<?>) json;
        double[][] m = new double[rows.size()][];
        for (int i = 0; i < m.length; i++) {
            List<?> r = (List<?>) rows.get(i);
            m[i] = new double[r.size()];
            for (int j = 0; j < m[i].length; j++) m[i][j] = ((Number) r.get(j)).doubleValue();
        }
        return m;
    }

    static int[] ints(Object json) {
        List<?> l = (List<?>) json;
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = ((Number) l.get(i)).intValue();
        return a;
    }
}
