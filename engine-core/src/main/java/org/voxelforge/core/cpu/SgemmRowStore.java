package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Writes one row of a vector micro-kernel's register tile (two vectors) into C with alpha/beta:
 * C = alpha * acc (beta 0, C never read) or alpha * acc + beta * C.
 *
 * <p>Its own small method on purpose: with the whole epilogue written inline, a kernel was about
 * 1.7 KB of bytecode, C1's tier-3 compile ran out of virtual registers, and the kernel could sit
 * in tier-2 code (no Vector API intrinsics, about 2 GFLOP/s: 17 ms for a 256^3 product instead of
 * 0.4) until C2 happened to compile it. C2 inlines this, so the vectors stay in registers.
 */
final class SgemmRowStore {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private SgemmRowStore() {}

    /** {@code off} is the byte offset of the row's first element; the second vector follows it. */
    static void store(VectorSpecies<Float> s, MemorySegment c, long off, FloatVector lo, FloatVector hi, float alpha, float beta) {
        long off2 = off + s.length() * 4L;
        if (beta == 0f) {
            if (alpha != 1f) {
                lo = lo.mul(alpha);
                hi = hi.mul(alpha);
            }
            lo.intoMemorySegment(c, off, NATIVE);
            hi.intoMemorySegment(c, off2, NATIVE);
        } else {
            FloatVector al = FloatVector.broadcast(s, alpha);
            lo.fma(al, FloatVector.fromMemorySegment(s, c, off, NATIVE).mul(beta)).intoMemorySegment(c, off, NATIVE);
            hi.fma(al, FloatVector.fromMemorySegment(s, c, off2, NATIVE).mul(beta)).intoMemorySegment(c, off2, NATIVE);
        }
    }
}
