package org.voxelforge.train.metrics;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.voxelforge.core.io.AtomicFiles;

/**
 * Per-case metric rows plus MIST's summary rows (Mean, Std, 25pc, Median, 75pc), as results.csv
 * holds them. Summaries skip NaN values; Std is the population standard deviation (np.std) and
 * percentiles interpolate linearly (np.percentile).
 */
public record ResultsTable(List<String> columns, List<String> ids, List<double[]> rows) {
    public static final List<String> SUMMARY_ROWS = List.of("Mean", "Std", "25pc", "Median", "75pc");

    /** The values of one metric column over all cases. */
    public double[] column(String name) {
        int c = columns.indexOf(name);
        if (c < 0) throw new IllegalArgumentException("results: no column '" + name + "'; columns are " + columns);
        double[] v = new double[rows.size()];
        for (int r = 0; r < v.length; r++) v[r] = rows.get(r)[c];
        return v;
    }

    /** One summary row (a name from {@link #SUMMARY_ROWS}) over all columns. */
    public double[] summary(String which) {
        double[] out = new double[columns.size()];
        for (int c = 0; c < out.length; c++) {
            double[] v = Percentiles.finite(column(columns.get(c)));
            out[c] = switch (which) {
                case "Mean" -> Percentiles.mean(v);
                case "Std" -> Percentiles.std(v);
                case "25pc" -> Percentiles.linear(v, 25);
                case "Median" -> Percentiles.linear(v, 50);
                case "75pc" -> Percentiles.linear(v, 75);
                default -> throw new IllegalArgumentException("results: unknown summary row '" + which + "'; expected one of " + SUMMARY_ROWS);
            };
        }
        return out;
    }

    public String toCsv() {
        StringBuilder sb = new StringBuilder("id");
        for (String c : columns) sb.append(',').append(c);
        sb.append('\n');
        for (int r = 0; r < ids.size(); r++) appendRow(sb, ids.get(r), rows.get(r));
        for (String s : SUMMARY_ROWS) appendRow(sb, s, summary(s));
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, String id, double[] values) {
        sb.append(id);
        for (double v : values) sb.append(',').append(Double.isNaN(v) ? "" : Double.toString(v));
        sb.append('\n');
    }

    /** The summary rows as an aligned text table, one column per metric (what the CLI prints). */
    public String render() {
        int w = Math.max(8, columns.stream().mapToInt(String::length).max().orElse(8));
        StringBuilder sb = new StringBuilder(String.format(java.util.Locale.ROOT, "%-8s", ""));
        for (String c : columns) sb.append(String.format(java.util.Locale.ROOT, "  %" + w + "s", c));
        sb.append('\n');
        for (String s : SUMMARY_ROWS) {
            sb.append(String.format(java.util.Locale.ROOT, "%-8s", s));
            for (double v : summary(s)) sb.append(String.format(java.util.Locale.ROOT, "  %" + w + ".4f", v));
            sb.append('\n');
        }
        return sb.append("(").append(ids.size()).append(" cases)").toString();
    }

    /** Writes the table to a temporary name and renames it over {@code file}. */
    public void write(Path file) throws IOException { AtomicFiles.writeString(file, toCsv()); }

    public static List<String> columnNames(List<FinalClass> classes, List<Metric> metrics) {
        List<String> cols = new ArrayList<>();
        for (FinalClass c : classes) for (Metric m : metrics) cols.add(c.name() + "_" + m.column);
        return cols;
    }
}
