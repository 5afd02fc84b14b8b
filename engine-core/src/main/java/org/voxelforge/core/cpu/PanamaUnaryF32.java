package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.voxelforge.core.UnaryOp;

/**
 * The whole-vector part of {@link PanamaVectorKernels#unaryF32}: one small loop method per
 * operator, chosen by a switch before the loop, so that no compiled loop holds a profile of
 * operators that a new one would invalidate (see {@link PanamaBinaryF32}). Each method covers
 * {@code n} elements, a multiple of the lane count. Transcendental ops never get here.
 */
final class PanamaUnaryF32 {
    private PanamaUnaryF32() {}

    static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int L = FS.length();
    private static final ByteOrder NO = ByteOrder.nativeOrder();

    private static FloatVector load(MemorySegment s, long i) { return FloatVector.fromMemorySegment(FS, s, i * 4, NO); }

    /** {@code out[i] = op(x[xi + i])} for i &lt; n. */
    static void run(UnaryOp op, MemorySegment x, long xi, MemorySegment out, long oi, int n) {
        switch (op) {
            case NEG -> neg(x, xi, out, oi, n);
            case SQRT -> sqrt(x, xi, out, oi, n);
            case ABS -> abs(x, xi, out, oi, n);
            case RELU -> relu(x, xi, out, oi, n);
            case SIGN -> sign(x, xi, out, oi, n);
            case RECIPROCAL -> reciprocal(x, xi, out, oi, n);
            case SQUARE -> square(x, xi, out, oi, n);
            case EXP, LOG, SIGMOID, TANH, ERF -> throw new AssertionError(op + " runs on the scalar reference (Math), not here");
        }
    }

    private static void neg(MemorySegment x, long xi, MemorySegment out, long oi, int n) {
        for (int i = 0; i < n; i += L) load(x, xi + i).neg().intoMemorySegment(out, (oi + i) * 4, NO);
    }

    private static void sqrt(MemorySegment x, long xi, MemorySegment out, long oi, int n) {
        for (int i = 0; i < n; i += L) load(x, xi + i).sqrt().intoMemorySegment(out, (oi + i) * 4, NO);
    }

    private static void abs(MemorySegment x, long xi, MemorySegment out, long oi, int n) {
        for (int i = 0; i < n; i += L) load(x, xi + i).abs().intoMemorySegment(out, (oi + i) * 4, NO);
    }

    private static void relu(MemorySegment x, long xi, MemorySegment out, long oi, int n) {
        FloatVector zero = FloatVector.zero(FS);
        for (int i = 0; i < n; i += L) {
            FloatVector v = load(x, xi + i);
            v.blend(zero, v.compare(VectorOperators.LE, 0f)).intoMemorySegment(out, (oi + i) * 4, NO); // NaN compares false and stays
        }
    }

    private static void sign(MemorySegment x, long xi, MemorySegment out, long oi, int n) {
        FloatVector one = FloatVector.broadcast(FS, 1f), minusOne = one.neg();
        for (int i = 0; i < n; i += L) {
            FloatVector v = load(x, xi + i);
            VectorMask<Float> pos = v.compare(VectorOperators.GT, 0f), neg = v.compare(VectorOperators.LT, 0f);
            v.blend(one, pos).blend(minusOne, neg).intoMemorySegment(out, (oi + i) * 4, NO); // zeros and NaN keep themselves
        }
    }

    private static void reciprocal(MemorySegment x, long xi, MemorySegment out, long oi, int n) {
        FloatVector one = FloatVector.broadcast(FS, 1f);
        for (int i = 0; i < n; i += L) one.div(load(x, xi + i)).intoMemorySegment(out, (oi + i) * 4, NO);
    }

    private static void square(MemorySegment x, long xi, MemorySegment out, long oi, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector v = load(x, xi + i);
            v.mul(v).intoMemorySegment(out, (oi + i) * 4, NO);
        }
    }
}
