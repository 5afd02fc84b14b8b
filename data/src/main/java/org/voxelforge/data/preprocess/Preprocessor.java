package org.voxelforge.data.preprocess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.data.analysis.AnalysisConfig;
import org.voxelforge.data.analysis.RaiVolume;
import org.voxelforge.data.dataset.CsvConverter;
import org.voxelforge.data.distance.SignedDistanceMaps;
import org.voxelforge.data.npy.Npy;

/**
 * Preprocesses the training set the analysis planned: reads {@code config.json} and
 * {@code train_paths.csv} from the results folder and writes, per case,
 * {@code images/<id>.npy} (float32 [C, X, Y, Z]), {@code labels/<id>.npy} (uint8 [X, Y, Z]),
 * {@code geometry/<id>.json} ({@link CaseGeometry}) and, when asked, {@code dtms/<id>.npy}
 * (float32 [L, X, Y, Z], one normalized signed distance map per non-zero label, in mm of the
 * target spacing). Cases run on a bounded pool; a case that fails is reported by name with its
 * error while the others go on.
 */
public final class Preprocessor {
    private Preprocessor() {}

    /** One case to preprocess: images in channel order, its mask (or null) and its cross-validation fold. */
    public record Job(String id, List<Path> images, Path mask, int fold) {}

    public static PreprocessReport run(Path results, Path out, PreprocessOptions opt) throws IOException {
        AnalysisConfig cfg = AnalysisConfig.read(results.resolve("config.json"));
        return run(readTrainPaths(results.resolve("train_paths.csv"), cfg), cfg, out, opt);
    }

    public static List<Job> readTrainPaths(Path csv, AnalysisConfig cfg) throws IOException {
        List<String> lines = Files.readAllLines(csv).stream().filter(l -> !l.isBlank()).toList();
        List<String> header = CsvConverter.split(lines.get(0));
        List<String> want = new ArrayList<>(List.of("id", "fold", "mask"));
        want.addAll(cfg.modalities());
        if (!header.equals(want)) {
            throw new IllegalArgumentException(csv + ": header " + header + " is not " + want + "; run the analysis again");
        }
        List<Job> jobs = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> row = CsvConverter.split(line);
            if (row.size() != want.size()) {
                throw new IllegalArgumentException(csv + ": line '" + line + "' has " + row.size() + " fields, the header " + want.size());
            }
            List<Path> images = row.subList(3, row.size()).stream().map(Path::of).toList();
            int fold;
            try {
                fold = Integer.parseInt(row.get(1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(csv + ": line '" + line + "' has no integer fold in its second column; run the analysis again");
            }
            jobs.add(new Job(row.get(0), images, Path.of(row.get(2)), fold));
        }
        return jobs;
    }

    public static PreprocessReport run(List<Job> jobs, AnalysisConfig cfg, Path out, PreprocessOptions opt) throws IOException {
        Map<String, double[]> landmarks = new LinkedHashMap<>();
        if (opt.intensity() == IntensityMode.HISTOGRAM_MATCH) {
            for (String m : cfg.modalities()) {
                Path ref = opt.histogramReferences().get(m);
                if (ref == null) {
                    throw new IllegalArgumentException("preprocess: histogram matching needs a reference image for modality " + m
                            + "; give one per modality " + cfg.modalities());
                }
                double[] v = RaiVolume.read(ref).data();
                boolean[] region = null;
                if (cfg.useNonzeroMask()) {
                    region = new boolean[v.length];
                    for (int i = 0; i < v.length; i++) region[i] = v[i] != 0;
                }
                landmarks.put(m, Normalizer.landmarks(v, region));
            }
        }
        for (String d : List.of("images", "labels", "geometry")) Files.createDirectories(out.resolve(d));
        writeSettings(out, opt);
        if (opt.distanceMaps()) Files.createDirectories(out.resolve("dtms"));
        ProgressBar bar = new ProgressBar(opt.progress(), jobs.size());
        List<String> done = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, String> failures = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(opt.threads(), Math.max(1, jobs.size()))));
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (Job j : jobs) {
                fs.add(pool.submit(() -> {
                    try {
                        processOne(j, cfg, out, opt, landmarks);
                        done.add(j.id());
                    } catch (Exception | OutOfMemoryError e) {
                        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
                        failures.put(j.id(), msg);
                        bar.message("case " + j.id() + " failed: " + msg);
                    }
                    bar.step();
                }));
            }
            for (Future<?> f : fs) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("preprocessing interrupted", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> sorted = new ArrayList<>(done);
        sorted.sort(null);
        return new PreprocessReport(sorted, failures);
    }

    /** The file that records how a folder was preprocessed, for inference to repeat it. */
    public static final String SETTINGS = "preprocessing.json";

    static void writeSettings(Path out, PreprocessOptions opt) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("intensity", opt.intensity().name().toLowerCase(java.util.Locale.ROOT));
        m.put("distance_maps", opt.distanceMaps());
        org.voxelforge.core.io.AtomicFiles.writeString(out.resolve(SETTINGS), org.voxelforge.core.io.Json.writePretty(m));
    }

    /** The intensity mode a folder was preprocessed with ("mist" when it does not say). */
    public static IntensityMode intensityOf(Path preprocessed) throws IOException {
        Path f = preprocessed.resolve(SETTINGS);
        if (!Files.isRegularFile(f)) return IntensityMode.MIST;
        Object v = org.voxelforge.core.io.Json.parseObject(Files.readString(f), f.toString()).get("intensity");
        try {
            return IntensityMode.valueOf(String.valueOf(v).toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f + ": unknown intensity mode '" + v + "'; preprocess the data again", e);
        }
    }

    static void processOne(Job j, AnalysisConfig cfg, Path out, PreprocessOptions opt, Map<String, double[]> landmarks)
            throws IOException {
        CasePreprocessor.Result r = CasePreprocessor.forward(j.id(), j.images(), j.mask(), cfg, opt, landmarks);
        int[] d = r.dims();
        try (TensorScope scope = new TensorScope()) {
            Npy.write(out.resolve("images/" + j.id() + ".npy"), Tensor.of(r.image(), r.channels(), d[0], d[1], d[2]));
            if (r.labels() != null) {
                double[] l = new double[r.labels().length];
                for (int i = 0; i < l.length; i++) l[i] = r.labels()[i];
                Tensor lt = Tensor.of(DType.UINT8, l, d);
                Npy.write(out.resolve("labels/" + j.id() + ".npy"), lt);
                if (opt.distanceMaps()) {
                    int[] nonzero = cfg.labels().stream().mapToInt(Integer::intValue).filter(v -> v != 0).toArray();
                    if (nonzero.length > 0) {
                        Tensor dtm = SignedDistanceMaps.forLabels(lt, nonzero, cfg.targetSpacing(), true, DType.FLOAT32);
                        Npy.write(out.resolve("dtms/" + j.id() + ".npy"), dtm);
                    }
                }
            }
        }
        r.geometry().write(out.resolve("geometry/" + j.id() + ".json"));
        assert Arrays.equals(r.geometry().resampledShape(), d);
    }
}
