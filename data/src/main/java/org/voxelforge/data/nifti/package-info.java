/**
 * NIfTI-1 and NIfTI-2 images, read and written by our own code (JDK only).
 *
 * <ul>
 *   <li>{@link org.voxelforge.data.nifti.NiftiReader}: .nii, .nii.gz, .hdr/.img pairs; both byte
 *       orders; uint8, int8, int16, uint16, int32, uint32, int64, float32, float64; up to 4D.</li>
 *   <li>{@link org.voxelforge.data.nifti.NiftiImage}: header + affine + tensor. The tensor has
 *       nibabel's axis order [x, y, z(, t)]: {@code data.get(i, j, k)} is nibabel's
 *       {@code img.get_fdata()[i, j, k]}; its memory is the file's (i fastest).</li>
 *   <li>Affine: nibabel's get_best_affine (sform if sform_code != 0, else qform if
 *       qform_code != 0, else diag(-dx, dy, dz) centred on the volume).</li>
 *   <li>Scaling: as nibabel (slope 0 or non-finite means none); scaled data are float32, or
 *       float64 when the file holds float64.</li>
 *   <li>{@link org.voxelforge.data.nifti.NiftiWriter}: single-file NIfTI-1, float32/int16/uint8,
 *       atomic (temporary file + rename).</li>
 * </ul>
 * Checked against nibabel on Debian's test files and mricron templates (NibabelReferenceTest).
 */
package org.voxelforge.data.nifti;
