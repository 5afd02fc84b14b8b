package org.voxelforge.cli.selftest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.voxelforge.core.io.AtomicFiles;
import org.voxelforge.core.io.Json;

/**
 * Runs a list of checks in order, one at a time, timing each. A check that throws becomes a
 * FAIL whose detail is the exception; one failure never stops the others, because on a new
 * machine the full list of what works and what does not is the point.
 */
public final class SelfTestSuite {
    private final List<SelfTestCheck> checks;

    public SelfTestSuite(List<SelfTestCheck> checks) { this.checks = List.copyOf(checks); }

    public List<SelfTestCheck> checks() { return checks; }

    /** Runs every check, handing each result to {@code onResult} as soon as it is known. */
    public List<SelfTestResult> run(Consumer<SelfTestResult> onResult) {
        List<SelfTestResult> out = new ArrayList<>(checks.size());
        for (SelfTestCheck c : checks) {
            SelfTestResult r = runOne(c);
            out.add(r);
            onResult.accept(r);
        }
        return out;
    }

    /**
     * Runs every check printing one line each to {@code out}, then the summary; writes the JSON
     * report when {@code json} is not null. Returns the exit code ({@link #exitCode}).
     */
    public int runAndReport(PrintStream out, Path json, Map<String, Object> settings) throws IOException {
        long t0 = System.nanoTime();
        List<SelfTestResult> results = run(r -> out.println(SelfTestReport.line(r)));
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.println(SelfTestReport.summary(results, seconds));
        if (json != null) {
            AtomicFiles.writeString(json, Json.writePretty(SelfTestReport.toJson(results, settings, seconds)));
            out.println("results written to " + json);
        }
        return exitCode(results);
    }

    /** One check, timed; exceptions and errors (a missing native symbol is a LinkageError) become a FAIL. */
    public static SelfTestResult runOne(SelfTestCheck c) {
        long t0 = System.nanoTime();
        SelfTestResult r;
        try {
            r = c.run();
            if (r == null) r = SelfTestResult.fail(c.name(), "the check returned no result");
        } catch (Throwable t) {
            r = SelfTestResult.fail(c.name(), describe(t));
        }
        return r.withMillis((System.nanoTime() - t0) / 1e6);
    }

    /** "IllegalStateException: message (at Class.method:line)": enough to find where it broke. */
    static String describe(Throwable t) {
        String msg = t.getMessage() == null ? "" : ": " + t.getMessage();
        StackTraceElement[] st = t.getStackTrace();
        String where = st.length == 0 ? "" : " (at " + st[0].getClassName().replaceAll(".*\\.", "") + "." + st[0].getMethodName()
                + ":" + st[0].getLineNumber() + ")";
        return t.getClass().getSimpleName() + msg + where;
    }

    /** 0 when nothing failed, 1 otherwise. */
    public static int exitCode(List<SelfTestResult> results) {
        return results.stream().anyMatch(SelfTestResult::failed) ? 1 : 0;
    }

    public static long count(List<SelfTestResult> results, SelfTestResult.Status s) {
        return results.stream().filter(r -> r.status() == s).count();
    }
}
