package org.voxelforge.nn.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.voxelforge.autograd.Variable;
import org.voxelforge.core.Tensor;

/**
 * Finds parameters whose gradient holds NaN or Inf, so that a run that diverges stops with a
 * message naming them instead of silently writing NaN into every weight.
 */
public final class NonFiniteGradients {
    private NonFiniteGradients() {}

    /** One parameter with non-finite gradient entries. */
    public record Report(String name, long nan, long inf, long numel) {
        @Override public String toString() {
            return name + " (" + nan + " NaN, " + inf + " Inf of " + numel + ")";
        }
    }

    /** Parameters (by name) whose gradient has a NaN or an Inf; parameters without gradient are skipped. */
    public static List<Report> find(Map<String, Variable> named) {
        List<Report> out = new ArrayList<>();
        for (Map.Entry<String, Variable> e : named.entrySet()) {
            Tensor g = e.getValue().grad();
            if (g == null) continue;
            Elements el = new Elements(g, "NonFiniteGradients");
            long nan = 0, inf = 0, n = g.numel();
            for (long i = 0; i < n; i++) {
                double v = el.get(i);
                if (Double.isNaN(v)) nan++;
                else if (Double.isInfinite(v)) inf++;
            }
            if (nan + inf > 0) out.add(new Report(e.getKey(), nan, inf, n));
        }
        return out;
    }

    /**
     * Throws {@link IllegalStateException} naming the offending parameters when {@code norm}
     * (a gradient norm, e.g. from {@link GradClipping#clipGradNorm}) is not finite.
     */
    public static void requireFinite(double norm, Map<String, Variable> named, String when) {
        if (Double.isFinite(norm)) return;
        List<Report> bad = find(named);
        String who = bad.isEmpty() ? "no single gradient holds NaN/Inf; the norm overflowed (gradients too large)" : "parameters with NaN/Inf gradients: " + bad;
        throw new IllegalStateException("non-finite gradient norm " + norm + (when == null || when.isEmpty() ? "" : " " + when) + "; " + who);
    }

    /** Names for a plain list: the Variable's name, else {@code param#i}. */
    static Map<String, Variable> named(List<Variable> params) {
        Map<String, Variable> out = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            Variable p = params.get(i);
            String n = p.name() != null ? p.name() : "param#" + i;
            if (out.containsKey(n)) n = n + "#" + i;
            out.put(n, p);
        }
        return out;
    }
}
