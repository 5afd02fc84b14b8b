package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import org.voxelforge.core.BinaryOp;
import org.voxelforge.core.DType;
import org.voxelforge.core.Parallel;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.UnaryOp;

/** Elementwise ops on the CPU. (Skeleton: generic paths for copy and fill; the rest lands with the ops work.) */
final class CpuElementwise {
    private CpuElementwise() {}

    static final long GRAIN = 1 << 15;

    static Tensor unary(UnaryOp op, Tensor x) { throw todo("unary"); }
    static Tensor leakyRelu(Tensor x, double slope) { throw todo("leakyRelu"); }
    static Tensor clamp(Tensor x, double lo, double hi) { throw todo("clamp"); }
    static Tensor binary(BinaryOp op, Tensor a, Tensor b) { throw todo("binary"); }
    static Tensor binaryScalar(BinaryOp op, Tensor a, double s) { throw todo("binaryScalar"); }
    static Tensor where(Tensor c, Tensor a, Tensor b) { throw todo("where"); }

    /** Generic copy with dtype conversion into a new contiguous tensor. */
    static Tensor cast(Tensor x, DType to) {
        Tensor out = CpuBackend.INSTANCE.zeros(to, x.shape());
        copyInto(out, x);
        return out;
    }

    static void copyInto(Tensor dst, Tensor src) {
        Shape shape = dst.shape();
        long[][] strides = {dst.strides(), StridedLoop.broadcastStrides(src, shape)};
        long[] bases = {dst.offset(), src.offset()};
        MemorySegment d = dst.segment(), s = src.segment();
        DType dt = dst.dtype(), st = src.dtype();
        int[] dims = shape.dims();
        Parallel.forRange(shape.numel(), GRAIN, (lo, hi) -> StridedLoop.run(dims, strides, bases, lo, hi,
                (flat, len, offs, inc) -> {
                    long o = offs[0], p = offs[1];
                    for (int i = 0; i < len; i++, o += inc[0], p += inc[1]) dt.set(d, o, st.get(s, p));
                }));
        dst.storage().bumpVersion();
    }

    static void fill(Tensor dst, double value) {
        MemorySegment d = dst.segment();
        DType dt = dst.dtype();
        int[] dims = dst.dims();
        long[][] strides = {dst.strides()};
        long[] bases = {dst.offset()};
        Parallel.forRange(dst.numel(), GRAIN, (lo, hi) -> StridedLoop.run(dims, strides, bases, lo, hi,
                (flat, len, offs, inc) -> {
                    long o = offs[0];
                    for (int i = 0; i < len; i++, o += inc[0]) dt.set(d, o, value);
                }));
        dst.storage().bumpVersion();
    }

    static UnsupportedOperationException todo(String op) {
        return new UnsupportedOperationException(op + " is not implemented on the CPU backend yet");
    }
}
