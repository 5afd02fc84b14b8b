package org.voxelforge.data.preprocess;

/**
 * How image intensities are normalized. {@link #MIST} is MIST's default; the others are the
 * options of the BraTS 2023 framework built on MIST.
 */
public enum IntensityMode {
    /**
     * CT: clip to the dataset's global window (0.5/99.5 percentiles of labelled voxels) and
     * z-score with the dataset's mean and std. MR and other: clip each image to its own
     * 0.5/99.5 percentiles and z-score with its own mean and std (over non-zero voxels when
     * config's use_nz_mask is set, and then zero outside them).
     */
    MIST,
    /** Each image linearly mapped so its 2nd percentile goes to 0 and its 98th to 1, then clipped to [0, 1]. */
    PERCENTILE_RESCALE,
    /**
     * Each image mapped onto a reference image's histogram: the source's percentiles 0, 1, ..., 100
     * go to the reference's, piecewise linearly in between (values outside take the end points).
     */
    HISTOGRAM_MATCH,
    /** Non-zero voxels clipped to their 1st and 99th percentiles, then min-max scaled to [0, 1]; zeros stay 0. */
    MINMAX_NONZERO
}
