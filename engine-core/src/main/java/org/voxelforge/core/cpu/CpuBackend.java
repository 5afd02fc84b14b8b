package org.voxelforge.core.cpu;

import java.util.List;
import org.voxelforge.core.Backend;
import org.voxelforge.core.BinaryOp;
import org.voxelforge.core.DType;
import org.voxelforge.core.Device;
import org.voxelforge.core.PadMode;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.ReduceOp;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Storage;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.UnaryOp;

/**
 * The CPU backend: a thin router. Each family of ops lives in its own class
 * ({@link CpuElementwise}, {@link CpuReductions}, {@link CpuMatmul}, {@link CpuShapeOps},
 * {@link CpuRandom}), with a scalar reference path and, where it pays, a Vector API fast path.
 */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {}

    @Override public Device device() { return Device.CPU; }

    @Override public Tensor upload(Tensor host) { return contiguous(host); }

    @Override public Tensor download(Tensor x) { return contiguous(x); }

    @Override public Tensor zeros(DType dtype, Shape shape) {
        Storage s = Storage.allocateCpu(shape.numel() * dtype.byteSize());
        return new Tensor(s, dtype, shape, shape.contiguousStrides(), 0);
    }

    @Override public Tensor unary(UnaryOp op, Tensor x) { return CpuElementwise.unary(op, x); }
    @Override public Tensor leakyRelu(Tensor x, double slope) { return CpuElementwise.leakyRelu(x, slope); }

    @Override public Tensor[] groupNormAct(Tensor x, Tensor gamma, Tensor beta, int groups, double eps, double slope) {
        return CpuGroupNorm.forward(x, gamma, beta, groups, eps, slope);
    }

    @Override public Tensor[] groupNormActBackward(Tensor x, Tensor dy, Tensor gamma, Tensor beta, Tensor mean, Tensor rstd,
                                                   int groups, double slope) {
        return CpuGroupNorm.backward(x, dy, gamma, beta, mean, rstd, groups, slope);
    }

    @Override public Tensor leakyReluBackward(Tensor x, Tensor grad, double slope) { return CpuElementwise.leakyReluBackward(x, grad, slope); }
    @Override public Tensor clamp(Tensor x, double lo, double hi) { return CpuElementwise.clamp(x, lo, hi); }
    @Override public Tensor binary(BinaryOp op, Tensor a, Tensor b) { return CpuElementwise.binary(op, a, b); }
    @Override public Tensor binaryScalar(BinaryOp op, Tensor a, double s) { return CpuElementwise.binaryScalar(op, a, s); }
    @Override public Tensor where(Tensor c, Tensor a, Tensor b) { return CpuElementwise.where(c, a, b); }

    @Override public Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepDims) { return CpuReductions.reduce(op, x, allIfEmpty(x, axes), keepDims); }
    @Override public Tensor argMax(Tensor x, int axis, boolean keepDim) { return CpuReductions.argReduce(true, x, axis, keepDim); }
    @Override public Tensor argMin(Tensor x, int axis, boolean keepDim) { return CpuReductions.argReduce(false, x, axis, keepDim); }
    @Override public Tensor variance(Tensor x, int[] axes, int correction, boolean keepDims) {
        return CpuReductions.variance(x, allIfEmpty(x, axes), correction, keepDims);
    }

    /** Backend's contract: an empty axis list means every axis (Tensor's methods already pass them all). */
    private static int[] allIfEmpty(Tensor x, int[] axes) {
        if (axes.length > 0) return axes;
        int[] all = new int[x.rank()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        return all;
    }
    @Override public Tensor softmax(Tensor x, int axis) { return CpuReductions.softmax(x, axis, false); }
    @Override public Tensor logSoftmax(Tensor x, int axis) { return CpuReductions.softmax(x, axis, true); }

    @Override public Tensor matmul(Tensor a, Tensor b) { return CpuMatmul.matmul(a, b); }

    @Override public Tensor cast(Tensor x, DType dtype) { return CpuElementwise.cast(x, dtype); }
    @Override public Tensor contiguous(Tensor x) { return CpuElementwise.cast(x, x.dtype()); }
    @Override public void copyInto(Tensor dst, Tensor src) { CpuElementwise.copyInto(dst, src); }
    @Override public void fill(Tensor dst, double value) { CpuElementwise.fill(dst, value); }

    @Override public Tensor arange(double start, double end, double step, DType dtype) { return CpuShapeOps.arange(start, end, step, dtype); }
    @Override public Tensor concat(List<Tensor> xs, int axis) { return CpuShapeOps.concat(xs, axis); }
    @Override public Tensor pad(Tensor x, int[] before, int[] after, PadMode mode, double value) { return CpuShapeOps.pad(x, before, after, mode, value); }
    @Override public Tensor flip(Tensor x, int[] axes) { return CpuShapeOps.flip(x, axes); }
    @Override public Tensor gather(Tensor x, int axis, Tensor index) { return CpuShapeOps.gather(x, axis, index); }
    @Override public void scatterAdd(Tensor dst, int axis, Tensor index, Tensor src) { CpuShapeOps.scatterAdd(dst, axis, index, src); }
    @Override public Tensor indexSelect(Tensor x, int axis, Tensor index) { return CpuShapeOps.indexSelect(x, axis, index); }
    @Override public void indexAdd(Tensor dst, int axis, Tensor index, Tensor src) { CpuShapeOps.indexAdd(dst, axis, index, src); }
    @Override public Tensor oneHot(Tensor labels, int numClasses, int axis, DType dtype) { return CpuShapeOps.oneHot(labels, numClasses, axis, dtype); }

    @Override public void fillRandom(Tensor dst, RandomGenerator.Distribution dist, double a, double b, long key, long counter) {
        CpuRandom.fill(dst, dist, a, b, key, counter);
    }

    // ---- 3D convolution, pooling, resampling (CpuConv3d, CpuPool3d, CpuUpsample3d) ------------
    @Override public Tensor conv3d(Tensor x, Tensor w, Tensor bias, org.voxelforge.core.Conv3dParams p) { return CpuConv3d.forward(x, w, bias, p); }
    @Override public Tensor conv3dBackwardData(Tensor gradY, Tensor w, Shape xShape, org.voxelforge.core.Conv3dParams p) { return CpuConv3d.backwardData(gradY, w, xShape, p); }
    @Override public Tensor conv3dBackwardWeight(Tensor gradY, Tensor x, Shape wShape, org.voxelforge.core.Conv3dParams p) { return CpuConv3d.backwardWeight(gradY, x, wShape, p); }
    @Override public org.voxelforge.core.MaxPool3dResult maxPool3d(Tensor x, org.voxelforge.core.Pool3dParams p) { return CpuPool3d.maxPool(x, p); }
    @Override public Tensor maxPool3dBackward(Tensor gradY, Tensor indices, Shape xShape, org.voxelforge.core.Pool3dParams p) { return CpuPool3d.maxPoolBackward(gradY, indices, xShape); }
    @Override public Tensor avgPool3d(Tensor x, org.voxelforge.core.Pool3dParams p, boolean countIncludePad) { return CpuPool3d.avgPool(x, p, countIncludePad); }
    @Override public Tensor avgPool3dBackward(Tensor gradY, Shape xShape, org.voxelforge.core.Pool3dParams p, boolean countIncludePad) { return CpuPool3d.avgPoolBackward(gradY, xShape, p, countIncludePad); }
    @Override public Tensor adaptiveAvgPool3d(Tensor x, int[] outSize) { return CpuPool3d.adaptiveAvgPool(x, outSize); }
    @Override public Tensor adaptiveAvgPool3dBackward(Tensor gradY, Shape xShape) { return CpuPool3d.adaptiveAvgPoolBackward(gradY, xShape); }
    @Override public Tensor upsample3d(Tensor x, int[] outSize, org.voxelforge.core.UpsampleMode mode, boolean alignCorners) { return CpuUpsample3d.forward(x, outSize, mode, alignCorners); }
    @Override public Tensor upsample3dBackward(Tensor gradY, Shape xShape, org.voxelforge.core.UpsampleMode mode, boolean alignCorners) { return CpuUpsample3d.backward(gradY, xShape, mode, alignCorners); }
}
