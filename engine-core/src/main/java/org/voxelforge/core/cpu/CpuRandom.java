package org.voxelforge.core.cpu;

import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;

/** Counter-based random fills on the CPU. (Skeleton.) */
final class CpuRandom {
    private CpuRandom() {}

    static void fill(Tensor dst, RandomGenerator.Distribution dist, double a, double b, long key, long counter) {
        throw CpuElementwise.todo("random fill");
    }
}
