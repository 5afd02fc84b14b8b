package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.voxelforge.core.BinaryOp;
import org.voxelforge.core.UnaryOp;

/**
 * {@link VectorKernels} on the incubating Vector API. Only {@link VectorKernelsProvider}
 * names this class (reflectively), so nothing else links against jdk.incubator.vector.
 * Each loop runs whole vectors and finishes the tail with the scalar definitions.
 * Operators are constants at each call site, which the JIT needs to turn them into vector
 * instructions; the binary and unary ops pick one small loop per operator with a switch before
 * the loop, never inside it ({@link PanamaBinaryF32}, {@link PanamaUnaryF32}).
 */
final class PanamaVectorKernels implements VectorKernels {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    /** Floats with as many lanes as DS, widened 1:1 into double accumulators. */
    private static final VectorSpecies<Float> FHALF = VectorSpecies.of(float.class, VectorShape.forBitSize(DS.vectorBitSize() / 2));
    private static final ByteOrder NO = ByteOrder.nativeOrder();
    private static final ScalarVectorKernels TAIL = new ScalarVectorKernels();

    PanamaVectorKernels() {
        if (FS.length() < 4) throw new UnsupportedOperationException("vectors of " + FS.length() + " floats do not pay");
    }

    @Override public String name() { return "panama (" + FS.vectorBitSize() + "-bit)"; }

    private static FloatVector loadF(MemorySegment s, long i) { return FloatVector.fromMemorySegment(FS, s, i * 4, NO); }

    private static DoubleVector loadD(MemorySegment s, long i) { return DoubleVector.fromMemorySegment(DS, s, i * 8, NO); }

    @Override public void binaryF32(BinaryOp op, MemorySegment a, long ai, int aInc, MemorySegment b, long bi, int bInc,
                                    MemorySegment out, long oi, int n) {
        // op and broadcast pattern are chosen here, outside any loop (see PanamaBinaryF32 for why)
        int bound = n - n % FS.length();
        if (bound > 0) {
            if (aInc != 0 && bInc != 0) PanamaBinaryF32.vv(op, a, ai, b, bi, out, oi, bound);
            else if (aInc != 0) PanamaBinaryF32.vs(op, a, ai, b.getAtIndex(ScalarVectorKernels.F, bi), out, oi, bound);
            else if (bInc != 0) PanamaBinaryF32.sv(op, a.getAtIndex(ScalarVectorKernels.F, ai), b, bi, out, oi, bound);
            else bound = 0; // both broadcast (rare): the scalar loop does the row, with the same bits
        }
        if (bound < n) TAIL.binaryF32(op, a, ai + (long) bound * aInc, aInc, b, bi + (long) bound * bInc, bInc, out, oi + bound, n - bound);
    }

    @Override public void binaryF64(BinaryOp op, MemorySegment a, long ai, int aInc, MemorySegment b, long bi, int bInc,
                                    MemorySegment out, long oi, int n) {
        if (n == 0) return;
        int step = DS.length(), bound = n - n % step, i = 0;
        DoubleVector ca = aInc == 0 ? DoubleVector.broadcast(DS, a.getAtIndex(ScalarVectorKernels.D, ai)) : null;
        DoubleVector cb = bInc == 0 ? DoubleVector.broadcast(DS, b.getAtIndex(ScalarVectorKernels.D, bi)) : null;
        for (; i < bound; i += step) {
            DoubleVector x = ca != null ? ca : loadD(a, ai + i);
            DoubleVector y = cb != null ? cb : loadD(b, bi + i);
            DoubleVector r = switch (op) {
                case ADD -> x.add(y);
                case SUB -> x.sub(y);
                case MUL -> x.mul(y);
                case DIV -> x.div(y);
                case MAXIMUM -> x.max(y);
                case MINIMUM -> x.min(y);
                default -> throw new IllegalArgumentException(op.label() + " has no float kernel");
            };
            r.intoMemorySegment(out, (oi + i) * 8, NO);
        }
        if (i < n) TAIL.binaryF64(op, a, ai + (long) i * aInc, aInc, b, bi + (long) i * bInc, bInc, out, oi + i, n - i);
    }

    @Override public void unaryF32(UnaryOp op, MemorySegment x, long xi, MemorySegment out, long oi, int n) {
        if (TRANSCENDENTAL.contains(op)) {
            // The Vector API's EXP/LOG/TANH give different last bits interpreted and compiled, so a
            // resumed run would not repeat an uninterrupted one; Math's (same in every JIT tier)
            // keeps training bit-reproducible. ERF has no vector form at all.
            TAIL.unaryF32(op, x, xi, out, oi, n);
            return;
        }
        int bound = n - n % FS.length();
        if (bound > 0) PanamaUnaryF32.run(op, x, xi, out, oi, bound);
        if (bound < n) TAIL.unaryF32(op, x, xi + bound, out, oi + bound, n - bound);
    }

    @Override public void leakyReluF32(MemorySegment x, long xi, float slope, MemorySegment out, long oi, int n) {
        int step = FS.length(), bound = n - n % step, i = 0;
        for (; i < bound; i += step) {
            FloatVector v = loadF(x, xi + i);
            v.blend(v.mul(slope), v.compare(VectorOperators.GT, 0f).not()).intoMemorySegment(out, (oi + i) * 4, NO);
        }
        if (i < n) TAIL.leakyReluF32(x, xi + i, slope, out, oi + i, n - i);
    }

    @Override public void normalizeF32(MemorySegment x, long xi, float m, float a, float b, MemorySegment out, long oi, int n) {
        int step = FS.length(), bound = n - n % step, i = 0;
        for (; i < bound; i += step) loadF(x, xi + i).sub(m).fma(a, b).intoMemorySegment(out, (oi + i) * 4, NO);
        if (i < n) TAIL.normalizeF32(x, xi + i, m, a, b, out, oi + i, n - i);
    }

