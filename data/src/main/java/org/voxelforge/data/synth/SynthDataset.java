package org.voxelforge.data.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.voxelforge.core.DType;
import org.voxelforge.core.Parallel;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.io.AtomicFiles;
import org.voxelforge.core.io.Json;
import org.voxelforge.data.nifti.NiftiDataType;
import org.voxelforge.data.nifti.NiftiHeader;
import org.voxelforge.data.nifti.NiftiWriter;

/**
 * Writes a BraTS-like synthetic dataset in MIST's layout:
 * <pre>
 * out/dataset.json
 * out/train/synth_0000/synth_0000_t1.nii.gz, _t1c, _t2, _flair (int16) and _seg.nii.gz (uint8)
 * out/test/synth_0008/...            (only with test cases)
 * </pre>
 * Every case draws its geometry (orientation, spacing, shape), anatomy and noise from its own
 * generator, split from the seed in case order before any work starts, so the files depend on
 * the seed only, not on the number of threads. The cases are written in parallel, each file to a
 * temporary name and renamed; dataset.json comes last, so a half-written dataset has none.
 */
public final class SynthDataset {
    public static final String DATASET_JSON = "dataset.json";
    public static final String TRAIN_FOLDER = "train", TEST_FOLDER = "test";
    private static final Pattern CASE_FOLDER = Pattern.compile("synth_\\d{4,}");
    /** About one case in five has a small tumour. */
    private static final double SMALL_TUMOUR_RATE = 0.2;

    private SynthDataset() {}

    /** One case to generate: where it goes and everything that decides its content. */
    record CasePlan(String id, boolean test, CaseGeometry geometry, HeadAnatomy anatomy, RandomGenerator rng) {
        SynthCase generate() { return SynthCase.generate(id, geometry, anatomy, rng); }
    }

    /** The case plans for {@code options}: training cases first, then test cases, ids numbered on. */
    static List<CasePlan> plan(SynthOptions options) {
        RandomGenerator master = new RandomGenerator(options.seed());
        List<CasePlan> plans = new ArrayList<>();
        int total = options.cases() + options.testCases();
        for (int c = 0; c < total; c++) {
            RandomGenerator rng = master.split();
            CaseGeometry g = CaseGeometry.random(rng, options.shape());
            double[] range = rng.nextDouble() < SMALL_TUMOUR_RATE ? HeadAnatomy.SMALL_TUMOUR : HeadAnatomy.NORMAL_TUMOUR;
            double size = range[0] + (range[1] - range[0]) * rng.nextDouble();
            HeadAnatomy anatomy = HeadAnatomy.random(rng, g.fieldOfViewMm(), size);
            plans.add(new CasePlan(caseId(c), c >= options.cases(), g, anatomy, rng.split()));
        }
        return plans;
    }

    static String caseId(int index) { return String.format("synth_%04d", index); }

    /**
     * Generates the dataset into {@code out}. A non-empty {@code out} is refused unless
     * {@code overwrite}; then dataset.json and earlier synth_NNNN case folders are removed first.
     */
    public static Path write(Path out, SynthOptions options, boolean overwrite) throws IOException {
        prepare(out, overwrite);
        List<CasePlan> plans = plan(options);
        try {
            Parallel.forEachChunk(plans.size(), i -> {
                try {
                    writeCase(out, plans.get(i));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        Path json = out.resolve(DATASET_JSON);
        AtomicFiles.writeString(json, Json.writePretty(datasetJson(options.testCases() > 0)));
        return json;
    }

    /** MIST's dataset description; folders are relative to the JSON file, patterns are file-name suffixes. */
    static Map<String, Object> datasetJson(boolean withTest) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("task", "voxelforge-synth-brats");
        d.put("modality", "mr");
        d.put("train-data", TRAIN_FOLDER);
        if (withTest) d.put("test-data", TEST_FOLDER);
        d.put("mask", List.of("seg.nii.gz"));
        Map<String, Object> images = new LinkedHashMap<>();
        for (String m : Tissue.MODALITIES) images.put(m, List.of(m + ".nii.gz"));
        d.put("images", images);
        d.put("labels", List.of(0L, 1L, 2L, 3L));
        Map<String, Object> classes = new LinkedHashMap<>();
        classes.put("WT", List.of(1L, 2L, 3L));
        classes.put("TC", List.of(1L, 3L));
        classes.put("ET", List.of(3L));
        d.put("final_classes", classes);
        return d;
    }

    static void writeCase(Path out, CasePlan plan) throws IOException {
        SynthCase c = plan.generate();
        Path dir = out.resolve(plan.test() ? TEST_FOLDER : TRAIN_FOLDER).resolve(c.id());
        int[] n = c.geometry().shape();
        NiftiHeader geometry = NiftiHeader.of(n, NiftiDataType.INT16, c.geometry().affine());
        try (TensorScope scope = new TensorScope()) { // frees each volume's off-heap storage when the case is done
            for (int m = 0; m < Tissue.MODALITIES.size(); m++) {
                Tensor t = niftiOrder(Tensor.of(c.images()[m], n[2], n[1], n[0]));
                write(dir.resolve(c.id() + "_" + Tissue.MODALITIES.get(m) + ".nii.gz"), t, geometry, NiftiDataType.INT16);
            }
            double[] labels = new double[c.labels().length];
            for (int v = 0; v < labels.length; v++) labels[v] = c.labels()[v];
            Tensor seg = niftiOrder(Tensor.of(DType.UINT8, labels, n[2], n[1], n[0]));
            write(dir.resolve(c.id() + "_seg.nii.gz"), seg, geometry, NiftiDataType.UINT8);
        }
    }

    /** A row-major [k, j, i] tensor (i fastest, NIfTI's order) seen as [i, j, k] without copying. */
    private static Tensor niftiOrder(Tensor kji) { return kji.permute(2, 1, 0); }

    private static void write(Path file, Tensor t, NiftiHeader geometry, NiftiDataType type) throws IOException {
        NiftiWriter.Result r = NiftiWriter.write(file, t, geometry, type);
        if (!r.exact()) throw new IllegalStateException("synth: " + file + " was not stored exactly: " + r);
    }

    private static void prepare(Path out, boolean overwrite) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("synth: output " + out + " is a file, not a folder");
        }
        if (!isEmptyOrMissing(out)) {
            if (!overwrite) {
                throw new IllegalArgumentException("synth: output folder " + out + " is not empty; choose an empty"
                        + " or new folder, or allow overwriting its dataset");
            }
            Files.deleteIfExists(out.resolve(DATASET_JSON)); // first, so the dataset is never described while half-written
            for (String split : List.of(TRAIN_FOLDER, TEST_FOLDER)) {
                Path dir = out.resolve(split);
                if (!Files.isDirectory(dir)) continue;
                try (Stream<Path> s = Files.list(dir)) {
                    for (Path p : s.filter(p -> CASE_FOLDER.matcher(p.getFileName().toString()).matches()).toList()) {
                        deleteTree(p);
                    }
                }
            }
        }
        Files.createDirectories(out);
    }

    /** True when {@code dir} does not exist or holds nothing. */
    public static boolean isEmptyOrMissing(Path dir) throws IOException {
        if (!Files.exists(dir)) return true;
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
