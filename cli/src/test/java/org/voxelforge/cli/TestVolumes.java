package org.voxelforge.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.data.nifti.NiftiDataType;
import org.voxelforge.data.nifti.NiftiHeader;
import org.voxelforge.data.nifti.NiftiImage;
import org.voxelforge.data.nifti.NiftiReader;
import org.voxelforge.data.nifti.NiftiWriter;

/** Small NIfTI files for CLI tests. */
final class TestVolumes {
    static final double[][] AFFINE = {{2, 0, 0, -5}, {0, 1, 0, 3}, {0, 0, 1.5, 7}, {0, 0, 0, 1}};

    private TestVolumes() {}

    static void writeLabels(Path file, int[] labels, int... dims) throws IOException {
        try (TensorScope s = new TensorScope()) {
            NiftiWriter.write(file, Tensor.ofInts(labels, dims), NiftiHeader.of(dims, NiftiDataType.INT16, AFFINE), NiftiDataType.INT16);
        }
    }

    static void writeImage(Path file, float[] values, int... dims) throws IOException {
        try (TensorScope s = new TensorScope()) {
            NiftiWriter.write(file, Tensor.of(values, dims), NiftiHeader.of(dims, NiftiDataType.FLOAT32, AFFINE), NiftiDataType.FLOAT32);
        }
    }

    static int[] readLabels(Path file) throws IOException {
        try (NiftiImage img = NiftiReader.read(file)) {
            return img.data().cast(org.voxelforge.core.DType.INT32).toIntArray();
        }
    }
}
