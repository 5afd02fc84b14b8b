package org.voxelforge.autograd;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Shows the graph below a Variable: as an indented text tree ({@link #text}) and as Graphviz
 * DOT ({@link #dot}; render with {@code dot -Tsvg graph.dot > graph.svg}). Each op node shows
 * its id, op, output dtype and shape, the bytes it saved for backward, and, when recorded under
 * {@link OpTiming}, its forward and backward time. A node reached a second time (its output
 * was used twice) is printed once and then referred to by id.
 */
public final class GraphInspector {
    private static final int MAX_INDENT = 40;

    private GraphInspector() {}

    /** One line per Variable, children indented under the op that consumed them. */
    public static String text(Variable root) {
        StringBuilder sb = new StringBuilder();
        Map<Node, Boolean> printed = new IdentityHashMap<>();
        // explicit stack, no recursion: each entry is a Variable still to print
        List<Line> stack = new ArrayList<>();
        stack.add(new Line(root, "", ""));
        int nodes = 0;
        long saved = 0, fwd = 0, bwd = 0;
        while (!stack.isEmpty()) {
            Line line = stack.remove(stack.size() - 1);
            Variable v = line.v();
            String lead = line.lead(), childLead = line.childLead();
            Node n = v.node();
            if (n == null) {
                sb.append(lead).append(leafLabel(v)).append('\n');
                continue;
            }
            if (printed.put(n, Boolean.TRUE) != null) {
                sb.append(lead).append('#').append(n.id()).append(' ').append(n.op()).append(" (shown above)\n");
                continue;
            }
            nodes++;
            saved += n.savedBytes();
            fwd += Math.max(0, n.forwardNanos());
            bwd += Math.max(0, n.backwardNanos());
            sb.append(lead).append(nodeLabel(v, n)).append('\n');
            List<Variable> ins = n.inputs();
            // indentation stops growing after MAX_INDENT levels, so a deep chain prints in linear time
            boolean deep = childLead.length() >= 3 * MAX_INDENT;
            for (int i = ins.size() - 1; i >= 0; i--) { // pushed in reverse so input 0 prints first
                boolean last = i == ins.size() - 1;
                String grand = deep ? childLead : childLead + (last ? "   " : "|  ");
                stack.add(new Line(ins.get(i), childLead + (last ? "`- " : "+- "), grand));
            }
        }
        sb.append(nodes).append(" op nodes, ").append(bytes(saved)).append(" saved");
        if (fwd > 0 || bwd > 0) sb.append(", forward ").append(millis(fwd)).append(", backward ").append(millis(bwd));
        return sb.append('\n').toString();
    }

    /** A Variable to print, the prefix of its own line, and the prefix its inputs' lines continue. */
    private record Line(Variable v, String lead, String childLead) {}

    /** The graph in Graphviz DOT: boxes for ops, ellipses for leaves, edges from input to op. */
    public static String dot(Variable root) {
        StringBuilder sb = new StringBuilder("digraph autograd {\n  rankdir=BT;\n  node [fontname=\"monospace\"];\n");
        Map<Object, String> ids = new IdentityHashMap<>();
        List<Node> ops = new ArrayList<>(); // in discovery order, so the output is stable
        List<Variable> todo = new ArrayList<>();
        todo.add(root);
        while (!todo.isEmpty()) {
            Variable v = todo.remove(todo.size() - 1);
            Object key = v.node() != null ? v.node() : v;
            if (ids.containsKey(key)) continue;
            String id = "n" + ids.size();
            ids.put(key, id);
            if (v.node() == null) {
                sb.append("  ").append(id).append(" [shape=ellipse, label=\"").append(escape(leafLabel(v).replace("  ", "\\n"))).append("\"];\n");
                continue;
            }
            sb.append("  ").append(id).append(" [shape=box, label=\"")
                    .append(escape(nodeLabel(v, v.node()).replace("  ", "\\n"))).append("\"];\n");
            ops.add(v.node());
            todo.addAll(v.node().inputs());
        }
        // edges once all ids exist
        for (Node n : ops) {
            for (Variable in : n.inputs()) {
                Object key = in.node() != null ? in.node() : in;
                sb.append("  ").append(ids.get(key)).append(" -> ").append(ids.get(n)).append(";\n");
            }
        }
        return sb.append("}\n").toString();
    }

    private static String nodeLabel(Variable v, Node n) {
        StringBuilder sb = new StringBuilder();
        sb.append('#').append(n.id()).append(' ').append(n.op());
        if (v.name() != null) sb.append(" '").append(v.name()).append('\'');
        sb.append("  ").append(n.outputDtype().label()).append(n.outputShape());
        sb.append("  saved ").append(bytes(n.savedBytes()));
        if (n.isReleased() && n.savedBytes() > 0) sb.append(" (freed)");
        if (n.forwardNanos() >= 0) sb.append("  fwd ").append(millis(n.forwardNanos()));
        if (n.backwardNanos() >= 0) sb.append("  bwd ").append(millis(n.backwardNanos()));
        return sb.toString();
    }

    private static String leafLabel(Variable v) {
        String who = v.name() != null ? "'" + v.name() + "' " : "";
        String kind = v.requiresGrad() ? "leaf (requires grad)" : "constant";
        return who + kind + "  " + v.dtype().label() + v.shape();
    }

    private static String bytes(long b) {
        if (b < 10_000) return b + " B";
        if (b < 10_000_000) return (b / 1024) + " KiB";
        return (b / (1024 * 1024)) + " MiB";
    }

    private static String millis(long nanos) { return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6); }

    private static String escape(String s) { return s.replace("\"", "\\\""); }
}
