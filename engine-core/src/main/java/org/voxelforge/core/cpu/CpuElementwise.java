package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.DoubleUnaryOperator;
import org.voxelforge.core.BinaryOp;
import org.voxelforge.core.DType;
import org.voxelforge.core.Parallel;
import org.voxelforge.core.Shape;
import org.voxelforge.core.ShapeMismatchException;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.UnaryOp;

/**
 * Elementwise ops on the CPU. Every op has a generic path (read each element as double with
 * {@link DType#get}, apply {@link UnaryOp#apply}/{@link BinaryOp#apply}, write with
 * {@link DType#set}) that works for any dtype and layout, and float32/float64 rows whose
 * operands are contiguous (or broadcast scalars) go to {@link VectorKernels} instead.
 * Work is split over {@link Parallel} by flat output index above {@link #GRAIN} elements.
 */
final class CpuElementwise {
    private CpuElementwise() {}

    static final long GRAIN = 1 << 15;

    private static VectorKernels kernels() { return VectorKernels.get(); }

    // ---- unary -----------------------------------------------------------------------------

    /** EXP, LOG, ... of integer or bool input give float32; the rest keep the dtype. */
    static DType unaryResultType(UnaryOp op, DType in) {
        boolean floatResult = switch (op) {
            case EXP, LOG, SQRT, SIGMOID, TANH, RECIPROCAL, ERF -> true;
            default -> false;
        };
        return floatResult && !in.isFloatingPoint() ? DType.FLOAT32 : in;
    }

    static Tensor unary(UnaryOp op, Tensor x) {
        Tensor out = newTensor(unaryResultType(op, x.dtype()), x.shape());
        boolean fast = x.dtype() == DType.FLOAT32 && out.dtype() == DType.FLOAT32;
        mapUnary(out, x, fast ? (xs, xi, os, oi, n) -> kernels().unaryF32(op, xs, xi, os, oi, n) : null, op::apply);
        return out;
    }

    static Tensor leakyRelu(Tensor x, double slope) {
        Tensor out = newTensor(x.dtype(), x.shape());
        boolean fast = x.dtype() == DType.FLOAT32;
        // float32 multiplies by the slope rounded to float on every row, contiguous or strided
        double s = fast ? (float) slope : slope;
        mapUnary(out, x, fast ? (xs, xi, os, oi, n) -> kernels().leakyReluF32(xs, xi, (float) slope, os, oi, n) : null,
                v -> ScalarVectorKernels.leakyRelu(v, s));
        return out;
    }

    /** {@code x > 0 ? g : slope * g}: one pass where the composite (mask, cast, two products, a sum) took five. */
    static Tensor leakyReluBackward(Tensor x, Tensor g, double slope) {
        if (!x.shape().equals(g.shape())) {
            throw new ShapeMismatchException("leakyReluBackward: input " + x.shape() + " and gradient " + g.shape()
                    + " must have the same shape");
        }
        Tensor out = newTensor(g.dtype(), g.shape());
        boolean fast = x.dtype() == DType.FLOAT32 && g.dtype() == DType.FLOAT32;
        MemorySegment os = out.segment(), xs = x.segment(), gs = g.segment();
        DType ot = out.dtype(), xt = x.dtype(), gt = g.dtype();
        float s32 = (float) slope;
        forEachRow(out, new Tensor[] {x, g}, (flat, len, offs, inc) -> {
            if (fast && inc[0] == 1 && inc[1] == 1 && inc[2] == 1) {
                kernels().leakyReluGradF32(xs, offs[1], gs, offs[2], s32, os, offs[0], len);
                return;
            }
            long o = offs[0], p = offs[1], q = offs[2];
            for (int i = 0; i < len; i++, o += inc[0], p += inc[1], q += inc[2]) {
                ot.set(os, o, ScalarVectorKernels.leakyReluGrad(xt.get(xs, p), gt.get(gs, q), ot == DType.FLOAT32 ? s32 : slope));
            }
        });
        return out;
    }

    static Tensor clamp(Tensor x, double lo, double hi) {
        Tensor out = newTensor(x.dtype(), x.shape());
        boolean fast = x.dtype() == DType.FLOAT32;
        mapUnary(out, x, fast ? (xs, xi, os, oi, n) -> kernels().clampF32(xs, xi, (float) lo, (float) hi, os, oi, n) : null,
                v -> ScalarVectorKernels.clamp(v, lo, hi));
        return out;
    }

