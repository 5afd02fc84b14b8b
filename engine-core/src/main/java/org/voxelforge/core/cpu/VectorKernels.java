package org.voxelforge.core.cpu;

import java.lang.foreign.MemorySegment;
import org.voxelforge.core.BinaryOp;
import org.voxelforge.core.UnaryOp;

/**
 * The hot float loops of the CPU backend, behind one interface with two implementations (the
 * Lucene pattern): {@link ScalarVectorKernels}, plain Java and the reference, and
 * {@code PanamaVectorKernels}, which uses the incubating Vector API. {@link #get()} picks one
 * once per JVM; see {@link VectorKernelsProvider}.
 *
 * <p>All offsets and lengths are in elements. Every loop reads {@code n} elements of
 * contiguous memory, except that an {@code inc} of 0 means "the same element n times" (a
 * broadcast operand). Results are rounded to the element type of the method (F32/F64).
 */
public interface VectorKernels {

    /** The implementation chosen for this JVM. */
    static VectorKernels get() { return VectorKernelsProvider.INSTANCE; }

    /** "scalar" or "panama (...)", for logs and benchmarks. */
    String name();

    /** Binary ops that have float kernels here; the others (pow, comparisons) take the generic path. */
    static boolean hasBinary(BinaryOp op) {
        return switch (op) {
            case ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM -> true;
            default -> false;
        };
    }

    /** {@code out[i] = a[ai + i*aInc] op b[bi + i*bInc]}, aInc and bInc in {0, 1}. */
    void binaryF32(BinaryOp op, MemorySegment a, long ai, int aInc, MemorySegment b, long bi, int bInc,
                   MemorySegment out, long oi, int n);

    void binaryF64(BinaryOp op, MemorySegment a, long ai, int aInc, MemorySegment b, long bi, int bInc,
                   MemorySegment out, long oi, int n);

    /** {@code out[i] = op(x[i])} for every {@link UnaryOp}. */
    void unaryF32(UnaryOp op, MemorySegment x, long xi, MemorySegment out, long oi, int n);

    /** {@code out[i] = x[i] > 0 ? x[i] : slope * x[i]}. */
    void leakyReluF32(MemorySegment x, long xi, float slope, MemorySegment out, long oi, int n);

    /** {@code out[i] = fma(x[i] - m, a, b)}: a normalisation's forward with its affine folded in. */
    void normalizeF32(MemorySegment x, long xi, float m, float a, float b, MemorySegment out, long oi, int n);

    /** {@code out[i] = fma(dy[i], a1, fma(x[i] - m, a2, a3))}: a normalisation's input gradient. */
    void normalizeGradF32(MemorySegment dy, long di, MemorySegment x, long xi, float m, float a1, float a2, float a3,
                          MemorySegment out, long oi, int n);

    /** {@code out[i] = x[i] > 0 ? g[i] : slope * g[i]} (the leaky ReLU's gradient). */
    void leakyReluGradF32(MemorySegment x, long xi, MemorySegment g, long gi, float slope, MemorySegment out, long oi, int n);

    /** {@code out[i] = min(max(x[i], lo), hi)}; a NaN bound is no bound, a NaN element stays NaN. */
    void clampF32(MemorySegment x, long xi, float lo, float hi, MemorySegment out, long oi, int n);

    /** Sum of a row, accumulated in double. */
    double sumF32(MemorySegment x, long xi, int n);

    double sumF64(MemorySegment x, long xi, int n);

    /** Largest (or smallest) element of a non-empty row; NaN if any element is NaN. */
    float maxF32(MemorySegment x, long xi, int n);

    float minF32(MemorySegment x, long xi, int n);

    /** Dot product of two rows, accumulated in double. */
    double dotF32(MemorySegment a, long ai, MemorySegment b, long bi, int n);
}
