package org.voxelforge.train.metrics;

import java.io.IOException;
import java.nio.file.Path;
import org.voxelforge.core.Tensor;
import org.voxelforge.data.nifti.NiftiDataType;
import org.voxelforge.data.nifti.NiftiHeader;
import org.voxelforge.data.nifti.NiftiWriter;

/** Writes label maps as NIfTI files for tests. */
public final class NiftiFixtures {
    private NiftiFixtures() {}

    public static void write(Path file, int[] labels, int[] dims, double[] spacing) throws IOException {
        double[][] affine = {{spacing[0], 0, 0, 0}, {0, spacing[1], 0, 0}, {0, 0, spacing[2], 0}, {0, 0, 0, 1}};
        try (Tensor t = Tensor.ofInts(labels, dims)) {
            NiftiWriter.write(file, t, NiftiHeader.of(dims, NiftiDataType.INT16, affine), NiftiDataType.INT16);
        }
    }
}
