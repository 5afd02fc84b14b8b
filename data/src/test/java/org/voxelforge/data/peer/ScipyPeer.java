package org.voxelforge.data.peer;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs SciPy (Debian's, at /usr/bin/python3; install with .ci/install-scipy.sh) on arrays we
 * hand it as raw little-endian float64 files, and reads its float64 answer back.
 *
 * <p>When that Python cannot import SciPy the calling test is skipped with the reason printed,
 * except under {@code CI=true}, where a missing peer is a failure.
 */
public final class ScipyPeer {
    /** Debian's Python (the python3 on PATH may lack SciPy); -Dvoxelforge.python overrides it. */
    static final String PYTHON = System.getProperty("voxelforge.python", "/usr/bin/python3");

    private static final String SCRIPT = """
            import sys, json
            import numpy as np
            from scipy import ndimage
            shapes = []
            for spec in json.load(open(sys.argv[1])):
                a = np.fromfile(spec["input"], dtype="<f8").reshape(spec["shape"])
                if spec["op"] == "edt":
                    r = ndimage.distance_transform_edt(a != 0, sampling=spec["sampling"])
                elif spec["op"] == "zoom":
                    r = ndimage.zoom(a, spec["zoom"], order=spec["order"])
                else:
                    raise SystemExit("unknown op " + spec["op"])
                np.ascontiguousarray(r, dtype="<f8").tofile(spec["output"])
                shapes.append(list(r.shape))
            print(json.dumps(shapes))
            """;

    private static Boolean available;
    private static String unavailableReason;

    private ScipyPeer() {}

    /** Skips (or, under CI=true, fails) the calling test when the peer is missing. */
    public static void require() {
        if (available == null) probe();
        if (available) return;
        String msg = "SciPy peer unavailable: " + unavailableReason + " (run .ci/install-scipy.sh)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) fail(msg + "; CI=true requires it");
        System.out.println("SKIPPED: " + msg);
        Assumptions.abort(msg);
    }

    private static synchronized void probe() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import numpy, scipy.ndimage").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(60, TimeUnit.SECONDS)) { p.destroyForcibly(); unavailableReason = PYTHON + " timed out"; available = false; return; }
            available = p.exitValue() == 0;
            unavailableReason = available ? null : PYTHON + " cannot import scipy: " + out;
        } catch (IOException e) {
            available = false;
            unavailableReason = PYTHON + " cannot be started: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            available = false;
            unavailableReason = "interrupted";
        }
    }

    /** The result of one SciPy call: its shape and row-major values. */
    public record Result(int[] shape, double[] values) {}

    /** One SciPy call to make; {@link #run} makes a list of them in one Python process. */
    public record Call(String fields, double[] data, int[] dims) {
        /** {@code distance_transform_edt(mask != 0, sampling=spacing)}. */
        public static Call edt(double[] mask, int[] dims, double[] spacing) {
            return new Call("\"op\":\"edt\",\"sampling\":" + json(spacing), mask, dims);
        }

        /** {@code zoom(volume, factors, order=order)} with SciPy's defaults otherwise. */
        public static Call zoom(double[] volume, int[] dims, double[] factors, int order) {
            return new Call("\"op\":\"zoom\",\"order\":" + order + ",\"zoom\":" + json(factors), volume, dims);
        }
    }

    public static List<Result> run(List<Call> calls) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("scipy-peer");
        try {
            List<String> specs = new ArrayList<>();
            for (int c = 0; c < calls.size(); c++) {
                Call call = calls.get(c);
                Path in = dir.resolve("in" + c + ".f64"), out = dir.resolve("out" + c + ".f64");
                ByteBuffer buf = ByteBuffer.allocate(call.data().length * 8).order(ByteOrder.LITTLE_ENDIAN);
                for (double v : call.data()) buf.putDouble(v);
                Files.write(in, buf.array());
                specs.add("{" + call.fields() + ",\"shape\":" + json(call.dims()) + ",\"input\":\"" + in
                        + "\",\"output\":\"" + out + "\"}");
            }
            Path script = dir.resolve("peer.py"), specFile = dir.resolve("calls.json");
            Files.writeString(script, SCRIPT);
            Files.writeString(specFile, "[" + String.join(",", specs) + "]");
            Process p = new ProcessBuilder(PYTHON, script.toString(), specFile.toString()).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("SciPy peer failed: " + text);
            }
            String[] shapes = text.substring(2, text.length() - 2).split("\\],\\s*\\[");
            List<Result> results = new ArrayList<>();
            for (int c = 0; c < calls.size(); c++) {
                String[] parts = shapes[c].split(",\\s*");
                int[] shape = new int[parts.length];
                for (int i = 0; i < parts.length; i++) shape[i] = Integer.parseInt(parts[i].trim());
                ByteBuffer r = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("out" + c + ".f64"))).order(ByteOrder.LITTLE_ENDIAN);
                double[] values = new double[r.remaining() / 8];
                for (int i = 0; i < values.length; i++) values[i] = r.getDouble();
                results.add(new Result(shape, values));
            }
            return results;
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        }
    }

    private static String json(double[] a) {
        List<String> s = new ArrayList<>();
        for (double v : a) s.add(Double.toString(v));
        return "[" + String.join(",", s) + "]";
    }

    private static String json(int[] a) {
        List<String> s = new ArrayList<>();
        for (int v : a) s.add(Integer.toString(v));
        return "[" + String.join(",", s) + "]";
    }
}
