package org.voxelforge.data.dataset;

import java.util.List;

/**
 * Everything wrong with a dataset description, found in one pass: each problem is one line that
 * says what is wrong, where, and how to fix it. The message lists them all, so a user fixes the
 * whole file at once instead of one error per run.
 */
public final class DatasetException extends IllegalArgumentException {
    private final List<String> problems;

    public DatasetException(String source, List<String> problems) {
        super(format(source, problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() { return problems; }

    private static String format(String source, List<String> problems) {
        StringBuilder sb = new StringBuilder(source).append(": ").append(problems.size())
                .append(problems.size() == 1 ? " problem" : " problems").append(" in the dataset description:");
        for (int i = 0; i < problems.size(); i++) sb.append("\n  ").append(i + 1).append(". ").append(problems.get(i));
        return sb.toString();
    }
}
