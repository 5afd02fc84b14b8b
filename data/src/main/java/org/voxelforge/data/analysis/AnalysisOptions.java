package org.voxelforge.data.analysis;

import java.util.Map;

/**
 * Settings of the analysis; {@link #defaults()} are MIST's.
 *
 * @param maxPatchSize     cap on each patch axis (MIST: 256)
 * @param folds            number of cross-validation folds (5)
 * @param seed             seed of the fold shuffle
 * @param userFolds        case id -> fold, or null to draw folds from {@code seed}
 * @param maxCaseBytes     largest resampled case (float32 x channels) before spacings grow (2 GiB)
 * @param cropThreshold    crop to the foreground when the mean volume reduction reaches this (0.2)
 * @param zeroFractionForNonzeroMask MR: normalize over non-zero voxels only when the mean
 *                         fraction of zero voxels in the first image reaches this (0.2)
 * @param affineTolerance  largest difference allowed between an image's and its mask's affine entries (mm)
 * @param threads          cases analysed at once
 */
public record AnalysisOptions(int maxPatchSize, int folds, long seed, Map<String, Integer> userFolds, long maxCaseBytes,
                              double cropThreshold, double zeroFractionForNonzeroMask, double affineTolerance, int threads) {
    public static AnalysisOptions defaults() {
        return new AnalysisOptions(256, 5, 42, null, 2L << 30, 0.2, 0.2, 1e-3,
                Runtime.getRuntime().availableProcessors());
    }

    public AnalysisOptions withMaxPatchSize(int v) { return new AnalysisOptions(v, folds, seed, userFolds, maxCaseBytes, cropThreshold, zeroFractionForNonzeroMask, affineTolerance, threads); }
    public AnalysisOptions withFolds(int v, long s, Map<String, Integer> given) { return new AnalysisOptions(maxPatchSize, v, s, given, maxCaseBytes, cropThreshold, zeroFractionForNonzeroMask, affineTolerance, threads); }
    public AnalysisOptions withMaxCaseBytes(long v) { return new AnalysisOptions(maxPatchSize, folds, seed, userFolds, v, cropThreshold, zeroFractionForNonzeroMask, affineTolerance, threads); }
    public AnalysisOptions withThreads(int v) { return new AnalysisOptions(maxPatchSize, folds, seed, userFolds, maxCaseBytes, cropThreshold, zeroFractionForNonzeroMask, affineTolerance, v); }
}
