package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.voxelforge.core.BinaryOp;

/**
 * The whole-vector part of {@link PanamaVectorKernels#binaryF32}: one small loop method per
 * (operator, broadcast pattern), chosen by a switch before the loop. Why not one loop with the
 * switch and the broadcast choice inside: the JIT profiles such a loop with whatever ops and
 * patterns it has seen so far, prunes the others, and every new op or pattern then traps
 * ("uncommon trap") and drops the loop back to the interpreter, where Vector API code runs about
 * 100x slower, until it is recompiled; a training step meets new ops for many seconds. Each
 * loop here has a single straight-line body, nothing to prune, so its compiled code stays.
 *
 * <p>Every method covers {@code n} elements, a multiple of the lane count; the caller finishes
 * the tail. The arithmetic is the same lane op as before, so no bit changes.
 */
final class PanamaBinaryF32 {
    private PanamaBinaryF32() {}

    static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int L = FS.length();
    private static final ByteOrder NO = ByteOrder.nativeOrder();

    private static FloatVector load(MemorySegment s, long i) { return FloatVector.fromMemorySegment(FS, s, i * 4, NO); }

    /** {@code out[i] = a[ai + i] op b[bi + i]} for i &lt; n. */
    static void vv(BinaryOp op, MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment out, long oi, int n) {
        switch (op) {
            case ADD -> addVV(a, ai, b, bi, out, oi, n);
            case SUB -> subVV(a, ai, b, bi, out, oi, n);
            case MUL -> mulVV(a, ai, b, bi, out, oi, n);
            case DIV -> divVV(a, ai, b, bi, out, oi, n);
            case MAXIMUM -> maxVV(a, ai, b, bi, out, oi, n);
            case MINIMUM -> minVV(a, ai, b, bi, out, oi, n);
            default -> throw new IllegalArgumentException(op.label() + " has no float kernel");
        }
    }

    /** {@code out[i] = a[ai + i] op b} (b broadcast) for i &lt; n. */
    static void vs(BinaryOp op, MemorySegment a, long ai, float b, MemorySegment out, long oi, int n) {
        switch (op) {
            case ADD -> addVS(a, ai, b, out, oi, n);
            case SUB -> subVS(a, ai, b, out, oi, n);
            case MUL -> mulVS(a, ai, b, out, oi, n);
            case DIV -> divVS(a, ai, b, out, oi, n);
            case MAXIMUM -> maxVS(a, ai, b, out, oi, n);
            case MINIMUM -> minVS(a, ai, b, out, oi, n);
            default -> throw new IllegalArgumentException(op.label() + " has no float kernel");
        }
    }

    /** {@code out[i] = a op b[bi + i]} (a broadcast) for i &lt; n. */
    static void sv(BinaryOp op, float a, MemorySegment b, long bi, MemorySegment out, long oi, int n) {
        switch (op) {
            case ADD -> addSV(a, b, bi, out, oi, n);
            case SUB -> subSV(a, b, bi, out, oi, n);
            case MUL -> mulSV(a, b, bi, out, oi, n);
            case DIV -> divSV(a, b, bi, out, oi, n);
            case MAXIMUM -> maxSV(a, b, bi, out, oi, n);
            case MINIMUM -> minSV(a, b, bi, out, oi, n);
            default -> throw new IllegalArgumentException(op.label() + " has no float kernel");
        }
    }

    private static void addVV(MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment out, long oi, int n) {
        for (int i = 0; i < n; i += L) load(a, ai + i).add(load(b, bi + i)).intoMemorySegment(out, (oi + i) * 4, NO);
    }

    private static void subVV(MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment out, long oi, int n) {
        for (int i = 0; i < n; i += L) load(a, ai + i).sub(load(b, bi + i)).intoMemorySegment(out, (oi + i) * 4, NO);
    }

    private static void mulVV(MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment out, long oi, int n) {
        for (int i = 0; i < n; i += L) load(a, ai + i).mul(load(b, bi + i)).intoMemorySegment(out, (oi + i) * 4, NO);
    }

    private static void divVV(MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment out, long oi, int n) {
        for (int i = 0; i < n; i += L) load(a, ai + i).div(load(b, bi + i)).intoMemorySegment(out, (oi + i) * 4, NO);
    }

