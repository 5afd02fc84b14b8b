package org.voxelforge.data.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.io.Json;
import org.voxelforge.data.nifti.NiftiDataType;
import org.voxelforge.data.nifti.NiftiImage;
import org.voxelforge.data.nifti.NiftiReader;
import org.voxelforge.data.nifti.NiftiWriter;

/**
 * Converts a Medical Segmentation Decathlon / nnU-Net dataset to MIST's layout.
 *
 * <p>Input: {@code dataset.json} with {@code modality} (MSD, nnU-Net v1: {"0": "CT"}) or
 * {@code channel_names} (nnU-Net v2), {@code labels} ({"0": "background", "1": "liver"} or
 * v2's {"background": 0, "liver": 1, "region": [1, 2]}), images in {@code imagesTr} as
 * {@code case_0000.nii.gz, case_0001.nii.gz, ...} (one file per channel) or as one 4D file
 * {@code case.nii.gz} (MSD), masks in {@code labelsTr/case.nii.gz}; {@code imagesTs} likewise.
 *
 * <p>Output: {@code <dest>/raw/train/<case>/<modality>.nii.gz} and {@code mask.nii.gz}
 * ({@code raw/test} for imagesTs), and {@code <dest>/dataset.json}. Per-channel files are copied
 * byte for byte; a 4D image is split along its fourth axis into float32 volumes with its
 * geometry. Label 0 is always included; each other named label becomes a final class.
 */
public final class MsdConverter {
    private MsdConverter() {}

    /** Converts and returns the checked description of the new dataset. */
    public static DatasetDescription convert(Path msdRoot, Path dest) throws IOException {
        Path json = msdRoot.resolve("dataset.json");
        Map<String, Object> m = Json.parseObject(Files.readString(json), json.toString());
        Map<String, String> channels = channels(m, json);
        String ending = m.get("file_ending") instanceof String s ? s : ".nii.gz";
        Map<String, Object> labelsJson = object(m, "labels", json);
        TreeSet<Integer> labels = new TreeSet<>(List.of(0));
        Map<String, Object> finalClasses = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : labelsJson.entrySet()) {
            if (e.getKey().matches("\\d+") && e.getValue() instanceof String name) { // MSD: "1": "liver"
                int l = Integer.parseInt(e.getKey());
                labels.add(l);
                if (l != 0) finalClasses.put(name, List.of((Object) (long) l));
            } else if (e.getValue() instanceof Long l) { // nnU-Net v2: "liver": 1
                labels.add(l.intValue());
                if (l != 0) finalClasses.put(e.getKey(), List.of((Object) l));
            } else if (e.getValue() instanceof List<?> region) { // v2 region: "tumor": [1, 2]
                for (Object o : region) if (o instanceof Long l) labels.add(l.intValue());
                finalClasses.put(e.getKey(), new ArrayList<Object>(region));
            } else {
                throw new IllegalArgumentException(json + ": label entry \"" + e.getKey() + "\": " + Json.write(e.getValue())
                        + " is neither \"index\": \"name\" (MSD) nor \"name\": index (nnU-Net v2)");
            }
        }
        Path train = dest.resolve("raw/train");
        convertFolder(msdRoot.resolve("imagesTr"), msdRoot.resolve("labelsTr"), train, channels, ending, json);
        Path imagesTs = msdRoot.resolve("imagesTs");
        boolean hasTest = Files.isDirectory(imagesTs);
        if (hasTest) convertFolder(imagesTs, null, dest.resolve("raw/test"), channels, ending, json);

