package org.voxelforge.nn.loss;

import org.voxelforge.core.fused.RegionLoss;

/**
 * A loss that the fused softmax kernels can compute as one pass (see {@link FusedRegionLoss}): its
 * overlap, classification and boundary terms with their weights, or null when one of its settings
 * is outside what the kernels compute (class-weighted CE, two different overlap terms, ...).
 */
interface FusableLoss {
    RegionLoss.Terms fusedTerms();
}
