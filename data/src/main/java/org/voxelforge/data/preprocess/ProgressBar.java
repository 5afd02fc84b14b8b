package org.voxelforge.data.preprocess;

import java.io.PrintStream;

/** A one-line textual progress bar, redrawn in place: {@code [#####     ] 12/24 cases}. */
public final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final int total;
    private int done;

    public ProgressBar(PrintStream out, int total) {
        this.out = out;
        this.total = total;
        draw();
    }

    public synchronized void step() {
        done++;
        draw();
        if (done == total && out != null) out.println();
    }

    /** A message on its own line; the bar is drawn again under it. */
    public synchronized void message(String s) {
        if (out == null) return;
        out.print("\r" + " ".repeat(WIDTH + 24) + "\r");
        out.println(s);
        draw();
    }

    static String render(int done, int total) {
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        return "[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + done + "/" + total + " cases";
    }

    private void draw() {
        if (out == null) return;
        out.print("\r" + render(done, total));
        out.flush();
    }
}
