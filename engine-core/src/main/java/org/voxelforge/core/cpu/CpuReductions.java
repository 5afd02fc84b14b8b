package org.voxelforge.core.cpu;

import org.voxelforge.core.ReduceOp;
import org.voxelforge.core.Tensor;

/** Reductions and softmax on the CPU. (Skeleton.) */
final class CpuReductions {
    private CpuReductions() {}

    static Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepDims) { throw CpuElementwise.todo("reduce"); }
    static Tensor argReduce(boolean max, Tensor x, int axis, boolean keepDim) { throw CpuElementwise.todo("argmax"); }
    static Tensor variance(Tensor x, int[] axes, int correction, boolean keepDims) { throw CpuElementwise.todo("variance"); }
    static Tensor softmax(Tensor x, int axis, boolean log) { throw CpuElementwise.todo("softmax"); }
}
