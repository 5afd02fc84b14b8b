package org.voxelforge.train.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.voxelforge.train.inference.CasePrediction;

/** Predicts a list of cases into a folder of {@code <id>.nii.gz} label maps (and optionally probabilities). */
public final class BatchPrediction {
    /** @param failures case id -> why it failed (the other cases still ran) */
    public record Report(List<String> written, Map<String, String> failures, double seconds) {
        public int exitCode() { return failures.isEmpty() ? 0 : 1; }
    }

    private BatchPrediction() {}

    /**
     * Writes {@code <out>/<id>.nii.gz} for each case (uint8, the first image's header) and, when
     * asked, {@code <out>/probabilities/<id>.nii.gz} (float32 [X, Y, Z, K], original grid).
     * A case that fails is reported by id and leaves no file.
     */
    public static Report run(ResultsPredictor p, List<PredictionCases.Case> cases, Path out, boolean probabilities, PrintStream log)
            throws IOException {
        Files.createDirectories(out);
        if (probabilities) Files.createDirectories(out.resolve("probabilities"));
        List<String> written = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        for (PredictionCases.Case c : cases) {
            long t = System.nanoTime();
            try (CasePrediction cp = p.predictCase(c.id(), c.images(), probabilities)) {
                cp.writeNifti(out.resolve(c.id() + ".nii.gz"));
                if (probabilities) cp.writeProbabilitiesNifti(out.resolve("probabilities").resolve(c.id() + ".nii.gz"), outside(p.modelConfig()));
                written.add(c.id());
                if (log != null) {
                    log.printf(Locale.ROOT, "predicted %s (%d windows) in %.1f s%n", c.id(), cp.stats().windows(), (System.nanoTime() - t) * 1e-9);
                }
            } catch (IOException | RuntimeException e) {
                String msg = e.getMessage() == null ? e.toString() : e.getMessage();
                failures.put(c.id(), msg);
                if (log != null) log.println("case " + c.id() + " failed: " + msg);
            }
        }
        return new Report(written, failures, (System.nanoTime() - t0) * 1e-9);
    }

    /** Outside the crop box a softmax model's background channel (label 0) is certain; every other channel is 0. */
    static float[] outside(ModelConfig m) {
        float[] o = new float[m.outChannels()];
        if (m.activation() == org.voxelforge.train.inference.Activation.SOFTMAX && m.labels()[0] == 0) o[0] = 1;
        return o;
    }
}
