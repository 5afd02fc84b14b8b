package org.voxelforge.core.cpu;

import java.util.List;
import org.voxelforge.core.DType;
import org.voxelforge.core.PadMode;
import org.voxelforge.core.Tensor;

/** Data-movement ops on the CPU. (Skeleton.) */
final class CpuShapeOps {
    private CpuShapeOps() {}

    static Tensor arange(double start, double end, double step, DType dtype) { throw CpuElementwise.todo("arange"); }
    static Tensor concat(List<Tensor> xs, int axis) { throw CpuElementwise.todo("concat"); }
    static Tensor pad(Tensor x, int[] before, int[] after, PadMode mode, double value) { throw CpuElementwise.todo("pad"); }
    static Tensor flip(Tensor x, int[] axes) { throw CpuElementwise.todo("flip"); }
    static Tensor gather(Tensor x, int axis, Tensor index) { throw CpuElementwise.todo("gather"); }
    static void scatterAdd(Tensor dst, int axis, Tensor index, Tensor src) { throw CpuElementwise.todo("scatterAdd"); }
    static Tensor indexSelect(Tensor x, int axis, Tensor index) { throw CpuElementwise.todo("indexSelect"); }
    static void indexAdd(Tensor dst, int axis, Tensor index, Tensor src) { throw CpuElementwise.todo("indexAdd"); }
    static Tensor oneHot(Tensor labels, int numClasses, int axis, DType dtype) { throw CpuElementwise.todo("oneHot"); }
}
