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
 * @param probabilities [K, X, Y, Z] on the preprocessed grid (not inverted), or null when not asked for
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

    @Override public void close() {
        labels.close();
        if (probabilities != null) probabilities.close();
    }
}
