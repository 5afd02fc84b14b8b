package org.voxelforge.data.analysis;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.data.nifti.NiftiImage;
import org.voxelforge.data.nifti.NiftiReader;
import org.voxelforge.data.orient.Affines;
import org.voxelforge.data.orient.AxisCodes;
import org.voxelforge.data.orient.Reorientation;

/**
 * A 3D image brought to MIST's working orientation, as a row-major {@code double[]} of shape
 * {@code dims} = [x, y, z] (index (i, j, k) at {@code (i * dims[1] + j) * dims[2] + k}).
 *
 * <p>Orientation convention: MIST reorients every image to ANTs' "RAI". ANTs/ITK name an axis by
 * the side it comes FROM, nibabel (and {@link AxisCodes}) by the side it points TO, so ITK's RAI
 * is nibabel's {@value #CODES}: i runs toward the Left, j toward Posterior, k toward Superior.
 * Analysis and preprocessing work on this grid; {@link #plan} maps results back exactly.
 */
public record RaiVolume(double[] data, int[] dims, double[] spacing, double[][] affine, Reorientation plan) {
    /** MIST's orientation as ANTs names it. */
    public static final String ITK_NAME = "RAI";
    /** The same orientation in nibabel's axis codes: {@code AxisCodes.fromItk("RAI")}. */
    public static final String CODES = "LPS";

    static {
        if (!AxisCodes.fromItk(ITK_NAME).equals(CODES)) throw new AssertionError("RAI must be nibabel's LPS");
    }

    public long voxels() { return (long) dims[0] * dims[1] * dims[2]; }

    /** Reads a 3D NIfTI image and reorients it (no resampling) to RAI. */
    public static RaiVolume read(Path file) throws IOException {
        try (NiftiImage img = NiftiReader.read(file)) {
            return of(img);
        }
    }

    public static RaiVolume of(NiftiImage img) {
        int[] shape = img.shape();
        if (shape.length == 4 && shape[3] == 1) shape = Arrays.copyOf(shape, 3);
        if (shape.length != 3) {
            throw new IllegalArgumentException(img.source() + ": image of shape " + Arrays.toString(img.shape())
                    + " is not 3D; MIST's layout holds one 3D NIfTI per modality");
        }
        Reorientation plan = Reorientation.plan(img.affine(), shape, CODES);
        try (TensorScope scope = new TensorScope()) {
            Tensor t = img.data().rank() == 4 ? img.data().select(3, 0) : img.data();
            Tensor r = plan.apply(t);
            double[] d = r.toDoubleArray();
            double[][] a = plan.targetAffine();
            return new RaiVolume(d, plan.targetShape(), Affines.columnNorms(a), a, plan);
        }
    }

    @Override public String toString() {
        return "RaiVolume" + Arrays.toString(dims) + " spacing " + Arrays.toString(spacing);
    }
}
