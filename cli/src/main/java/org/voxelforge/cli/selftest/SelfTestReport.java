package org.voxelforge.cli.selftest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The text lines and the JSON document of a self-test run. */
public final class SelfTestReport {
    private SelfTestReport() {}

    /** Wide enough for the longest check name ("emulator fused region losses (tversky, focal, boundary) vs twin"). */
    static final int NAME_WIDTH = 64;

    /** "name  PASS  12 ms  error 3.1e-08 <= 7.8e-06  detail"; a FAIL shows "error ... > tolerance". */
    public static String line(SelfTestResult r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-" + NAME_WIDTH + "s %-4s", r.name(), r.status()));
        if (r.status() != SelfTestResult.Status.INFO) b.append(String.format(Locale.ROOT, " %8s", time(r.millis())));
        if (r.hasError()) {
            boolean within = r.error() <= r.tolerance();
            b.append(String.format(Locale.ROOT, "  error %s %s tol %s", num(r.error()), within ? "<=" : ">", num(r.tolerance())));
        }
        if (!r.detail().isEmpty()) b.append("  ").append(r.detail());
        return b.toString();
    }

    /** "selftest: 21 passed, 0 failed, 7 skipped (4 info) in 3.2 s: OK" (or FAILED with the failed names). */
    public static String summary(List<SelfTestResult> results, double seconds) {
        long pass = SelfTestSuite.count(results, SelfTestResult.Status.PASS), fail = SelfTestSuite.count(results, SelfTestResult.Status.FAIL),
                skip = SelfTestSuite.count(results, SelfTestResult.Status.SKIP), info = SelfTestSuite.count(results, SelfTestResult.Status.INFO);
        String s = String.format(Locale.ROOT, "selftest: %d passed, %d failed, %d skipped (%d info) in %.1f s: ", pass, fail, skip, info, seconds);
        if (fail == 0) return s + "OK";
        List<String> failed = results.stream().filter(SelfTestResult::failed).map(SelfTestResult::name).toList();
        return s + "FAILED (" + String.join(", ", failed) + ")";
    }

    /** The run as a JSON-ready map ({@link org.voxelforge.core.io.Json#writePretty}); absent errors are null. */
    public static Map<String, Object> toJson(List<SelfTestResult> results, Map<String, Object> settings, double seconds) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("settings", settings);
        List<Object> list = new ArrayList<>();
        for (SelfTestResult r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.name());
            m.put("status", r.status().name());
            m.put("millis", round(r.millis()));
            m.put("error", finiteOrNull(r.error()));
            m.put("tolerance", finiteOrNull(r.tolerance()));
            m.put("detail", r.detail());
            list.add(m);
        }
        root.put("results", list);
        Map<String, Object> sum = new LinkedHashMap<>();
        for (SelfTestResult.Status s : SelfTestResult.Status.values()) sum.put(s.name().toLowerCase(Locale.ROOT), SelfTestSuite.count(results, s));
        sum.put("seconds", round(seconds * 1000) / 1000);
        sum.put("exitCode", (long) SelfTestSuite.exitCode(results));
        root.put("summary", sum);
        return root;
    }

    private static Object finiteOrNull(double v) {
        // JSON has no NaN or infinity: an infinite error (a NaN where a number was expected) is written as a string
        if (Double.isNaN(v)) return null;
        if (Double.isInfinite(v)) return v > 0 ? "Infinity" : "-Infinity";
        return v;
    }

    private static double round(double ms) { return Math.round(ms * 1000) / 1000.0; }

    private static String time(double ms) {
        return ms < 10 ? String.format(Locale.ROOT, "%.1f ms", ms) : ms < 10_000 ? String.format(Locale.ROOT, "%.0f ms", ms)
                : String.format(Locale.ROOT, "%.1f s", ms / 1000);
    }

    static String num(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return "0";
        return String.format(Locale.ROOT, "%.2e", v);
    }
}
