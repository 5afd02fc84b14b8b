package org.voxelforge.nn.optim;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.nn.optim.OptimTestSupport.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.DType;

/**
 * Parity with torch.optim (Debian's python3-torch under /usr/bin/python3, installed by
 * .ci/install-torch.sh): the same float32 parameters and the same fixed gradients, N steps,
 * compared element by element. Skipped with the reason printed when torch is missing, unless
 * CI=true, where a missing torch fails the test.
 */
class TorchParityTest {
    static final String PYTHON = "/usr/bin/python3";
    static final int N = 7, STEPS = 10; // RAdam with beta2 0.999 switches to its rectified step at step 6
    static final double REL_TOL = 2e-6;
    static String skipReason;
    /** Each test's torch constructor, run together in one Python process (importing torch takes seconds). */
    static final Map<String, String> CTORS = new LinkedHashMap<>();
    static final Map<String, double[]> TORCH = new HashMap<>();

    static {
        CTORS.put("sgdNesterov", "torch.optim.SGD([p], lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)");
        CTORS.put("sgdMomentumDampening", "torch.optim.SGD([p], lr=0.05, momentum=0.8, dampening=0.25)");
        CTORS.put("adam", "torch.optim.Adam([p], lr=0.01, weight_decay=0.1)");
        CTORS.put("adamAmsgrad", "torch.optim.Adam([p], lr=0.01, betas=(0.8, 0.9), amsgrad=True)");
        CTORS.put("adamw", "torch.optim.AdamW([p], lr=0.01, weight_decay=0.1)");
        CTORS.put("radam", "torch.optim.RAdam([p], lr=0.01, weight_decay=0.05)");
    }

    @BeforeAll static void probeTorch() throws Exception {
        try {
            // find_spec is instant; importing torch takes seconds, so the real import happens once, in torchRun
            Process pr = new ProcessBuilder(PYTHON, "-c",
                    "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('torch') else 'no module named torch')").redirectErrorStream(true).start();
            String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!pr.waitFor(60, TimeUnit.SECONDS) || pr.exitValue() != 0) skipReason = PYTHON + " cannot import torch: " + out.strip();
        } catch (IOException | InterruptedException e) {
            skipReason = PYTHON + " is not runnable: " + e.getMessage();
        }
        if (skipReason != null) {
            String msg = "TorchParityTest skipped: " + skipReason + " (run .ci/install-torch.sh)";
            if ("true".equals(System.getenv("CI"))) fail(msg + "; CI=true requires torch");
            System.out.println(msg);
            return;
        }
        TORCH.putAll(torchRun());
    }

    static double[] p0() {
        double[] p = new double[N];
        for (int i = 0; i < N; i++) p[i] = (float) (0.37 * i - 1.1 + 0.05 * i * i);
        return p;
    }

    static String pyList(double[] xs) {
        StringBuilder sb = new StringBuilder("[");
        for (double x : xs) sb.append(String.format(Locale.ROOT, "%.17g", x)).append(',');
        return sb.append(']').toString();
    }

    /** Runs every torch optimizer of {@link #CTORS} over the fixed gradients; returns the final values by test name. */
    static Map<String, double[]> torchRun() throws Exception {
        StringBuilder py = new StringBuilder("import torch\n");
        py.append("grads = [");
        for (int t = 0; t < STEPS; t++) py.append("torch.tensor(").append(pyList(f32(fixedGrads(N, t)))).append(", dtype=torch.float32),");
        py.append("]\n");
        for (Map.Entry<String, String> e : CTORS.entrySet()) {
            py.append("p = torch.nn.Parameter(torch.tensor(").append(pyList(p0())).append(", dtype=torch.float32))\n");
            py.append("opt = ").append(e.getValue()).append("\n");
            py.append("for g in grads:\n    p.grad = g.clone()\n    opt.step()\n");
            py.append("print('").append(e.getKey()).append("', ' '.join(repr(float(x)) for x in p.detach()))\n");
        }
        Path script = Files.createTempFile("voxelforge-optim-parity", ".py");
        try {
            Files.writeString(script, py);
            Process pr = new ProcessBuilder(PYTHON, script.toString()).redirectErrorStream(true).start();
            String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertTrue(pr.waitFor(120, TimeUnit.SECONDS), "python timed out");
            assertEquals(0, pr.exitValue(), "python failed:\n" + out + "\nscript:\n" + py);
            Map<String, double[]> result = new HashMap<>();
            for (String line : out.split("\n")) {
                String[] parts = line.trim().split(" ");
                if (!CTORS.containsKey(parts[0])) continue;
                double[] r = new double[parts.length - 1];
                for (int i = 1; i < parts.length; i++) r[i - 1] = Double.parseDouble(parts[i]);
                result.put(parts[0], r);
            }
            assertEquals(CTORS.keySet(), result.keySet(), "python output:\n" + out);
            return result;
        } finally {
            Files.deleteIfExists(script);
        }
    }

    static double[] javaRun(Function<List<Variable>, Optimizer> make) {
        Variable p = param("p", DType.FLOAT32, p0());
        try (Optimizer opt = make.apply(List.of(p))) {
            for (int t = 0; t < STEPS; t++) {
                setGrad(p, f32(fixedGrads(N, t)));
                opt.step();
            }
            return values(p);
        } finally {
            close(p);
        }
    }

    static void compare(String test, Function<List<Variable>, Optimizer> make) {
        Assumptions.assumeTrue(skipReason == null, () -> "skipped: " + skipReason);
        String ctor = CTORS.get(test);
        double[] want = TORCH.get(test), got = javaRun(make);
        assertEquals(want.length, got.length);
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            if (Math.abs(want[i] - got[i]) > REL_TOL * Math.max(1, Math.abs(want[i]))) bad.add(i + ": torch " + want[i] + " vs " + got[i]);
        }
        assertTrue(bad.isEmpty(), ctor + " differs from torch at " + bad);
        // not a vacuous match: the parameters moved
        assertNotEquals(p0()[1], got[1], 1e-4);
    }

    @Test void sgdNesterov() {
        compare("sgdNesterov", ps -> new SGD(ps, 0.05, 0.9, true, 0.01));
    }

    @Test void sgdMomentumDampening() {
        compare("sgdMomentumDampening", ps -> new SGD(ParamGroup.of(ps).set("lr", 0.05).set("momentum", 0.8).set("dampening", 0.25)));
    }

    @Test void adam() {
        compare("adam", ps -> new Adam(ParamGroup.of(ps).set("lr", 0.01).set("weight_decay", 0.1)));
    }

    @Test void adamAmsgrad() {
        compare("adamAmsgrad", ps -> new Adam(ParamGroup.of(ps).set("lr", 0.01).set("beta1", 0.8).set("beta2", 0.9).set("amsgrad", true)));
    }

    @Test void adamw() {
        compare("adamw", ps -> new AdamW(ps, 0.01, 0.1));
    }

    @Test void radam() {
        compare("radam", ps -> new RAdam(ParamGroup.of(ps).set("lr", 0.01).set("weight_decay", 0.05)));
    }
}
