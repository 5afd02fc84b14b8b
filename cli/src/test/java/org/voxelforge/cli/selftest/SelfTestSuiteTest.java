package org.voxelforge.cli.selftest;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.cuda.CudaRuntime;
import org.voxelforge.core.io.Json;

/** The suite's verdicts: a wrong fast path and a throwing check fail, the others still run, exit code 1. */
class SelfTestSuiteTest {
    @TempDir Path tmp;

    /** A "fast" matmul with an off-by-one: it drops the last term of every dot product. */
    private static float[] brokenMatmul(float[] a, float[] b, int m, int n, int k) {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
            float s = 0;
            for (int p = 0; p < k - 1; p++) s += a[i * k + p] * b[p * n + j];
            c[i * n + j] = s;
        }
        return c;
    }

    private static SelfTestCheck brokenSgemmCheck() {
        return SelfTestCheck.of("broken sgemm", () -> {
            int m = 9, n = 7, k = 33;
            RandomGenerator rng = new RandomGenerator(5);
            float[] a = SgemmCheck.uniform(rng, m * k), b = SgemmCheck.uniform(rng, k * n);
            SgemmCheck.Reference ref = SgemmCheck.reference(a, false, k, b, m, n, k);
            ErrorBound.Worst w = ErrorBound.worstRatio(brokenMatmul(a, b, m, n, k), ref.want(), ref.scale());
            return SelfTestResult.compare("broken sgemm", w.ratio(), ErrorBound.float32SumBound(k), "worst " + w.where());
        });
    }

    @Test @SuppressWarnings("unchecked")
    void aWrongFastPathFailsWithItsErrorAndTheExitCodeIsOne() throws Exception {
        SelfTestCheck ok = SelfTestCheck.of("fine", () -> SelfTestResult.compare("fine", 1e-9, 1e-6, ""));
        SelfTestCheck throwing = SelfTestCheck.of("throws", () -> { throw new IllegalStateException("boom in the kernel"); });
        SelfTestSuite suite = new SelfTestSuite(List.of(brokenSgemmCheck(), throwing, ok));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Path json = tmp.resolve("r.json");
        int code = suite.runAndReport(new PrintStream(buf, true), json, Map.of("quick", true));
        String out = buf.toString();
        assertEquals(1, code, out);

        String broken = out.lines().filter(l -> l.startsWith("broken sgemm ")).findFirst().orElseThrow();
        assertTrue(broken.contains(" FAIL ") && broken.contains(" > tol "), broken);
        String thrown = out.lines().filter(l -> l.startsWith("throws ")).findFirst().orElseThrow();
        assertTrue(thrown.contains(" FAIL ") && thrown.contains("IllegalStateException: boom in the kernel"), thrown);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("fine ") && l.contains(" PASS ")), "later checks still run:\n" + out);
        assertTrue(out.contains("1 passed, 2 failed") && out.contains("FAILED (broken sgemm, throws)"), out);

        List<Map<String, Object>> results = (List<Map<String, Object>>) Json.parseObject(Files.readString(json), "r.json").get("results");
        Map<String, Object> r0 = results.getFirst();
        assertEquals("FAIL", r0.get("status"));
        // one dropped term of 33 is far beyond float32 rounding: the error is ~1/33 of the scale, the bound 35 * 2^-24
        assertTrue(((Number) r0.get("error")).doubleValue() > 1000 * ((Number) r0.get("tolerance")).doubleValue(), r0.toString());
        assertEquals(1L, ((Number) ((Map<String, Object>) Json.parseObject(Files.readString(json), "r.json").get("summary")).get("exitCode")).longValue());
    }

    @Test void theRealSgemmCheckPassesAndNanIsAFailure() throws Exception {
        SelfTestResult r = SelfTestSuite.runOne(SgemmCheck.of(31, 17, 65, true, 3));
        assertEquals(SelfTestResult.Status.PASS, r.status(), r.toString());
        assertTrue(r.millis() > 0);
        assertEquals(SelfTestResult.Status.FAIL, SelfTestResult.compare("nan", Double.NaN, 1, "").status());
        ErrorBound.Worst w = ErrorBound.worstRatio(new float[] {1, Float.NaN}, new double[] {1, 2}, new double[] {1, 2});
        assertEquals(Double.POSITIVE_INFINITY, w.ratio());
        assertEquals(1, w.index());
        // an element whose terms are all zero must be exactly zero
        assertEquals(Double.POSITIVE_INFINITY, ErrorBound.worstRatio(new float[] {1e-30f}, new double[] {0}, new double[] {0}).ratio());
    }

    @Test void ulpsCountsUnitsInTheLastPlaceOfTheReference() {
        assertEquals(0, ErrorBound.ulps(1f, 1.0));
        assertEquals(1, ErrorBound.ulps(Math.nextUp(1f), 1.0));
        assertEquals(2, ErrorBound.ulps(Math.nextDown(Math.nextDown(3f)), 3.0));
        assertEquals(0, ErrorBound.ulps(Float.NaN, Double.NaN));
        assertEquals(Double.POSITIVE_INFINITY, ErrorBound.ulps(Float.NaN, 1.0));
    }

    @Test void withoutCudaEveryCudaCheckSkipsWithTheReasonAndDeviceCudaFails() {
        CudaRuntime.Availability none = new CudaRuntime.Availability(false, "not found: CUDA driver (libcuda.so.1) in 9 places", 0, 0);
        List<SelfTestResult> skipped = new SelfTestSuite(CudaChecks.all(true, false, none)).run(r -> {});
        assertEquals(CudaChecks.NAMES.size(), skipped.size());
        for (SelfTestResult r : skipped) assertEquals(SelfTestResult.Status.SKIP, r.status(), r.toString());
        assertTrue(skipped.getFirst().detail().contains("libcuda.so.1"), skipped.getFirst().detail());
        assertEquals(0, SelfTestSuite.exitCode(skipped));

        List<SelfTestResult> required = new SelfTestSuite(CudaChecks.all(true, true, none)).run(r -> {});
        assertEquals(SelfTestResult.Status.FAIL, required.getFirst().status());
        assertTrue(required.getFirst().detail().contains("libcuda.so.1") && required.getFirst().detail().contains("--device cuda"));
        assertEquals(1, SelfTestSuite.exitCode(required));
    }

    @Test void philoxKnownAnswersPass() {
        assertEquals(SelfTestResult.Status.PASS, PhiloxChecks.knownAnswers().status());
    }
}
