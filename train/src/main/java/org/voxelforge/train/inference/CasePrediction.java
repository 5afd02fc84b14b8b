package org.voxelforge.train.inference;

import java.io.IOException;
import java.nio.file.Path;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.data.nifti.NiftiDataType;
import org.voxelforge.data.nifti.NiftiHeader;
import org.voxelforge.data.nifti.NiftiWriter;
import org.voxelforge.data.preprocess.CaseGeometry;

/**
 * A case's prediction back on its original grid.
 *
 * @param labels        int32 label map of the original file's shape
 * @param header        the first modality file's header, whose geometry the label file gets
 * @param geometry      how the case was preprocessed
 * @param probabilities [K, X, Y, Z] on the preprocessed grid, or null when not asked for; see
 *                      {@link #writeProbabilitiesNifti} for them on the original grid
 * @param stats         the sliding-window run
 */
public record CasePrediction(String id, Tensor labels, NiftiHeader header, CaseGeometry geometry, Tensor probabilities,
                             SlidingWindow.Stats stats) implements AutoCloseable {

    /** Writes the labels as uint8 NIfTI with the original header's geometry (temporary file, then atomic rename). */
    public NiftiWriter.Result writeNifti(Path file) throws IOException {
        try (TensorScope scope = new TensorScope()) {
            double lo = labels.min().item(), hi = labels.max().item();
            if (lo < 0 || hi > 255) {
                throw new IllegalArgumentException("writing prediction " + id + " to " + file + ": labels span " + (long) lo
                        + ".." + (long) hi + " but a uint8 label file holds 0..255");
            }
        }
        return NiftiWriter.write(file, labels, header, NiftiDataType.UINT8);
    }

    /**
     * The probabilities on the original grid as float32 [X, Y, Z, K] (NIfTI's order for a 4D
     * image), written atomically with the original header's geometry. {@code outside[k]} is
     * channel k's value outside the crop box (1 for a softmax background channel, else 0).
     */
    public NiftiWriter.Result writeProbabilitiesNifti(Path file, float[] outside) throws IOException {
        if (probabilities == null) throw new IllegalStateException("prediction " + id + " kept no probabilities; ask for them when predicting");
        int k = probabilities.dim(0);
        if (outside.length != k) throw new IllegalArgumentException("probabilities of " + id + ": " + k + " channels but " + outside.length + " outside values");
        try (TensorScope scope = new TensorScope()) {
            java.util.List<Tensor> channels = new java.util.ArrayList<>();
            for (int c = 0; c < k; c++) {
                float[] v = probabilities.select(0, c).contiguous().toFloatArray();
                channels.add(org.voxelforge.data.preprocess.InverseTransform.probabilityToOriginal(v, geometry, outside[c]));
            }
            Tensor all = Tensor.stack(channels, 3);
            return NiftiWriter.write(file, all, header.forData(all.dims(), NiftiDataType.FLOAT32), NiftiDataType.FLOAT32);
        }
    }

    @Override public void close() {
        labels.close();
        if (probabilities != null) probabilities.close();
    }
}
