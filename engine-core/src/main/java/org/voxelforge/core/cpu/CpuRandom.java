package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.voxelforge.core.DType;
import org.voxelforge.core.Parallel;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;

/**
 * Counter-based random fills on the CPU. Element i is {@link RandomGenerator#sample} at counter
 * {@code counter + i}, rounded by {@link DType#set}; since each element depends on its own index
 * only, any split of the range over threads gives the same tensor.
 */
final class CpuRandom {
    private CpuRandom() {}

    /** Philox plus a transcendental or two per element: a smaller grain than a plain copy pays. */
    private static final long GRAIN = 1 << 12;

    static void fill(Tensor dst, RandomGenerator.Distribution dist, double a, double b, long key, long counter) {
        if (!dst.isContiguous()) {
            throw new IllegalArgumentException("random fill needs a contiguous tensor, got a strided " + dst.describe());
        }
        MemorySegment s = dst.segment();
        DType dt = dst.dtype();
        long base = dst.offset();
        Parallel.forRange(dst.numel(), GRAIN, (lo, hi) -> {
            int[] w = new int[4]; // one scratch per chunk, not per element
            if (dt == DType.FLOAT32) {
                // same rounding as DType.set for float32, without its per-element switch
                for (long i = lo; i < hi; i++) {
                    float v = (float) RandomGenerator.sample(dist, a, b, key, counter + i, dt, w);
                    s.set(ValueLayout.JAVA_FLOAT_UNALIGNED, (base + i) * 4, v);
                }
            } else {
                for (long i = lo; i < hi; i++) dt.set(s, base + i, RandomGenerator.sample(dist, a, b, key, counter + i, dt, w));
            }
        });
        dst.storage().bumpVersion();
    }
}
