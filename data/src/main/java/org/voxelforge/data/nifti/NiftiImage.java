package org.voxelforge.data.nifti;

import java.nio.file.Path;
import org.voxelforge.core.Tensor;
import org.voxelforge.data.orient.Affines;
import org.voxelforge.data.orient.AxisCodes;
import org.voxelforge.data.orient.Reorientation;

/**
 * A NIfTI image: where it came from, its header, its voxel-to-world affine (nibabel's choice of
 * sform / qform / base affine, in the header's spatial unit, RAS+ world as NIfTI defines it) and
 * its voxels.
 *
 * <p>Axis order: {@code data} has shape [x, y, z] or [x, y, z, t] as nibabel's get_fdata()
 * shows it, so {@code data.get(i, j, k)} equals nibabel's {@code data[i, j, k]}. The storage is
 * the file's order (i fastest), so the tensor is a Fortran-order view with strides
 * [1, nx, nx*ny, ...]; call {@code contiguous()} for a row-major copy.
 *
 * <p>dtype: uint8 stays uint8; int8, int16, uint16 and int32 read as int32; uint32 and int64 as
 * int64; float32 and float64 as themselves. With scl_slope/scl_inter in effect
 * ({@link NiftiHeader#hasScaling()}) the values are raw * slope + inter, computed in double and
 * stored as float32, or as float64 when the file holds float64.
 *
 * <p>The image owns its tensor: {@link #close()} closes it.
 */
public record NiftiImage(Path source, NiftiHeader header, double[][] affine, Tensor data) implements AutoCloseable {

    public NiftiImage {
        affine = Affines.copy(affine);
    }

    @Override public double[][] affine() { return Affines.copy(affine); }

    public int[] shape() { return data.dims(); }

    /** Voxel sizes along the tensor's axes, from pixdim. */
    public double[] zooms() { return header.zooms(); }

    public NiftiUnits.Space spaceUnit() { return header.spaceUnit(); }

    public NiftiUnits.Time timeUnit() { return header.timeUnit(); }

    /** The voxel axes' orientation codes in nibabel's convention ("RAS", "LPS", ...); see {@link AxisCodes}. */
    public String axisCodes() { return AxisCodes.fromAffine(affine); }

    /**
     * This image permuted and flipped (no resampling) so its axes point to {@code target}, e.g.
     * "RAS", or {@code AxisCodes.fromItk("RAI")} for MIST's/ANTs' RAI. The new image owns a new
     * contiguous tensor; its header carries the new affine as sform and qform. Keep the
     * {@link Reorientation} from {@link Reorientation#plan} to map results back exactly.
     */
    public NiftiImage reoriented(String target) {
        return reoriented(Reorientation.plan(affine, shape(), target));
    }

    public NiftiImage reoriented(Reorientation plan) {
        Tensor t = plan.apply(data);
        NiftiHeader h = header.withShape(plan.targetShape()).withAffine(plan.targetAffine());
        return new NiftiImage(source, h, plan.targetAffine(), t);
    }

    @Override public void close() { data.close(); }
}
