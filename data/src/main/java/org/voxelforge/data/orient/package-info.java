/**
 * Orientation of voxel grids, in nibabel's convention: each letter of a code names the direction
 * an axis points TO as its index grows, in the RAS+ world of NIfTI. "RAS": i toward Right, j
 * toward Anterior, k toward Superior.
 *
 * <p>ITK, ANTs and SimpleITK write codes in the opposite sense (where an axis comes FROM): the
 * "RAI" that MIST reorients to with ANTs is "LPS" here (DICOM's patient frame). Use
 * {@link org.voxelforge.data.orient.AxisCodes#fromItk(String)} to translate.
 *
 * <p>{@link org.voxelforge.data.orient.AxisCodes#fromAffine} is nibabel's aff2axcodes;
 * {@link org.voxelforge.data.orient.Reorientation} permutes and flips a grid (no resampling) to
 * any target and back, exactly.
 */
package org.voxelforge.data.orient;
