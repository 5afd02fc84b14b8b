package org.voxelforge.cli.selftest;

/**
 * The outcome of one self-test check. {@code error} and {@code tolerance} are NaN when the check
 * does not measure an error (a bitwise comparison that failed reports the mismatch count in
 * {@code detail} instead); {@code millis} is filled in by {@link SelfTestSuite}.
 */
public record SelfTestResult(String name, Status status, double millis, double error, double tolerance, String detail) {
    /** PASS and FAIL are verdicts; SKIP means the check could not run here; INFO only reports a fact. */
    public enum Status { PASS, FAIL, SKIP, INFO }

    public SelfTestResult {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("self-test result: a check needs a name");
        if (status == null) throw new IllegalArgumentException("self-test result " + name + ": status is null");
        detail = detail == null ? "" : detail;
    }

    public static SelfTestResult pass(String name, String detail) {
        return new SelfTestResult(name, Status.PASS, 0, Double.NaN, Double.NaN, detail);
    }

    public static SelfTestResult fail(String name, String detail) {
        return new SelfTestResult(name, Status.FAIL, 0, Double.NaN, Double.NaN, detail);
    }

    public static SelfTestResult skip(String name, String reason) {
        return new SelfTestResult(name, Status.SKIP, 0, Double.NaN, Double.NaN, reason);
    }

    public static SelfTestResult info(String name, String text) {
        return new SelfTestResult(name, Status.INFO, 0, Double.NaN, Double.NaN, text);
    }

    /** PASS when {@code error <= tolerance}, FAIL otherwise (a NaN error fails). */
    public static SelfTestResult compare(String name, double error, double tolerance, String detail) {
        boolean ok = error <= tolerance; // false for NaN
        return new SelfTestResult(name, ok ? Status.PASS : Status.FAIL, 0, error, tolerance, detail);
    }

    public boolean failed() { return status == Status.FAIL; }

    public boolean hasError() { return !Double.isNaN(error) || !Double.isNaN(tolerance); }

    SelfTestResult withMillis(double ms) { return new SelfTestResult(name, status, ms, error, tolerance, detail); }
}
