package org.voxelforge.train.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.voxelforge.data.dataset.CsvConverter;
import org.voxelforge.data.dataset.DatasetDescription;
import org.voxelforge.data.dataset.PatientCase;

/** The cases to predict: one image per modality each, and the ground-truth mask when known. */
public final class PredictionCases {
    public record Case(String id, List<Path> images, Path maskOrNull) {
        public Case {
            images = List.copyOf(images);
        }
    }

    private PredictionCases() {}

    /**
     * From a dataset.json (its test-data cases, or with {@code trainCases} its training cases) or
     * a CSV with an {@code id} column and one column per modality (MIST's test_paths.csv; a
     * {@code mask} column is kept when present; relative paths are against the CSV's folder).
     */
    public static List<Case> read(Path source, List<String> modalities, boolean trainCases) throws IOException {
        if (!Files.isRegularFile(source)) {
            throw new IllegalArgumentException("predict: --data " + source + " does not exist; give a dataset.json or a CSV with columns id,"
                    + String.join(",", modalities));
        }
        if (source.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json")) {
            DatasetDescription ds = DatasetDescription.load(source);
            if (!ds.modalities().equals(modalities)) {
                throw new IllegalArgumentException("predict: " + source + " has modalities " + ds.modalities() + " but the model was trained on "
                        + modalities + " (in that order)");
            }
            List<PatientCase> pcs = trainCases ? ds.trainCases() : ds.testCases();
            if (pcs.isEmpty()) {
                throw new IllegalArgumentException("predict: " + source + " lists no " + (trainCases ? "training" : "test") + " cases"
                        + (trainCases ? "" : "; add \"test-data\" to it or give a CSV"));
            }
            List<Case> out = new ArrayList<>();
            for (PatientCase pc : pcs) out.add(new Case(pc.id(), modalities.stream().map(pc.images()::get).toList(), pc.mask()));
            return out;
        }
        return fromCsv(source, modalities);
    }

    static List<Case> fromCsv(Path csv, List<String> modalities) throws IOException {
        List<String> lines = Files.readAllLines(csv).stream().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) throw new IllegalArgumentException("predict: " + csv + " is empty; expected a header id," + String.join(",", modalities));
        List<String> header = CsvConverter.split(lines.get(0)).stream().map(String::trim).toList();
        int idCol = header.indexOf("id"), maskCol = header.indexOf("mask");
        List<Integer> cols = new ArrayList<>();
        for (String m : modalities) cols.add(header.indexOf(m));
        if (idCol < 0 || cols.contains(-1)) {
            throw new IllegalArgumentException("predict: " + csv + " has columns " + header + "; expected id and one column per modality "
                    + modalities);
        }
        Path base = csv.toAbsolutePath().getParent();
        List<Case> out = new ArrayList<>();
        for (int r = 1; r < lines.size(); r++) {
            List<String> row = CsvConverter.split(lines.get(r));
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("predict: " + csv + " line " + (r + 1) + " has " + row.size() + " fields, the header "
                        + header.size());
            }
            List<Path> images = cols.stream().map(c -> base.resolve(row.get(c).trim())).toList();
            Path mask = maskCol >= 0 && !row.get(maskCol).isBlank() ? base.resolve(row.get(maskCol).trim()) : null;
            out.add(new Case(row.get(idCol).trim(), images, mask));
        }
        if (out.isEmpty()) throw new IllegalArgumentException("predict: " + csv + " lists no cases");
        return out;
    }
}
