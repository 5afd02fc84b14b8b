package org.voxelforge.data.preprocess;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.voxelforge.data.analysis.AnalysisConfig;
import org.voxelforge.data.analysis.BoundingBox;
import org.voxelforge.data.analysis.ForegroundBox;
import org.voxelforge.data.analysis.RaiVolume;
import org.voxelforge.data.analysis.SpacingPlanner;
import org.voxelforge.data.nifti.NiftiImage;
import org.voxelforge.data.nifti.NiftiReader;
import org.voxelforge.data.orient.AxisCodes;
import org.voxelforge.data.resample.LabelResampler;

/**
 * Preprocesses one case, in MIST's order: reorient to RAI ({@link RaiVolume}), crop to the
 * foreground box (when config says so), normalize intensities on the cropped original-resolution
 * grid (so statistics see no interpolated voxels), resample to the target spacing
 * ({@link Resampling}), and, for MR with use_nz_mask, multiply by the resampled non-zero mask
 * (the union over channels, resampled like a label map) so the background stays exactly 0.
 */
public final class CasePreprocessor {
    private CasePreprocessor() {}

    /**
     * A preprocessed case: {@code image} holds {@code channels} volumes of shape {@code dims},
     * channel-major then row-major ([C, X, Y, Z]); {@code labels} is null without a mask.
     */
    public record Result(float[] image, int channels, int[] dims, int[] labels, CaseGeometry geometry) {}

    /**
     * @param images            one file per modality, in config's channel order
     * @param mask              the mask, or null (inference)
     * @param histogramLandmarks per modality, the reference landmarks for HISTOGRAM_MATCH (else unused)
     */
    public static Result forward(String id, List<Path> images, Path mask, AnalysisConfig cfg, PreprocessOptions opt,
                                 Map<String, double[]> histogramLandmarks) throws IOException {
        if (images.size() != cfg.modalities().size()) {
            throw new IllegalArgumentException("preprocess " + id + ": " + images.size() + " images for modalities "
                    + cfg.modalities() + "; give one per modality in that order");
        }
        List<RaiVolume> vols = new ArrayList<>();
        int[] originalShape = null;
        double[][] originalAffine = null;
        for (Path p : images) {
            try (NiftiImage img = NiftiReader.read(p)) {
                RaiVolume v = RaiVolume.of(img);
                if (originalShape == null) {
                    originalShape = Arrays.copyOf(img.shape(), 3);
                    originalAffine = img.affine();
                } else if (!Arrays.equals(v.dims(), vols.get(0).dims())) {
                    throw new IllegalArgumentException("preprocess " + id + ": image " + p + " has RAI shape "
                            + Arrays.toString(v.dims()) + " but the first image " + Arrays.toString(vols.get(0).dims()));
                }
                vols.add(v);
            }
        }
        RaiVolume first = vols.get(0);
        int[] dims = first.dims();
        int[] labels = null;
        if (mask != null) {
            RaiVolume m = RaiVolume.read(mask);
            if (!Arrays.equals(m.dims(), dims)) {
                throw new IllegalArgumentException("preprocess " + id + ": mask " + mask + " has RAI shape "
                        + Arrays.toString(m.dims()) + " but the images " + Arrays.toString(dims));
            }
            labels = new int[m.data().length];
            for (int i = 0; i < labels.length; i++) labels[i] = (int) Math.rint(m.data()[i]);
        }
        BoundingBox box = cfg.cropToForeground() ? ForegroundBox.of(first.data(), dims, labels) : BoundingBox.whole(dims);
        int[] cropDims = box.size();
        double[] spacing = first.spacing();
        int[] outDims = SpacingPlanner.resampledShape(cropDims, spacing, cfg.targetSpacing());
        boolean mistMr = opt.intensity() == IntensityMode.MIST && !cfg.modality().equals("ct");
        boolean nz = cfg.useNonzeroMask();

        int voxels = outDims[0] * outDims[1] * outDims[2];
        float[] out = new float[voxels * vols.size()];
        boolean[] union = new boolean[cropDims[0] * cropDims[1] * cropDims[2]];
        for (int c = 0; c < vols.size(); c++) {
            double[] v = box.crop(vols.get(c).data());
            boolean[] region = null;
            if (nz) {
                region = new boolean[v.length];
                for (int i = 0; i < v.length; i++) { region[i] = v[i] != 0; union[i] |= region[i]; }
            }
            String modality = cfg.modalities().get(c);
            switch (opt.intensity()) {
                case MIST -> {
                    if (cfg.modality().equals("ct")) {
                        double[] w = cfg.ctNormalization().get(modality);
                        Normalizer.windowZScore(v, w[0], w[1], w[2], w[3]);
                    } else {
                        Normalizer.perImageZScore(v, region, false);
                    }
                }
                case PERCENTILE_RESCALE -> Normalizer.percentileRescale(v, region, nz);
                case MINMAX_NONZERO -> Normalizer.minMaxNonzero(v);
                case HISTOGRAM_MATCH -> {
                    double[] ref = histogramLandmarks.get(modality);
                    if (ref == null) {
                        throw new IllegalArgumentException("preprocess " + id + ": histogram matching needs a reference image"
                                + " for modality " + modality + "; pass one per modality");
                    }
                    Normalizer.histogramMatch(v, region, ref, nz);
                }
            }
            double[] r = Resampling.image(v, cropDims, outDims, spacing);
            for (int i = 0; i < voxels; i++) out[c * voxels + i] = (float) r[i];
        }
        if (mistMr && nz) {
            int[] u = new int[union.length];
            for (int i = 0; i < u.length; i++) u[i] = union[i] ? 1 : 0;
            int[] ur = Arrays.equals(cropDims, outDims) ? u : LabelResampler.resize(u, cropDims, outDims);
            for (int c = 0; c < vols.size(); c++) for (int i = 0; i < voxels; i++) if (ur[i] == 0) out[c * voxels + i] = 0;
        }
        int[] outLabels = null;
        if (labels != null) {
            int[] cropped = new int[union.length];
            double[] asDouble = new double[labels.length];
            for (int i = 0; i < labels.length; i++) asDouble[i] = labels[i];
            double[] cd = box.crop(asDouble);
            for (int i = 0; i < cropped.length; i++) cropped[i] = (int) cd[i];
            outLabels = Resampling.labels(cropped, cropDims, outDims, spacing);
        }
        CaseGeometry g = new CaseGeometry(id, originalShape, originalAffine, AxisCodes.fromAffine(originalAffine),
                RaiVolume.CODES, dims, box, spacing, cfg.targetSpacing().clone(), outDims);
        return new Result(out, vols.size(), outDims, outLabels, g);
    }
}
