package org.voxelforge.data.analysis;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.voxelforge.core.io.AtomicFiles;
import org.voxelforge.data.dataset.DatasetDescription;
import org.voxelforge.data.dataset.PatientCase;

/**
 * MIST's dataset analysis: reads every training case once (in RAI orientation, see
 * {@link RaiVolume}), decides the preprocessing and training plan, and writes
 * {@code config.json}, {@code fg_bboxes.csv} and {@code train_paths.csv} into the results folder.
 *
 * <p>Rules, in order: a case whose images disagree with its mask (shape, or affine beyond the
 * tolerance), or whose mask holds a label not in {@code labels}, is excluded with a warning that
 * names it and the field. Foreground boxes by {@link ForegroundBox}; crop when the mean volume
 * reduction reaches {@code cropThreshold}. Spacing and patch size by {@link SpacingPlanner}.
 * Normalization: CT pools the voxels inside the labels of every case (at most
 * {@value #SAMPLES_PER_CASE} per case, taken at an even stride), takes the 0.5/99.5 percentiles
 * as the window and the mean and std of the pooled voxels clipped to it; MR decides only whether
 * normalization uses non-zero voxels (the mean fraction of zero voxels of the first image reaches
 * {@code zeroFractionForNonzeroMask}); each MR image is then windowed and z-scored by itself at
 * preprocessing. Class weights: {@link AnalysisConfig#CLASS_WEIGHT_FORMULA}. Folds: {@link Folds}.
 */
public final class DatasetAnalyzer {
    static final int SAMPLES_PER_CASE = 100_000;

    private DatasetAnalyzer() {}

    /** What one case contributes to the analysis; the volumes themselves are not kept. */
    record CaseStats(String id, int[] dims, double[] spacing, BoundingBox box, long[] labelCounts, double zeroFraction,
                     List<double[]> foregroundSamples) {}

    public record Result(AnalysisConfig config, Map<String, Integer> folds, Map<String, BoundingBox> boxes,
                         List<String> warnings) {}

