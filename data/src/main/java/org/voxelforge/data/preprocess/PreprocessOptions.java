package org.voxelforge.data.preprocess;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * Settings of preprocessing.
 *
 * @param intensity           normalization ({@link IntensityMode#MIST} by default)
 * @param histogramReferences modality -> reference NIfTI, for {@link IntensityMode#HISTOGRAM_MATCH}
 * @param distanceMaps        also write signed distance maps of each non-zero label ({@code dtms/<id>.npy})
 * @param threads             cases processed at once (default: available processors)
 * @param progress            where the progress bar goes (stderr), or null for none
 */
public record PreprocessOptions(IntensityMode intensity, Map<String, Path> histogramReferences, boolean distanceMaps,
                                int threads, PrintStream progress) {
    public static PreprocessOptions defaults() {
        return new PreprocessOptions(IntensityMode.MIST, Map.of(), false, Runtime.getRuntime().availableProcessors(), System.err);
    }

    public PreprocessOptions withIntensity(IntensityMode m, Map<String, Path> refs) { return new PreprocessOptions(m, refs, distanceMaps, threads, progress); }
    public PreprocessOptions withDistanceMaps(boolean v) { return new PreprocessOptions(intensity, histogramReferences, v, threads, progress); }
    public PreprocessOptions withThreads(int v) { return new PreprocessOptions(intensity, histogramReferences, distanceMaps, v, progress); }
    public PreprocessOptions withProgress(PrintStream p) { return new PreprocessOptions(intensity, histogramReferences, distanceMaps, threads, p); }
}