    private static void maxVV(MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment out, long oi, int n) {
        for (int i = 0; i < n; i += L) load(a, ai + i).max(load(b, bi + i)).intoMemorySegment(out, (oi + i) * 4, NO);
    }

    private static void minVV(MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment out, long oi, int n) {
        for (int i = 0; i < n; i += L) load(a, ai + i).min(load(b, bi + i)).intoMemorySegment(out, (oi + i) * 4, NO);
    }

    private static void addVS(MemorySegment a, long ai, float b, MemorySegment out, long oi, int n) {
        FloatVector y = FloatVector.broadcast(FS, b);
        for (int i = 0; i < n; i += L) load(a, ai + i).add(y).intoMemorySegment(out, (oi + i) * 4, NO);
    }

    private static void subVS(MemorySegment a, long ai, float b, MemorySegment out, long oi, int n) {
        FloatVector y = FloatVector.broadcast(FS, b);
        for (int i = 0; i < n; i += L) load(a, ai + i).sub(y).intoMemorySegment(out, (oi + i) * 4, NO);
    }

    private static void mulVS(MemorySegment a, long ai, float b, MemorySegment out, long oi, int n) {
        FloatVector y = FloatVector.broadcast(FS, b);
        for (int i = 0; i < n; i += L) load(a, ai + i).mul(y).intoMemorySegment(out, (oi + i) * 4, NO);
    }

    private static void divVS(MemorySegment a, long ai, float b, MemorySegment out, long oi, int n) {
        FloatVector y = FloatVector.broadcast(FS, b);
        for (int i = 0; i < n; i += L) load(a, ai + i).div(y).intoMemorySegment(out, (oi + i) * 4, NO);
    }

    private static void maxVS(MemorySegment a, long ai, float b, MemorySegment out, long oi, int n) {
        FloatVector y = FloatVector.broadcast(FS, b);
        for (int i = 0; i < n; i += L) load(a, ai + i).max(y).intoMemorySegment(out, (oi + i) * 4, NO);
    }

    private static void minVS(MemorySegment a, long ai, float b, MemorySegment out, long oi, int n) {
        FloatVector y = FloatVector.broadcast(FS, b);
        for (int i = 0; i < n; i += L) load(a, ai + i).min(y).intoMemorySegment(out, (oi + i) * 4, NO);
    }

    private static void addSV(float a, MemorySegment b, long bi, MemorySegment out, long oi, int n) {
        FloatVector x = FloatVector.broadcast(FS, a);
        for (int i = 0; i < n; i += L) x.add(load(b, bi + i)).intoMemorySegment(out, (oi + i) * 4, NO);
    }

    private static void subSV(float a, MemorySegment b, long bi, MemorySegment out, long oi, int n) {
        FloatVector x = FloatVector.broadcast(FS, a);
        for (int i = 0; i < n; i += L) x.sub(load(b, bi + i)).intoMemorySegment(out, (oi + i) * 4, NO);
    }

    private static void mulSV(float a, MemorySegment b, long bi, MemorySegment out, long oi, int n) {
        FloatVector x = FloatVector.broadcast(FS, a);
        for (int i = 0; i < n; i += L) x.mul(load(b, bi + i)).intoMemorySegment(out, (oi + i) * 4, NO);
    }

    private static void divSV(float a, MemorySegment b, long bi, MemorySegment out, long oi, int n) {
        FloatVector x = FloatVector.broadcast(FS, a);
        for (int i = 0; i < n; i += L) x.div(load(b, bi + i)).intoMemorySegment(out, (oi + i) * 4, NO);
    }

    private static void maxSV(float a, MemorySegment b, long bi, MemorySegment out, long oi, int n) {
        FloatVector x = FloatVector.broadcast(FS, a);
        for (int i = 0; i < n; i += L) x.max(load(b, bi + i)).intoMemorySegment(out, (oi + i) * 4, NO);
    }

    private static void minSV(float a, MemorySegment b, long bi, MemorySegment out, long oi, int n) {
        FloatVector x = FloatVector.broadcast(FS, a);
        for (int i = 0; i < n; i += L) x.min(load(b, bi + i)).intoMemorySegment(out, (oi + i) * 4, NO);
    }

}
