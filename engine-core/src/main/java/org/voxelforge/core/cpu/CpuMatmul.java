package org.voxelforge.core.cpu;

import org.voxelforge.core.Tensor;

/** Matrix products on the CPU. (Skeleton.) */
final class CpuMatmul {
    private CpuMatmul() {}

    static Tensor matmul(Tensor a, Tensor b) { throw CpuElementwise.todo("matmul"); }
}
