package org.voxelforge.data.preprocess;

import java.util.Arrays;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.data.analysis.SpacingPlanner;
import org.voxelforge.data.nifti.NiftiDataType;
import org.voxelforge.data.nifti.NiftiHeader;
import org.voxelforge.data.nifti.NiftiImage;
import org.voxelforge.data.orient.Reorientation;
import org.voxelforge.data.resample.LabelResampler;
import org.voxelforge.data.resample.Zoom;

/**
 * Maps a label map on a case's preprocessed grid back to its original file's grid, undoing the
 * steps of {@link CasePreprocessor} in reverse: resampling (one-hot linear + argmax, or nearest
 * neighbour; for anisotropic data the low-resolution axis always by nearest neighbour), the crop
 * (zeros outside the box), and the reorientation (exactly, by the planned permutation and flips).
 * This is what inference uses to write predictions.
 */
public final class InverseTransform {
    public enum Resample { ONE_HOT, NEAREST }

    private InverseTransform() {}

    /** Labels (row-major, shape {@code geometry.resampledShape()}) as a row-major int32 tensor of the original shape. */
    public static Tensor toOriginal(int[] labels, CaseGeometry g, Resample mode) {
        int[] dims = g.resampledShape();
        if (labels.length != dims[0] * dims[1] * dims[2]) {
            throw new IllegalArgumentException("inverse preprocess " + g.id() + ": " + labels.length
                    + " labels do not fill the preprocessed shape " + Arrays.toString(dims));
        }
        int[] cropDims = g.crop().size();
        int[] back;
        if (Arrays.equals(dims, cropDims)) {
            back = labels;
        } else if (mode == Resample.NEAREST) {
            back = Resampling.nearest(labels, dims, cropDims);
        } else if (SpacingPlanner.anisotropic(g.spacingBefore())) {
            int[] mid = Resampling.inPlane(cropDims, dims, SpacingPlanner.lowResAxis(g.spacingBefore()));
            back = LabelResampler.resize(Resampling.nearest(labels, dims, mid), mid, cropDims);
        } else {
            back = LabelResampler.resize(labels, dims, cropDims);
        }
        int[] rai = g.crop().pad(back);
        Reorientation plan = Reorientation.plan(g.originalAffine(), g.originalShape(), g.workingCodes());
        if (!Arrays.equals(plan.targetShape(), g.raiShape())) {
            throw new IllegalArgumentException("inverse preprocess " + g.id() + ": the original affine reorients to shape "
                    + Arrays.toString(plan.targetShape()) + ", not the recorded " + Arrays.toString(g.raiShape()));
        }
        try (TensorScope scope = new TensorScope()) {
            return scope.retain(plan.undo(Tensor.ofInts(rai, g.raiShape())));
        }
    }

    /**
     * One probability map on the preprocessed grid (row-major, shape {@code resampledShape()}) on
     * the original grid as float32: resampled linearly (the low-resolution axis of anisotropic
     * data by nearest neighbour) and clamped to [0, 1], {@code outside} outside the crop box,
     * reoriented back exactly.
     */
    public static Tensor probabilityToOriginal(float[] p, CaseGeometry g, float outside) {
        int[] dims = g.resampledShape(), cropDims = g.crop().size();
        if (p.length != dims[0] * dims[1] * dims[2]) {
            throw new IllegalArgumentException("inverse preprocess " + g.id() + ": " + p.length
                    + " probabilities do not fill the preprocessed shape " + Arrays.toString(dims));
        }
        double[] v = new double[p.length];
        for (int i = 0; i < v.length; i++) v[i] = p[i];
        double[] back = v;
        if (!Arrays.equals(dims, cropDims)) {
            if (SpacingPlanner.anisotropic(g.spacingBefore())) {
                int[] mid = Resampling.inPlane(cropDims, dims, SpacingPlanner.lowResAxis(g.spacingBefore()));
                back = Zoom.resize(Zoom.resize(v, dims, mid, 0), mid, cropDims, 1);
            } else {
                back = Zoom.resize(v, dims, cropDims, 1);
            }
        }
        float[] boxed = new float[back.length];
        for (int i = 0; i < boxed.length; i++) boxed[i] = (float) Math.min(1, Math.max(0, back[i]));
        float[] full = g.crop().pad(boxed, outside);
        Reorientation plan = Reorientation.plan(g.originalAffine(), g.originalShape(), g.workingCodes());
        try (TensorScope scope = new TensorScope()) {
            return scope.retain(plan.undo(Tensor.of(full, g.raiShape())));
        }
    }

    /**
     * The labels as a uint8 NIfTI image on the original grid: with {@code original}'s header
     * (qform, sform, units, description) when given, else a minimal header of the original affine.
     */
    public static NiftiImage toNifti(int[] labels, CaseGeometry g, Resample mode, NiftiHeader original) {
        try (TensorScope scope = new TensorScope()) {
            Tensor t = toOriginal(labels, g, mode);
            Tensor u = scope.retain(t.cast(DType.UINT8));
            NiftiHeader h = original != null ? original.forData(g.originalShape(), NiftiDataType.UINT8)
                    : NiftiHeader.of(g.originalShape(), NiftiDataType.UINT8, g.originalAffine());
            return new NiftiImage(null, h, g.originalAffine(), u);
        }
    }
}
