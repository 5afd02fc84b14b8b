package org.voxelforge.data.preprocess;

import java.util.List;
import java.util.Map;

/**
 * What a preprocessing run did: the cases written and, for each case that failed, its error.
 * The caller decides the exit status ({@link #exitCode()}: 0 when nothing failed, else 1).
 */
public record PreprocessReport(List<String> done, Map<String, String> failures) {
    public PreprocessReport {
        done = List.copyOf(done);
        failures = Map.copyOf(failures);
    }

    public int exitCode() { return failures.isEmpty() ? 0 : 1; }

    public String summary() {
        StringBuilder sb = new StringBuilder("preprocessed " + done.size() + " of " + (done.size() + failures.size())
                + " cases, " + failures.size() + " failed");
        failures.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> sb.append("\n  ").append(e.getKey()).append(": ").append(e.getValue()));
        return sb.toString();
    }
}
