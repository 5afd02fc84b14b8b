package org.voxelforge.data.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.voxelforge.data.nifti.NiftiImage;
import org.voxelforge.data.nifti.NiftiReader;

/**
 * Converts a CSV of paths to MIST's layout. The header row is {@code id,mask,<modality>,...}
 * (MIST's CSV format); each row names one patient's mask and images, absolute or relative to the
 * CSV's folder. A test CSV may omit the mask column. Files are copied to
 * {@code <dest>/raw/train/<id>/<modality>.nii[.gz]} and {@code mask.nii[.gz]} (the source's extension;
 * the patterns are {@code <modality>.nii}, which match both), and
 * {@code <dest>/dataset.json} is written with the labels found in the masks (each non-zero label
 * its own final class, named {@code label_<k>}).
 */
public final class CsvConverter {
    private CsvConverter() {}

    public static DatasetDescription convert(Path trainCsv, Path testCsv, String task, String modality, Path dest)
            throws IOException {
        List<String> modalities = new ArrayList<>();
        TreeSet<Integer> labels = new TreeSet<>(List.of(0));
        copyRows(trainCsv, dest.resolve("raw/train"), true, modalities, labels);
        if (testCsv != null) {
            List<String> testMods = new ArrayList<>();
            copyRows(testCsv, dest.resolve("raw/test"), false, testMods, null);
            if (!testMods.equals(modalities)) {
                throw new IllegalArgumentException(testCsv + ": modality columns " + testMods + " differ from the training CSV's "
                        + modalities + "; use the same columns in the same order");
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("task", task);
        out.put("modality", modality);
        out.put("train-data", "raw/train");
        if (testCsv != null) out.put("test-data", "raw/test");
        out.put("mask", List.of((Object) "mask.nii"));
        Map<String, Object> images = new LinkedHashMap<>();
        for (String mod : modalities) images.put(mod, List.of((Object) (mod + ".nii")));
        out.put("images", images);
        out.put("labels", labels.stream().map(l -> (Object) (long) l).toList());
        Map<String, Object> fc = new LinkedHashMap<>();
        for (int l : labels) if (l != 0) fc.put("label_" + l, List.of((Object) (long) l));
        out.put("final_classes", fc);
        Path json = dest.resolve("dataset.json");
        DatasetDescription.write(json, out);
        return DatasetDescription.load(json);
    }

    private static void copyRows(Path csv, Path out, boolean train, List<String> modalities, TreeSet<Integer> labels)
            throws IOException {
        List<String> lines = Files.readAllLines(csv).stream().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) throw new IllegalArgumentException(csv + ": empty CSV; expected a header row id,mask,<modality>,...");
        List<String> header = split(lines.get(0));
        boolean hasMask = header.size() > 1 && header.get(1).equals("mask");
        if (!header.get(0).equals("id") || (train && !hasMask)) {
            throw new IllegalArgumentException(csv + ": header " + header + " must start with id" + (train ? ",mask" : "")
                    + " followed by one column per modality");
        }
        int first = hasMask ? 2 : 1;
        if (header.size() <= first) throw new IllegalArgumentException(csv + ": header " + header + " names no modality column");
        modalities.addAll(header.subList(first, header.size()));
        Path base = csv.toAbsolutePath().getParent();
        for (int r = 1; r < lines.size(); r++) {
            List<String> row = split(lines.get(r));
            if (row.size() != header.size()) {
                throw new IllegalArgumentException(csv + ": row " + (r + 1) + " has " + row.size() + " columns, the header "
                        + header.size());
            }
            Path caseDir = out.resolve(row.get(0));
            Files.createDirectories(caseDir);
            for (int c = first; c < row.size(); c++) {
                Path src = base.resolve(row.get(c));
                copy(src, caseDir.resolve(header.get(c) + extension(src)), csv, r);
            }
            if (hasMask) {
                Path mask = base.resolve(row.get(1));
                copy(mask, caseDir.resolve("mask" + extension(mask)), csv, r);
                if (labels != null) {
                    try (NiftiImage m = NiftiReader.read(mask)) {
                        for (int v : m.data().toIntArray()) labels.add(v);
                    }
                }
            }
        }
    }

    private static void copy(Path src, Path dst, Path csv, int row) throws IOException {
        if (!Files.isRegularFile(src)) {
            throw new IllegalArgumentException(csv + ": row " + (row + 1) + " names " + src + ", which does not exist");
        }
        Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The NIfTI extension of a file (.nii.gz or .nii), kept so a copied file's name tells its format. */
    static String extension(Path p) {
        String n = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".nii.gz") ? ".nii.gz" : n.endsWith(".nii") ? ".nii" : n.substring(Math.max(0, n.lastIndexOf('.')));
    }

    /** Splits one CSV line; fields may be double-quoted (with "" for a quote). */
    public static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') { cur.append('"'); i++; }
                else if (c == '"') quoted = false;
                else cur.append(c);
            } else if (c == '"') quoted = true;
            else if (c == ',') { out.add(cur.toString().trim()); cur.setLength(0); }
            else cur.append(c);
        }
        out.add(cur.toString().trim());
        return out;
    }
}
