package org.voxelforge.train.trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.voxelforge.core.io.AtomicFiles;

/**
 * The per-epoch CSV of a run ({@code epoch,train_loss,val_dice,lr,seconds}; val_dice empty
 * when the epoch was not validated), rewritten whole and atomically after each epoch so that
 * a crash never leaves half a line. A resumed run keeps the rows of the epochs it keeps.
 */
public final class TrainingLog {
    static final String HEADER = "epoch,train_loss,val_dice,lr,seconds";

    /** One epoch; valDice is NaN when not validated. */
    public record Row(int epoch, double trainLoss, double valDice, double lr, double seconds) {
        String csv() {
            return String.format(Locale.ROOT, "%d,%.6f,%s,%.6g,%.3f", epoch, trainLoss,
                    Double.isNaN(valDice) ? "" : String.format(Locale.ROOT, "%.6f", valDice), lr, seconds);
        }

        static Row parse(String line, Path file) {
            String[] f = line.split(",", -1);
            if (f.length != 5) throw new IllegalArgumentException(file + ": log line '" + line + "' does not have the 5 fields " + HEADER);
            return new Row(Integer.parseInt(f[0]), Double.parseDouble(f[1]), f[2].isEmpty() ? Double.NaN : Double.parseDouble(f[2]),
                    Double.parseDouble(f[3]), Double.parseDouble(f[4]));
        }
    }

    private final Path file;
    private final List<Row> rows = new ArrayList<>();

    TrainingLog(Path file) { this.file = file; }

    /** Reads the rows of epochs {@code < epochsDone} from an existing log (a resume). */
    void keepFromFile(int epochsDone) throws IOException {
        rows.clear();
        if (!Files.isRegularFile(file)) return;
        List<String> lines = Files.readAllLines(file);
        for (String l : lines.subList(Math.min(1, lines.size()), lines.size())) {
            if (l.isBlank()) continue;
            Row r = Row.parse(l, file);
            if (r.epoch() < epochsDone) rows.add(r);
        }
    }

    void append(Row r) throws IOException {
        rows.add(r);
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        for (Row x : rows) b.append(x.csv()).append('\n');
        AtomicFiles.writeString(file, b.toString());
    }

    List<Row> rows() { return List.copyOf(rows); }
}
