/**
 * CPU twins of the fused CUDA kernels (kernels/src/main/cuda/groupnorm.cuh, dice_ce.cuh,
 * optim.cuh): each mirrors its kernel's decomposition (the same chunks of a reduction, the same
 * partial sums, the same finalize formulas) on plain Java arrays, so that it is the reference an
 * emulated or real kernel is compared with, and is itself compared with the composed nn
 * implementations (GroupNorm/InstanceNorm3d + LeakyReLU, DiceCeLoss and the other softmax region
 * losses of RegionLoss: Tversky, focal, Dice + focal, region + boundary; SGD/AdamW/GradClipping).
 * The launchers that run the kernels are in {@link org.voxelforge.core.cuda.FusedKernels}.
 * {@link org.voxelforge.core.fused.AffineResample} is the twin of resample.cuh (launched by
 * {@link org.voxelforge.core.cuda.VolumeKernels}), compared with the data module's SpatialTransform.
 */
package org.voxelforge.core.fused;
