/**
 * Segmentation losses on autograd Variables: logits [N, C, spatial...] (any spatial rank),
 * integer labels [N, spatial...] or float one-hot targets, and an optional voxel mask for
 * sparse annotation (masked-out voxels add nothing and get exactly zero gradient).
 *
 * <p>Voxelwise: {@link org.voxelforge.nn.loss.CrossEntropyLoss} (class weights),
 * {@link org.voxelforge.nn.loss.TopKCrossEntropyLoss}, {@link org.voxelforge.nn.loss.MseLoss},
 * {@link org.voxelforge.nn.loss.FocalLoss}. Overlap: {@link org.voxelforge.nn.loss.SoftDiceLoss},
 * {@link org.voxelforge.nn.loss.DiceCeLoss}, {@link org.voxelforge.nn.loss.GeneralizedDiceLoss},
 * {@link org.voxelforge.nn.loss.TverskyLoss}, {@link org.voxelforge.nn.loss.RegionDiceBceLoss}
 * (BraTS regions via {@link org.voxelforge.nn.loss.RegionSpec}). Shape and boundary:
 * {@link org.voxelforge.nn.loss.EdgeLoss}, {@link org.voxelforge.nn.loss.SoftClDiceLoss}, and the
 * distance-map losses {@link org.voxelforge.nn.loss.BoundaryLoss},
 * {@link org.voxelforge.nn.loss.HausdorffDtLoss}, {@link org.voxelforge.nn.loss.GeneralizedSurfaceLoss}.
 * Wrappers: {@link org.voxelforge.nn.loss.CompositeLoss} with an
 * {@link org.voxelforge.nn.loss.AlphaSchedule}, {@link org.voxelforge.nn.loss.DeepSupervisionLoss}.
 * {@link org.voxelforge.nn.loss.Losses#create} builds them by MIST's names.
 */
package org.voxelforge.nn.loss;