        Map<String, Object> out = new LinkedHashMap<>();
        Object name = m.getOrDefault("name", msdRoot.getFileName().toString());
        out.put("task", String.valueOf(name));
        out.put("modality", modalityOf(channels.values()));
        out.put("train-data", "raw/train");
        if (hasTest) out.put("test-data", "raw/test");
        out.put("mask", List.of((Object) "mask.nii.gz"));
        Map<String, Object> images = new LinkedHashMap<>();
        for (String c : channels.values()) images.put(c, List.of((Object) (c + ".nii.gz")));
        out.put("images", images);
        out.put("labels", labels.stream().map(l -> (Object) (long) l).toList());
        out.put("final_classes", finalClasses);
        Path outJson = dest.resolve("dataset.json");
        DatasetDescription.write(outJson, out);
        return DatasetDescription.load(outJson);
    }

    /** Channel index (as a string) to a file-safe lower-case modality name, in index order. */
    static Map<String, String> channels(Map<String, Object> m, Path json) {
        Object c = m.containsKey("channel_names") ? m.get("channel_names") : m.get("modality");
        if (!(c instanceof Map<?, ?> cm) || cm.isEmpty()) {
            throw new IllegalArgumentException(json + ": needs \"modality\" (MSD) or \"channel_names\" (nnU-Net v2), an object"
                    + " such as {\"0\": \"CT\"}");
        }
        TreeMap<Integer, String> byIndex = new TreeMap<>();
        for (Map.Entry<?, ?> e : cm.entrySet()) {
            String k = String.valueOf(e.getKey());
            if (!k.matches("\\d+")) throw new IllegalArgumentException(json + ": channel key \"" + k + "\" is not an index");
            String safe = String.valueOf(e.getValue()).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
            if (byIndex.containsValue(safe)) safe = safe + "_" + k;
            byIndex.put(Integer.parseInt(k), safe);
        }
        Map<String, String> out = new LinkedHashMap<>();
        byIndex.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    /** "ct" when every channel is CT, "mr" when every channel is an MR contrast, else "other". */
    static String modalityOf(java.util.Collection<String> channels) {
        if (channels.stream().allMatch(c -> c.equals("ct"))) return "ct";
        if (channels.stream().allMatch(c -> c.matches("(mr|mri|t1|t1w|t1c|t1ce|t1gd|t2|t2w|flair|adc|dwi|pd|t2f|t1n|t2w_fs|.*mr.*)"))) {
            return "mr";
        }
        return "other";
    }

    private static Map<String, Object> object(Map<String, Object> m, String key, Path json) {
        if (!(m.get(key) instanceof Map<?, ?> o)) {
            throw new IllegalArgumentException(json + ": missing object \"" + key + "\"");
        }
        @SuppressWarnings("unchecked") Map<String, Object> r = (Map<String, Object>) o;
        return r;
    }

    private static void convertFolder(Path images, Path labels, Path out, Map<String, String> channels, String ending,
                                      Path json) throws IOException {
        if (!Files.isDirectory(images)) {
            throw new IllegalArgumentException(json + ": image folder " + images + " does not exist");
        }
        TreeSet<String> cases = new TreeSet<>();
        try (Stream<Path> s = Files.list(images)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith(".") || !n.endsWith(ending)) continue;
                String stem = n.substring(0, n.length() - ending.length());
                cases.add(stem.matches(".*_\\d{4}") ? stem.substring(0, stem.length() - 5) : stem);
            }
        }
        for (String id : cases) {
            Path caseDir = out.resolve(id);
            Files.createDirectories(caseDir);
            Path single = images.resolve(id + ending);
            if (Files.exists(single)) {
                split4d(single, caseDir, channels);
            } else {
                for (Map.Entry<String, String> c : channels.entrySet()) {
                    Path src = images.resolve(String.format("%s_%04d%s", id, Integer.parseInt(c.getKey()), ending));
                    if (!Files.exists(src)) {
                        throw new IllegalArgumentException(json + ": case " + id + " lacks channel " + c.getKey() + " ("
                                + c.getValue() + "): expected " + src);
                    }
                    Files.copy(src, caseDir.resolve(c.getValue() + ".nii.gz"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (labels != null) {
                Path mask = labels.resolve(id + ending);
                if (!Files.exists(mask)) throw new IllegalArgumentException(json + ": case " + id + " has no mask " + mask);
                Files.copy(mask, caseDir.resolve("mask.nii.gz"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void split4d(Path file, Path caseDir, Map<String, String> channels) throws IOException {
        try (NiftiImage img = NiftiReader.read(file)) {
            int[] shape = img.shape();
            int n = shape.length == 4 ? shape[3] : 1;
            if (n != channels.size()) {
                throw new IllegalArgumentException(file + ": image of shape " + java.util.Arrays.toString(shape) + " has " + n
                        + " channel(s) but dataset.json names " + channels.size() + " " + channels.values());
            }
            int i = 0;
            for (String name : channels.values()) {
                Tensor vol = shape.length == 4 ? img.data().select(3, i) : img.data();
                NiftiWriter.write(caseDir.resolve(name + ".nii.gz"), vol, img.header(), NiftiDataType.FLOAT32);
                i++;
            }
        }
    }
}
