package org.voxelforge.data.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.voxelforge.core.io.AtomicFiles;
import org.voxelforge.core.io.Json;

/**
 * MIST's {@code dataset.json}: what a dataset is and where its files are.
 *
 * <pre>{
 *   "task": "brats",
 *   "modality": "mr",                        // ct, mr or other
 *   "train-data": "raw/train",               // one folder per patient
 *   "test-data": "raw/test",                 // optional
 *   "mask": ["seg.nii.gz"],                  // file name patterns of the mask
 *   "images": {"t1": ["t1.nii.gz"], "t2": ["t2.nii.gz"]},
 *   "labels": [0, 1, 2, 3],                  // must include 0 (background)
 *   "final_classes": {"tumor": [1, 2, 3], "core": [2, 3]}
 * }</pre>
 *
 * A file belongs to a modality (or is the mask) when its name contains one of the patterns, as
 * MIST matches them. Relative paths resolve against the folder of the JSON file.
 *
 * <p>{@link #load} checks everything (keys, types, labels, classes, folders, every patient's
 * files) and throws one {@link DatasetException} listing every problem with its fix.
 */
public record DatasetDescription(Path source, String task, String modality, Path trainData, Path testData,
                                 List<String> maskPatterns, Map<String, List<String>> images, List<Integer> labels,
                                 Map<String, List<Integer>> finalClasses, List<PatientCase> trainCases,
                                 List<PatientCase> testCases) {
    public static final Set<String> MODALITIES = Set.of("ct", "mr", "other");

    public DatasetDescription {
        maskPatterns = List.copyOf(maskPatterns);
        images = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(images));
        labels = List.copyOf(labels);
        finalClasses = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(finalClasses));
        trainCases = List.copyOf(trainCases);
        testCases = List.copyOf(testCases);
    }

    /** Modality names in the order of {@code images}: the channel order everywhere downstream. */
    public List<String> modalities() { return List.copyOf(images.keySet()); }

    public static DatasetDescription load(Path json) throws IOException {
        String text;
        try {
            text = Files.readString(json);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(json.toString(), null, "no such dataset description; pass the path of your dataset.json");
        }
        Map<String, Object> m = Json.parseObject(text, json.toString());
        return validate(m, json);
    }

    /** Checks a parsed description whose relative paths resolve against {@code source}'s folder. */
    public static DatasetDescription validate(Map<String, Object> m, Path source) {
        List<String> problems = new ArrayList<>();
        Path base = source.toAbsolutePath().getParent();
        for (String k : m.keySet()) {
            if (!List.of("task", "modality", "train-data", "test-data", "mask", "images", "labels", "final_classes").contains(k)) {
                problems.add("unknown key \"" + k + "\"; remove it (known keys: task, modality, train-data, test-data, mask,"
                        + " images, labels, final_classes)");
            }
        }
        String task = string(m, "task", problems, true);
        String modality = string(m, "modality", problems, true);
        if (modality != null && !MODALITIES.contains(modality.toLowerCase(Locale.ROOT))) {
            problems.add("\"modality\" is \"" + modality + "\"; set it to \"ct\", \"mr\" or \"other\"");
        }
        Path train = folder(m, "train-data", base, problems, true);
        Path test = folder(m, "test-data", base, problems, false);
        List<String> mask = patterns(m.get("mask"), "\"mask\"", problems, m.containsKey("mask"));
        Map<String, List<String>> images = new LinkedHashMap<>();
        Object im = m.get("images");
        if (im == null) {
            problems.add("missing key \"images\"; add e.g. \"images\": {\"ct\": [\"image.nii.gz\"]} (modality -> file name patterns)");
        } else if (!(im instanceof Map<?, ?> imap) || imap.isEmpty()) {
            problems.add("\"images\" must be a non-empty object mapping each modality to a list of file name patterns");
        } else {
            for (Map.Entry<?, ?> e : imap.entrySet()) {
                images.put((String) e.getKey(), patterns(e.getValue(), "\"images\".\"" + e.getKey() + "\"", problems, true));
            }
        }
        List<Integer> labels = new ArrayList<>();
        Object lv = m.get("labels");
        if (lv == null) {
            problems.add("missing key \"labels\"; add the list of label values in the masks, e.g. \"labels\": [0, 1, 2]");
        } else if (!(lv instanceof List<?> ll) || ll.isEmpty()) {
            problems.add("\"labels\" must be a non-empty list of integers such as [0, 1, 2]");
        } else {
            for (Object o : ll) {
                if (o instanceof Long l && l >= 0 && l <= 255) {
                    if (labels.contains(l.intValue())) problems.add("label " + l + " is listed twice in \"labels\"; list each once");
                    else labels.add(l.intValue());
                } else {
                    problems.add("\"labels\" holds " + Json.write(o) + "; every label must be an integer from 0 to 255");
                }
            }
            if (!labels.contains(0)) {
                problems.add("\"labels\" " + Json.write(lv) + " does not include 0; add 0 (the background) to the list");
            }
        }
        Map<String, List<Integer>> finalClasses = new LinkedHashMap<>();
        Object fc = m.get("final_classes");
        if (fc == null) {
            problems.add("missing key \"final_classes\"; add the classes to evaluate, e.g. \"final_classes\": {\"tumor\": [1, 2]}");
        } else if (!(fc instanceof Map<?, ?> fmap) || fmap.isEmpty()) {
            problems.add("\"final_classes\" must be a non-empty object mapping a class name to a list of labels");
        } else {
            for (Map.Entry<?, ?> e : fmap.entrySet()) {
                List<Integer> ls = new ArrayList<>();
                if (!(e.getValue() instanceof List<?> l) || l.isEmpty()) {
                    problems.add("\"final_classes\".\"" + e.getKey() + "\" must be a non-empty list of labels");
                } else {
                    for (Object o : l) {
                        if (!(o instanceof Long v)) {
                            problems.add("\"final_classes\".\"" + e.getKey() + "\" holds " + Json.write(o) + "; use integer labels");
                        } else if (lv instanceof List<?> && !labels.contains(v.intValue())) {
                            problems.add("\"final_classes\".\"" + e.getKey() + "\" refers to label " + v + ", which is not in \"labels\" "
                                    + labels + "; add it to \"labels\" or remove it from the class");
                        } else {
                            ls.add(v.intValue());
                        }
                    }
                }
                finalClasses.put((String) e.getKey(), ls);
            }
        }
        List<PatientCase> trainCases = train == null || mask == null || images.isEmpty()
                ? List.of() : scan(train, "train-data", images, mask, true, problems);
        List<PatientCase> testCases = test == null || images.isEmpty()
                ? List.of() : scan(test, "test-data", images, mask == null ? List.of() : mask, false, problems);
        if (train != null && mask != null && !images.isEmpty() && trainCases.isEmpty() && problems.isEmpty()) {
            problems.add("\"train-data\" folder " + train + " holds no patient folders; put one folder per patient there");
        }
        if (!problems.isEmpty()) throw new DatasetException(source.toString(), problems);
        return new DatasetDescription(source, task, modality.toLowerCase(Locale.ROOT), train, test, mask, images, labels,
                finalClasses, trainCases, testCases);
    }

    private static String string(Map<String, Object> m, String key, List<String> problems, boolean required) {
        Object v = m.get(key);
        if (v == null) {
            if (required) problems.add("missing key \"" + key + "\"; add it as a string");
            return null;
        }
        if (!(v instanceof String s) || s.isBlank()) {
            problems.add("\"" + key + "\" must be a non-empty string, got " + Json.write(v));
            return null;
        }
        return s;
    }

    private static Path folder(Map<String, Object> m, String key, Path base, List<String> problems, boolean required) {
        String s = string(m, key, problems, required);
        if (s == null) return null;
        Path p = base.resolve(s).normalize();
        if (!Files.isDirectory(p)) {
            problems.add("\"" + key + "\" folder " + p + " does not exist; create it or fix the path (relative paths resolve"
                    + " against " + base + ")");
            return null;
        }
        return p;
    }

    private static List<String> patterns(Object v, String what, List<String> problems, boolean present) {
        if (!present || v == null) {
            problems.add("missing key " + what + "; add a list of file name patterns, e.g. [\"mask.nii.gz\"]");
            return null;
        }
        if (!(v instanceof List<?> l) || l.isEmpty() || !l.stream().allMatch(o -> o instanceof String s && !s.isEmpty())) {
            problems.add(what + " must be a non-empty list of file name patterns (strings), got " + Json.write(v));
            return null;
        }
        return l.stream().map(o -> (String) o).toList();
    }

    private static List<PatientCase> scan(Path root, String key, Map<String, List<String>> images, List<String> mask,
                                          boolean maskRequired, List<String> problems) {
        List<Path> folders;
        try (Stream<Path> s = Files.list(root)) {
            folders = s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            problems.add("cannot list \"" + key + "\" folder " + root + ": " + e.getMessage());
            return List.of();
        }
        List<PatientCase> cases = new ArrayList<>();
        for (Path folder : folders) {
            List<Path> files;
            try (Stream<Path> s = Files.list(folder)) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            } catch (IOException e) {
                problems.add("cannot list patient folder " + folder + ": " + e.getMessage());
                continue;
            }
            String id = folder.getFileName().toString();
            boolean ok = true;
            Map<String, Path> found = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> e : images.entrySet()) {
                if (e.getValue() == null) { ok = false; continue; }
                Path p = match(files, e.getValue(), id, "modality \"" + e.getKey() + "\"", true, problems);
                if (p == null) ok = false;
                else found.put(e.getKey(), p);
            }
            Path maskFile = mask.isEmpty() ? null : match(files, mask, id, "the mask", maskRequired, problems);
            if (maskRequired && maskFile == null) ok = false;
            if (maskFile != null && found.containsValue(maskFile)) {
                problems.add("patient " + id + ": " + maskFile.getFileName() + " matches both the mask and an image pattern;"
                        + " make the patterns distinct");
                ok = false;
            }
            if (ok) cases.add(new PatientCase(id, folder, found, maskFile));
        }
        return cases;
    }

    private static Path match(List<Path> files, List<String> patterns, String id, String what, boolean required,
                              List<String> problems) {
        Set<Path> hits = new LinkedHashSet<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            for (String p : patterns) if (name.contains(p)) hits.add(f);
        }
        if (hits.isEmpty()) {
            if (required) {
                problems.add("patient " + id + " has no file for " + what + " (no file name contains any of " + patterns
                        + "); add the file or fix the patterns");
            }
            return null;
        }
        if (hits.size() > 1) {
            problems.add("patient " + id + ": " + hits.size() + " files match " + what + " " + patterns + ": "
                    + hits.stream().map(p -> p.getFileName().toString()).toList() + "; make the pattern specific enough to match one");
            return null;
        }
        return hits.iterator().next();
    }

    /** This description as MIST's JSON (paths as given: relative to the JSON's folder when possible). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        Path base = source.toAbsolutePath().getParent();
        m.put("task", task);
        m.put("modality", modality);
        m.put("train-data", relative(base, trainData));
        if (testData != null) m.put("test-data", relative(base, testData));
        m.put("mask", new ArrayList<Object>(maskPatterns));
        Map<String, Object> im = new LinkedHashMap<>();
        images.forEach((k, v) -> im.put(k, new ArrayList<Object>(v)));
        m.put("images", im);
        m.put("labels", labels.stream().map(Integer::longValue).map(x -> (Object) x).toList());
        Map<String, Object> fc = new LinkedHashMap<>();
        finalClasses.forEach((k, v) -> fc.put(k, v.stream().map(Integer::longValue).map(x -> (Object) x).toList()));
        m.put("final_classes", fc);
        return m;
    }

    static String relative(Path base, Path p) {
        Path a = p.toAbsolutePath().normalize();
        return a.startsWith(base) ? base.relativize(a).toString() : a.toString();
    }

    /** Writes a MIST dataset.json atomically; then {@link #load} checks it. */
    public static void write(Path json, Map<String, Object> description) throws IOException {
        AtomicFiles.writeString(json, Json.writePretty(description));
    }
}
