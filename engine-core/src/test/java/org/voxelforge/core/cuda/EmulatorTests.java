package org.voxelforge.core.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Assumptions;

/** Shared by the emulator tests: skip (saying why, once) when the library is absent; host buffers as "device" memory. */
final class EmulatorTests {
    private static boolean toldWhySkipped;

    private EmulatorTests() {}

    /** The emulator, or the test is skipped with the reason printed. */
    static synchronized EmulatedKernels emulator() {
        EmulatedKernels.Availability a = EmulatedKernels.availability();
        if (!a.available() && !toldWhySkipped) {
            System.out.println("[emulator tests skipped] " + a.reason());
            toldWhySkipped = true;
        }
        Assumptions.assumeTrue(a.available(), "kernel emulator unavailable: " + a.reason());
        return EmulatedKernels.get();
    }

    /**
     * Random float32 values of varied magnitude: a standard Gaussian times 10^u, u uniform in
     * [-decades, decades), so a kernel meets small and large terms in one sum.
     */
    static org.voxelforge.core.Tensor gaussianOfMagnitudes(java.util.SplittableRandom rnd, int decades, int... dims) {
        int n = 1;
        for (int d : dims) n *= d;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextDouble() * 2 * decades - decades));
        return org.voxelforge.core.Tensor.of(v, dims);
    }

    /** n floats uniform in [lo, hi). */
    static float[] uniform(java.util.SplittableRandom rnd, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        return a;
    }

    /** A host buffer's address, which the emulator takes as a device pointer. */
    static long addr(MemorySegment s) { return s.address(); }

    /** Inputs of the fused softmax losses: logits [N, C, S], labels [N, S], an optional mask and distance maps [N, C, S]. */
    record LossCase(org.voxelforge.core.fused.DiceCe.Geometry geo, float[] logits, int[] labels, float[] mask, float[] dist) {}

    /**
     * Gaussian logits (std 3), uniform labels, with a mask 80% of the voxels annotated and the
     * others labelled {@code unannotated} (out of range: the kernels must skip them, not read them),
     * and with distance maps (std 5) when asked.
     */
    static LossCase lossCase(java.util.SplittableRandom rnd, int n, int c, int s, boolean withMask, boolean withDist, int unannotated) {
        float[] logits = new float[n * c * s];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (3 * rnd.nextGaussian());
        int[] labels = new int[n * s];
        float[] mask = withMask ? new float[n * s] : null;
        for (int v = 0; v < labels.length; v++) {
            labels[v] = rnd.nextInt(c);
            if (withMask && rnd.nextDouble() < 0.8) mask[v] = 1f;
            if (withMask && mask[v] == 0f) labels[v] = unannotated;
        }
        float[] dist = null;
        if (withDist) {
            dist = new float[logits.length];
            for (int i = 0; i < dist.length; i++) dist[i] = (float) (5 * rnd.nextGaussian());
        }
        return new LossCase(new org.voxelforge.core.fused.DiceCe.Geometry(n, c, s), logits, labels, mask, dist);
    }

    static MemorySegment floats(Arena a, float... v) { return a.allocateFrom(ValueLayout.JAVA_FLOAT, v); }

    static float[] floats(MemorySegment s) { return s.toArray(ValueLayout.JAVA_FLOAT); }

    /**
     * Distance in units in the last place; 0 for equal values (both NaN counts as equal), MAX_VALUE
     * when one is NaN. -0 and +0 are 1 apart, so that exact ops must get the sign of zero right.
     */
    static long ulps(float want, float got) {
        if (Float.isNaN(want) || Float.isNaN(got)) return Float.isNaN(want) && Float.isNaN(got) ? 0 : Long.MAX_VALUE;
        return Math.abs(ordered(want) - ordered(got));
    }

    /** Float bits mapped to a line where adjacent floats (and -0, +0) differ by 1. */
    private static long ordered(float f) {
        int b = Float.floatToRawIntBits(f);
        return b >= 0 ? b : -(long) (b & 0x7fffffff) - 1;
    }
}