    public static Result analyze(DatasetDescription ds, Path results, AnalysisOptions opt, Consumer<String> warn)
            throws IOException {
        List<String> warnings = new ArrayList<>();
        Consumer<String> w = s -> { synchronized (warnings) { warnings.add(s); } warn.accept(s); };
        Map<String, String> excluded = new LinkedHashMap<>();
        List<CaseStats> stats = new ArrayList<>();
        boolean ct = ds.modality().equals("ct");
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, opt.threads()));
        try {
            List<Future<Object>> futures = new ArrayList<>();
            for (PatientCase c : ds.trainCases()) {
                futures.add(pool.submit(() -> {
                    String bad = HeaderCheck.disagreement(c, opt.affineTolerance());
                    if (bad != null) return "header mismatch: " + bad;
                    return caseStats(c, ds.labels(), ct);
                }));
            }
            for (int i = 0; i < futures.size(); i++) {
                String id = ds.trainCases().get(i).id();
                Object r;
                try {
                    r = futures.get(i).get();
                } catch (ExecutionException e) {
                    r = String.valueOf(e.getCause().getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("analysis interrupted", e);
                }
                if (r instanceof String reason) {
                    excluded.put(id, reason);
                    w.accept("excluding case " + id + ": " + reason);
                } else {
                    stats.add((CaseStats) r);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        if (stats.isEmpty()) {
            throw new IllegalArgumentException("analysis: every case of " + ds.source() + " was excluded (" + excluded
                    + "); fix the cases listed");
        }

        double meanReduction = stats.stream().mapToDouble(s -> s.box().reduction()).average().orElse(0);
        boolean crop = meanReduction >= opt.cropThreshold();
        List<int[]> dims = new ArrayList<>();
        List<double[]> spacings = new ArrayList<>();
        for (CaseStats s : stats) {
            dims.add(crop ? s.box().size() : s.dims());
            spacings.add(s.spacing());
        }
        double[] median = new double[3];
        for (int a = 0; a < 3; a++) {
            final int ax = a;
            median[a] = Intensities.percentile(spacings.stream().mapToDouble(x -> x[ax]).toArray(), 50);
        }
        double[] target = SpacingPlanner.fitMemory(SpacingPlanner.targetSpacing(spacings), dims, spacings,
                ds.modalities().size(), opt.maxCaseBytes());
        List<int[]> resampled = new ArrayList<>();
        for (int c = 0; c < dims.size(); c++) resampled.add(SpacingPlanner.resampledShape(dims.get(c), spacings.get(c), target));
        int[] patch = SpacingPlanner.patchSize(resampled, opt.maxPatchSize());

        double meanZero = stats.stream().mapToDouble(CaseStats::zeroFraction).average().orElse(0);
        boolean nz = ds.modality().equals("mr") && meanZero >= opt.zeroFractionForNonzeroMask();
        Map<String, double[]> ctNorm = new LinkedHashMap<>();
        if (ct) {
            for (int m = 0; m < ds.modalities().size(); m++) {
                int total = 0;
                for (CaseStats s : stats) total += s.foregroundSamples().get(m).length;
                double[] pooled = new double[total];
                int o = 0;
                for (CaseStats s : stats) {
                    double[] v = s.foregroundSamples().get(m);
                    System.arraycopy(v, 0, pooled, o, v.length);
                    o += v.length;
                }
                if (total == 0) {
                    throw new IllegalArgumentException("analysis: no labelled voxels in any mask of " + ds.source()
                            + "; CT normalization needs foreground voxels");
                }
                double[] p = Intensities.percentiles(pooled, 0.5, 99.5);
                double[] ms = Intensities.meanStd(Intensities.clip(pooled, p[0], p[1]));
                ctNorm.put(ds.modalities().get(m), new double[] {p[0], p[1], ms[0], ms[1]});
            }
        }
        double[] weights = classWeights(stats, ds.labels().size());

        List<String> ids = stats.stream().map(CaseStats::id).toList();
        Map<String, Integer> folds = opt.userFolds() == null ? Folds.seeded(ids, opt.folds(), opt.seed())
                : Folds.given(ids, opt.userFolds(), opt.folds());
        AnalysisConfig config = new AnalysisConfig(ds.task(), ds.modality(), ds.modalities(), ds.labels(), ds.finalClasses(),
                median, target, crop, meanReduction, nz, meanZero, ctNorm, patch, weights, opt.folds(), opt.seed(), excluded);
        Map<String, BoundingBox> boxes = new LinkedHashMap<>();
        for (CaseStats s : stats) boxes.put(s.id(), s.box());

        config.write(results.resolve("config.json"));
        writeBoxes(results.resolve("fg_bboxes.csv"), stats);
        writePaths(results.resolve("train_paths.csv"), ds, folds);
        return new Result(config, folds, boxes, warnings);
    }

    static CaseStats caseStats(PatientCase c, List<Integer> labels, boolean ct) throws IOException {
        RaiVolume mask = RaiVolume.read(c.mask());
        int[] lab = new int[mask.data().length];
        long[] counts = new long[labels.size()];
        for (int i = 0; i < lab.length; i++) {
            double v = mask.data()[i];
            lab[i] = (int) Math.rint(v);
            int idx = labels.indexOf(lab[i]);
            if (idx < 0 || v != lab[i]) {
                throw new IllegalArgumentException("mask " + c.mask().getFileName() + " holds value " + v + " at voxel " + i
                        + ", which is not one of the labels " + labels);
            }
        }
        List<double[]> samples = new ArrayList<>();
        BoundingBox box = null;
        double zero = 0;
        int m = 0;
        for (Path p : c.images().values()) {
            RaiVolume img = RaiVolume.read(p);
            if (m == 0) {
                box = ForegroundBox.of(img.data(), img.dims(), lab);
                long zeros = 0;
                for (double v : img.data()) if (v == 0) zeros++;
                zero = (double) zeros / img.data().length;
            }
            if (ct) samples.add(foreground(img.data(), lab));
            m++;
        }
        double[] croppedLabels = box.crop(mask.data()); // class frequencies over what training will see
        for (double v : croppedLabels) counts[labels.indexOf((int) v)]++;
        return new CaseStats(c.id(), mask.dims(), mask.spacing(), box, counts, zero, samples);
    }

    /** Voxels with a non-zero label, at most {@value #SAMPLES_PER_CASE} of them at an even stride. */
    static double[] foreground(double[] image, int[] labels) {
        int n = 0;
        for (int l : labels) if (l != 0) n++;
        int stride = Math.max(1, (n + SAMPLES_PER_CASE - 1) / SAMPLES_PER_CASE);
        double[] out = new double[(n + stride - 1) / stride];
        int seen = 0, o = 0;
        for (int i = 0; i < image.length; i++) {
            if (labels[i] == 0) continue;
            if (seen++ % stride == 0) out[o++] = image[i];
        }
        return Arrays.copyOf(out, o);
    }

    static double[] classWeights(List<CaseStats> stats, int k) {
        long[] total = new long[k];
        long n = 0;
        for (CaseStats s : stats) for (int c = 0; c < k; c++) { total[c] += s.labelCounts()[c]; n += s.labelCounts()[c]; }
        double[] w = new double[k];
        for (int c = 0; c < k; c++) w[c] = total[c] == 0 ? 0 : n / ((double) k * total[c]);
        return w;
    }

    private static void writeBoxes(Path file, List<CaseStats> stats) throws IOException {
        StringBuilder sb = new StringBuilder("id,x_start,x_end,y_start,y_end,z_start,z_end,x_og_size,y_og_size,z_og_size\n");
        for (CaseStats s : stats) {
            BoundingBox b = s.box();
            sb.append(s.id());
            for (int a = 0; a < 3; a++) sb.append(',').append(b.start()[a]).append(',').append(b.end()[a]);
            for (int a = 0; a < 3; a++) sb.append(',').append(b.volume()[a]);
            sb.append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    private static void writePaths(Path file, DatasetDescription ds, Map<String, Integer> folds) throws IOException {
        StringBuilder sb = new StringBuilder("id,fold,mask");
        for (String m : ds.modalities()) sb.append(',').append(m);
        sb.append('\n');
        for (PatientCase c : ds.trainCases()) {
            Integer f = folds.get(c.id());
            if (f == null) continue;
            sb.append(c.id()).append(',').append(f).append(',').append(c.mask().toAbsolutePath());
            for (Path p : c.images().values()) sb.append(',').append(p.toAbsolutePath());
            sb.append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }
}