    @Override public void normalizeGradF32(MemorySegment dy, long di, MemorySegment x, long xi, float m, float a1, float a2, float a3,
                                           MemorySegment out, long oi, int n) {
        int step = FS.length(), bound = n - n % step, i = 0;
        for (; i < bound; i += step) {
            FloatVector inner = loadF(x, xi + i).sub(m).fma(a2, a3);
            loadF(dy, di + i).fma(FloatVector.broadcast(FS, a1), inner).intoMemorySegment(out, (oi + i) * 4, NO);
        }
        if (i < n) TAIL.normalizeGradF32(dy, di + i, x, xi + i, m, a1, a2, a3, out, oi + i, n - i);
    }

    @Override public void leakyReluGradF32(MemorySegment x, long xi, MemorySegment g, long gi, float slope, MemorySegment out, long oi,
                                           int n) {
        int step = FS.length(), bound = n - n % step, i = 0;
        for (; i < bound; i += step) {
            FloatVector gv = loadF(g, gi + i);
            gv.blend(gv.mul(slope), loadF(x, xi + i).compare(VectorOperators.GT, 0f).not()).intoMemorySegment(out, (oi + i) * 4, NO);
        }
        if (i < n) TAIL.leakyReluGradF32(x, xi + i, g, gi + i, slope, out, oi + i, n - i);
    }

    @Override public void clampF32(MemorySegment x, long xi, float lo, float hi, MemorySegment out, long oi, int n) {
        int step = FS.length(), bound = n - n % step, i = 0;
        boolean hasLo = !Float.isNaN(lo), hasHi = !Float.isNaN(hi);
        for (; i < bound; i += step) {
            FloatVector v = loadF(x, xi + i);
            if (hasLo) v = v.max(lo);
            if (hasHi) v = v.min(hi);
            v.intoMemorySegment(out, (oi + i) * 4, NO);
        }
        if (i < n) TAIL.clampF32(x, xi + i, lo, hi, out, oi + i, n - i);
    }

    @Override public double sumF32(MemorySegment x, long xi, int n) {
        int step = FHALF.length(), bound = n - n % step, i = 0;
        DoubleVector acc = DoubleVector.zero(DS);
        for (; i < bound; i += step) {
            FloatVector v = FloatVector.fromMemorySegment(FHALF, x, (xi + i) * 4, NO);
            acc = acc.add(v.convertShape(VectorOperators.F2D, DS, 0));
        }
        double s = sumLanesInOrder(acc);
        for (; i < n; i++) s += x.getAtIndex(ScalarVectorKernels.F, xi + i);
        return s;
    }

    @Override public double sumF64(MemorySegment x, long xi, int n) {
        int step = DS.length(), bound = n - n % step, i = 0;
        DoubleVector acc = DoubleVector.zero(DS);
        for (; i < bound; i += step) acc = acc.add(loadD(x, xi + i));
        double s = sumLanesInOrder(acc);
        for (; i < n; i++) s += x.getAtIndex(ScalarVectorKernels.D, xi + i);
        return s;
    }

    @Override public float maxF32(MemorySegment x, long xi, int n) {
        int step = FS.length(), bound = n - n % step, i = 0;
        if (bound == 0) return TAIL.maxF32(x, xi, n);
        FloatVector acc = loadF(x, xi);
        for (i = step; i < bound; i += step) acc = acc.max(loadF(x, xi + i));
        float m = acc.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) m = Math.max(m, x.getAtIndex(ScalarVectorKernels.F, xi + i));
        return m;
    }

    @Override public float minF32(MemorySegment x, long xi, int n) {
        int step = FS.length(), bound = n - n % step, i = 0;
        if (bound == 0) return TAIL.minF32(x, xi, n);
        FloatVector acc = loadF(x, xi);
        for (i = step; i < bound; i += step) acc = acc.min(loadF(x, xi + i));
        float m = acc.reduceLanes(VectorOperators.MIN);
        for (; i < n; i++) m = Math.min(m, x.getAtIndex(ScalarVectorKernels.F, xi + i));
        return m;
    }

    @Override public double dotF32(MemorySegment a, long ai, MemorySegment b, long bi, int n) {
        int step = FHALF.length(), bound = n - n % step, i = 0;
        DoubleVector acc = DoubleVector.zero(DS);
        for (; i < bound; i += step) {
            DoubleVector x = (DoubleVector) FloatVector.fromMemorySegment(FHALF, a, (ai + i) * 4, NO).convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector y = (DoubleVector) FloatVector.fromMemorySegment(FHALF, b, (bi + i) * 4, NO).convertShape(VectorOperators.F2D, DS, 0);
            acc = x.fma(y, acc);
        }
        double s = sumLanesInOrder(acc);
        for (; i < n; i++) s += (double) a.getAtIndex(ScalarVectorKernels.F, ai + i) * b.getAtIndex(ScalarVectorKernels.F, bi + i);
        return s;
    }

    /** Ops whose vector forms are not bit-stable across JIT tiers; they run on the scalar reference. */
    private static final java.util.Set<UnaryOp> TRANSCENDENTAL =
            java.util.EnumSet.of(UnaryOp.EXP, UnaryOp.LOG, UnaryOp.SIGMOID, UnaryOp.TANH, UnaryOp.ERF);

    /** reduceLanes(ADD) leaves the order of additions unspecified; lane 0 first, always. */
    private static double sumLanesInOrder(DoubleVector acc) {
        double s = 0;
        for (double v : acc.toArray()) s += v;
        return s;
    }
}
