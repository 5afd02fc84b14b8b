package org.voxelforge.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.voxelforge.data.preprocess.IntensityMode;
import org.voxelforge.data.preprocess.PreprocessOptions;
import org.voxelforge.data.preprocess.PreprocessReport;
import org.voxelforge.data.preprocess.Preprocessor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** MIST's preprocessing: NumPy arrays of every analyzed case, with what is needed to invert each step. */
@Command(name = "preprocess", mixinStandardHelpOptions = true,
        description = "Reorient, crop, resample and normalize every case of train_paths.csv into .npy arrays.")
final class PreprocessCommand implements Callable<Integer> {
    @Option(names = "--results", required = true, description = "Results folder written by 'analyze'.")
    Path results;

    @Option(names = "--numpy", required = true, description = "Output folder for the .npy arrays.")
    Path numpy;

    @Option(names = "--intensity", defaultValue = "mist",
            description = "Intensity normalization: mist, percentile_rescale, minmax_nonzero (default: ${DEFAULT-VALUE}; histogram matching needs references, use the Java API).")
    String intensity;

    @Option(names = "--use-dtms", description = "Also write signed distance maps per label (for boundary losses).")
    boolean dtms;

    @Override public Integer call() throws Exception {
        IntensityMode mode;
        try {
            mode = IntensityMode.valueOf(intensity.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--intensity: unknown mode '" + intensity + "'; accepted: mist, percentile_rescale, minmax_nonzero");
        }
        if (mode == IntensityMode.HISTOGRAM_MATCH) {
            throw new IllegalArgumentException("--intensity histogram_match needs reference images; use the Java API (PreprocessOptions.withIntensity)");
        }
        PreprocessOptions opt = PreprocessOptions.defaults().withIntensity(mode, Map.of()).withDistanceMaps(dtms).withProgress(System.err);
        PreprocessReport r = Preprocessor.run(results, numpy, opt);
        System.out.println(r.summary());
        return r.exitCode();
    }
}
