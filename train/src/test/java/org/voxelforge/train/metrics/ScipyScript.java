package org.voxelforge.train.metrics;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a Python script under Debian's /usr/bin/python3 (the python3 on PATH may lack SciPy) with
 * one int32 little-endian input file and returns the float64 values it writes. Skips the test
 * with a printed reason when SciPy cannot be imported, except under CI=true, where that fails.
 */
public final class ScipyScript {
    static final String PYTHON = System.getProperty("voxelforge.python", "/usr/bin/python3");
    private static String unavailable;
    private static boolean probed;

    private ScipyScript() {}

    public static synchronized void require() {
        if (!probed) {
            probed = true;
            try {
                Process p = new ProcessBuilder(PYTHON, "-c", "import numpy, scipy.ndimage").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) unavailable = PYTHON + " cannot import scipy: " + out;
            } catch (IOException | InterruptedException e) {
                unavailable = PYTHON + " cannot be started: " + e.getMessage();
            }
        }
        if (unavailable == null) return;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("SciPy reference unavailable: " + unavailable + "; CI=true requires it");
        System.out.println("SKIPPED: SciPy reference unavailable: " + unavailable);
        Assumptions.abort(unavailable);
    }

    /** Runs {@code script} as {@code python script in.i32 out.f64}; returns out.f64. */
    public static double[] run(String script, int[] input) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("scipy-ref");
        Path py = dir.resolve("ref.py"), in = dir.resolve("in.i32"), out = dir.resolve("out.f64");
        try {
            ByteBuffer b = ByteBuffer.allocate(input.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int v : input) b.putInt(v);
            Files.write(in, b.array());
            Files.writeString(py, script);
            Process p = new ProcessBuilder(PYTHON, py.toString(), in.toString(), out.toString()).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("SciPy reference failed: " + text);
            ByteBuffer r = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
            double[] v = new double[r.remaining() / 8];
            for (int i = 0; i < v.length; i++) v[i] = r.getDouble();
            return v;
        } finally {
            for (Path f : new Path[] {py, in, out}) Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        }
    }
}
