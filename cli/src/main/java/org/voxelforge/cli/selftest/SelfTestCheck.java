package org.voxelforge.cli.selftest;

import java.util.concurrent.Callable;

/**
 * One self-test check: a name and a computation that compares a fast path with an independent
 * reference and says how far apart they are. {@link SelfTestSuite} times it and turns an
 * exception into a FAIL with the exception's message.
 */
public interface SelfTestCheck {
    String name();

    /** Runs the check. The result's name should be {@link #name()}; the suite overwrites nothing but the time. */
    SelfTestResult run() throws Exception;

    /** A check from a name and a body. */
    static SelfTestCheck of(String name, Callable<SelfTestResult> body) {
        return new SelfTestCheck() {
            @Override public String name() { return name; }
            @Override public SelfTestResult run() throws Exception { return body.call(); }
            @Override public String toString() { return name; }
        };
    }

    /** A check that does not run here, with the reason (e.g. no CUDA device). */
    static SelfTestCheck skipped(String name, String reason) {
        return of(name, () -> SelfTestResult.skip(name, reason));
    }
}