    /** A contiguous row kernel: {@code n} elements from x[xi..] to out[oi..]. */
    @FunctionalInterface
    interface RowKernel {
        void run(MemorySegment x, long xi, MemorySegment out, long oi, int n);
    }

    /** out = f(x) elementwise; rows where both are contiguous use {@code fast} when given. */
    private static void mapUnary(Tensor out, Tensor x, RowKernel fast, DoubleUnaryOperator f) {
        MemorySegment os = out.segment(), xs = x.segment();
        DType ot = out.dtype(), xt = x.dtype();
        forEachRow(out, new Tensor[] {x}, (flat, len, offs, inc) -> {
            if (fast != null && inc[0] == 1 && inc[1] == 1) {
                fast.run(xs, offs[1], os, offs[0], len);
                return;
            }
            long o = offs[0], p = offs[1];
            for (int i = 0; i < len; i++, o += inc[0], p += inc[1]) ot.set(os, o, f.applyAsDouble(xt.get(xs, p)));
        });
    }

    // ---- binary ----------------------------------------------------------------------------

    static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        Shape shape = Shape.broadcast(op.label(), a.shape(), b.shape());
        DType compute = DType.promote(a.dtype(), b.dtype());
        Tensor out = newTensor(op.isComparison() ? DType.BOOL : compute, shape);
        binaryInto(op, out, a, a.segment(), b, b.segment());
        return out;
    }

    /** {@code a op s}; s is rounded to float32 first when a is float32, as PyTorch does with a Python scalar. */
    static Tensor binaryScalar(BinaryOp op, Tensor a, double s) {
        Tensor out = newTensor(op.isComparison() ? DType.BOOL : a.dtype(), a.shape());
        DType st = a.dtype() == DType.FLOAT32 ? DType.FLOAT32 : DType.FLOAT64;
        // the scalar as a one-element tensor broadcast against a: one code path with binary()
        try (Tensor sv = newTensor(st, Shape.scalar())) {
            st.set(sv.segment(), 0, s);
            binaryInto(op, out, a, a.segment(), sv, sv.segment());
        }
        return out;
    }

    private static void binaryInto(BinaryOp op, Tensor out, Tensor a, MemorySegment as, Tensor b, MemorySegment bs) {
        MemorySegment os = out.segment();
        DType ot = out.dtype(), at = a.dtype(), bt = b.dtype();
        boolean f32 = ot == DType.FLOAT32 && at == ot && bt == ot && VectorKernels.hasBinary(op);
        boolean f64 = ot == DType.FLOAT64 && at == ot && bt == ot && VectorKernels.hasBinary(op);
        // int64 beyond 2^53 would be rounded by the double path
        boolean exactLong = ot == DType.INT64 && !at.isFloatingPoint() && !bt.isFloatingPoint() && switch (op) {
            case ADD, SUB, MUL, MAXIMUM, MINIMUM -> true;
            default -> false;
        };
        forEachRow(out, new Tensor[] {a, b}, (flat, len, offs, inc) -> {
            if ((f32 || f64) && inc[0] == 1 && (inc[1] == 0 || inc[1] == 1) && (inc[2] == 0 || inc[2] == 1)) {
                if (f32) kernels().binaryF32(op, as, offs[1], (int) inc[1], bs, offs[2], (int) inc[2], os, offs[0], len);
                else kernels().binaryF64(op, as, offs[1], (int) inc[1], bs, offs[2], (int) inc[2], os, offs[0], len);
                return;
            }
            long o = offs[0], p = offs[1], q = offs[2];
            if (exactLong) {
                for (int i = 0; i < len; i++, o += inc[0], p += inc[1], q += inc[2]) {
                    ot.setLong(os, o, applyLong(op, at.getLong(as, p), bt.getLong(bs, q)));
                }
                return;
            }
            for (int i = 0; i < len; i++, o += inc[0], p += inc[1], q += inc[2]) {
                ot.set(os, o, op.apply(at.get(as, p), bt.get(bs, q)));
            }
        });
    }

    private static long applyLong(BinaryOp op, long a, long b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case MAXIMUM -> Math.max(a, b);
            case MINIMUM -> Math.min(a, b);
            default -> throw new IllegalArgumentException(op.label() + " has no exact int64 form");
        };
    }

    static Tensor where(Tensor c, Tensor a, Tensor b) {
        Shape shape = Shape.broadcast("where", Shape.broadcast("where", c.shape(), a.shape()), b.shape());
        DType t = DType.promote(a.dtype(), b.dtype());
        Tensor out = newTensor(t, shape);
        MemorySegment os = out.segment(), cs = c.segment(), as = a.segment(), bs = b.segment();
        DType ct = c.dtype(), at = a.dtype(), bt = b.dtype();
        boolean raw = at == t && bt == t; // copy the chosen element's bits, exact for int64 too
        forEachRow(out, new Tensor[] {c, a, b}, (flat, len, offs, inc) -> {
            long o = offs[0], p = offs[1], q = offs[2], r = offs[3];
            for (int i = 0; i < len; i++, o += inc[0], p += inc[1], q += inc[2], r += inc[3]) {
                boolean pick = ct.get(cs, p) != 0;
                if (raw) copyElement(t, pick ? as : bs, pick ? q : r, os, o);
                else t.set(os, o, pick ? at.get(as, q) : bt.get(bs, r));
            }
        });
        return out;
    }

    // ---- data movement ---------------------------------------------------------------------

    /** Copy with dtype conversion into a new contiguous tensor. */
    static Tensor cast(Tensor x, DType to) {
        Tensor out = newTensor(to, x.shape());
        copyInto(out, x);
        return out;
    }

    static void copyInto(Tensor dst, Tensor src) {
        MemorySegment d = dst.segment(), s = src.segment();
        DType dt = dst.dtype(), st = src.dtype();
        long size = dt.byteSize();
        forEachRow(dst, new Tensor[] {src}, (flat, len, offs, inc) -> {
            long o = offs[0], p = offs[1];
            if (dt == st && inc[0] == 1 && inc[1] == 1) {
                MemorySegment.copy(s, p * size, d, o * size, len * size);
            } else if (dt == st) {
                for (int i = 0; i < len; i++, o += inc[0], p += inc[1]) copyElement(dt, s, p, d, o);
            } else {
                for (int i = 0; i < len; i++, o += inc[0], p += inc[1]) dt.set(d, o, st.get(s, p));
            }
        });
        dst.storage().bumpVersion();
    }

    static void fill(Tensor dst, double value) {
        MemorySegment d = dst.segment();
        DType dt = dst.dtype();
        forEachRow(dst, new Tensor[0], (flat, len, offs, inc) -> {
            long o = offs[0];
            for (int i = 0; i < len; i++, o += inc[0]) dt.set(d, o, value);
        });
        dst.storage().bumpVersion();
    }

    // ---- shared helpers --------------------------------------------------------------------

    static Tensor newTensor(DType dtype, Shape shape) { return CpuBackend.INSTANCE.zeros(dtype, shape); }

    /**
     * Walks {@code out} and the inputs broadcast to its shape, one inner row at a time
     * ({@code offsets[0]} is out's, {@code offsets[1 + k]} input k's), in parallel above GRAIN.
     */
    static void forEachRow(Tensor out, Tensor[] ins, StridedLoop.Body body) {
        Shape shape = out.shape();
        long[][] strides = new long[ins.length + 1][];
        long[] bases = new long[ins.length + 1];
        strides[0] = out.strides();
        bases[0] = out.offset();
        for (int k = 0; k < ins.length; k++) {
            strides[k + 1] = StridedLoop.broadcastStrides(ins[k], shape);
            bases[k + 1] = ins[k].offset();
        }
        Coalesce c = Coalesce.of(shape.dims(), strides);
        int[] dims = c.dims();
        long[][] cs = c.strides();
        Parallel.forRange(shape.numel(), GRAIN, (lo, hi) -> StridedLoop.run(dims, cs, bases, lo, hi, body));
    }

    /** Copies one element's bits (no rounding through double, so int64 and NaN payloads survive). */
    static void copyElement(DType t, MemorySegment src, long si, MemorySegment dst, long di) {
        switch (t.byteSize()) {
            case 1 -> dst.set(ValueLayout.JAVA_BYTE, di, src.get(ValueLayout.JAVA_BYTE, si));
            case 2 -> dst.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, di, src.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, si));
            case 4 -> dst.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, di, src.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, si));
            default -> dst.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, di, src.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, si));
        }
    }

    static UnsupportedOperationException todo(String op) {
        return new UnsupportedOperationException(op + " is not implemented on the CPU backend yet");
    }
}
