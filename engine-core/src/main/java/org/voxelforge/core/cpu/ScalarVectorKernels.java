package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.voxelforge.core.BinaryOp;
import org.voxelforge.core.UnaryOp;

/**
 * Plain-Java kernels: the default when the Vector API module is absent, and the reference the
 * Panama kernels are tested against. Each element is computed as the generic path does
 * (widen to double, {@link UnaryOp#apply}/{@link BinaryOp#apply}, round back).
 */
public final class ScalarVectorKernels implements VectorKernels {
    static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    @Override public String name() { return "scalar"; }

    @Override public void binaryF32(BinaryOp op, MemorySegment a, long ai, int aInc, MemorySegment b, long bi, int bInc,
                                    MemorySegment out, long oi, int n) {
        for (int i = 0; i < n; i++) {
            float x = a.getAtIndex(F, ai + (long) i * aInc), y = b.getAtIndex(F, bi + (long) i * bInc);
            out.setAtIndex(F, oi + i, (float) op.apply(x, y));
        }
    }

    @Override public void binaryF64(BinaryOp op, MemorySegment a, long ai, int aInc, MemorySegment b, long bi, int bInc,
                                    MemorySegment out, long oi, int n) {
        for (int i = 0; i < n; i++) {
            double x = a.getAtIndex(D, ai + (long) i * aInc), y = b.getAtIndex(D, bi + (long) i * bInc);
            out.setAtIndex(D, oi + i, op.apply(x, y));
        }
    }

    @Override public void unaryF32(UnaryOp op, MemorySegment x, long xi, MemorySegment out, long oi, int n) {
        for (int i = 0; i < n; i++) out.setAtIndex(F, oi + i, (float) op.apply(x.getAtIndex(F, xi + i)));
    }

    @Override public void normalizeF32(MemorySegment x, long xi, float m, float a, float b, MemorySegment out, long oi, int n) {
        for (int i = 0; i < n; i++) out.setAtIndex(F, oi + i, Math.fma(x.getAtIndex(F, xi + i) - m, a, b));
    }

    @Override public void normalizeGradF32(MemorySegment dy, long di, MemorySegment x, long xi, float m, float a1, float a2, float a3,
                                           MemorySegment out, long oi, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(F, oi + i, Math.fma(dy.getAtIndex(F, di + i), a1, Math.fma(x.getAtIndex(F, xi + i) - m, a2, a3)));
        }
    }

    @Override public void leakyReluGradF32(MemorySegment x, long xi, MemorySegment g, long gi, float slope, MemorySegment out, long oi,
                                           int n) {
        for (int i = 0; i < n; i++) {
            float gv = g.getAtIndex(F, gi + i);
            out.setAtIndex(F, oi + i, x.getAtIndex(F, xi + i) > 0 ? gv : slope * gv);
        }
    }

    @Override public void leakyReluF32(MemorySegment x, long xi, float slope, MemorySegment out, long oi, int n) {
        for (int i = 0; i < n; i++) out.setAtIndex(F, oi + i, (float) leakyRelu(x.getAtIndex(F, xi + i), slope));
    }

    @Override public void clampF32(MemorySegment x, long xi, float lo, float hi, MemorySegment out, long oi, int n) {
        for (int i = 0; i < n; i++) out.setAtIndex(F, oi + i, (float) clamp(x.getAtIndex(F, xi + i), lo, hi));
    }

    @Override public double sumF32(MemorySegment x, long xi, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += x.getAtIndex(F, xi + i);
        return s;
    }

    @Override public double sumF64(MemorySegment x, long xi, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += x.getAtIndex(D, xi + i);
        return s;
    }

    @Override public float maxF32(MemorySegment x, long xi, int n) {
        float m = x.getAtIndex(F, xi);
        for (int i = 1; i < n; i++) m = Math.max(m, x.getAtIndex(F, xi + i));
        return m;
    }

    @Override public float minF32(MemorySegment x, long xi, int n) {
        float m = x.getAtIndex(F, xi);
        for (int i = 1; i < n; i++) m = Math.min(m, x.getAtIndex(F, xi + i));
        return m;
    }

    @Override public double dotF32(MemorySegment a, long ai, MemorySegment b, long bi, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) a.getAtIndex(F, ai + i) * b.getAtIndex(F, bi + i);
        return s;
    }

    /** The scalar definitions CpuElementwise's generic path shares with these kernels. */
    static double leakyRelu(double x, double slope) { return x > 0 ? x : slope * x; }

    static double leakyReluGrad(double x, double g, double slope) { return x > 0 ? g : slope * g; }

    static double clamp(double x, double lo, double hi) {
        double v = x;
        if (!Double.isNaN(lo)) v = Math.max(v, lo);
        if (!Double.isNaN(hi)) v = Math.min(v, hi);
        return v;
    }
}
