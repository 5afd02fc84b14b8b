package org.voxelforge.core.cpu;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.BinaryOp;
import org.voxelforge.core.UnaryOp;

/** The Panama kernels against the scalar ones, over lengths that hit the vector body, the tail and both. */
class VectorKernelsTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final int[] LENGTHS = {0, 1, 3, 7, 8, 15, 16, 17, 33, 100, 1000};
    private static final int OFF = 3; // odd element offset: the vector loops must not assume alignment

    private final VectorKernels scalar = new ScalarVectorKernels();
    private final VectorKernels panama = new PanamaVectorKernels();
    private final Random rng = new Random(11);

    private MemorySegment floats(Arena arena, int n) {
        MemorySegment s = arena.allocate((n + OFF) * 8L);
        for (int i = 0; i < n + OFF; i++) {
            int k = rng.nextInt(20);
            float v = k == 0 ? Float.NaN : k == 1 ? 0f : k == 2 ? -0f : k == 3 ? 1e30f : (float) (rng.nextGaussian() * 4);
            s.setAtIndex(F, i, v);
        }
        return s;
    }

    private MemorySegment doubles(Arena arena, int n) {
        MemorySegment s = arena.allocate((n + OFF) * 8L);
        for (int i = 0; i < n + OFF; i++) s.setAtIndex(D, i, rng.nextInt(20) == 0 ? Double.NaN : rng.nextGaussian() * 4);
        return s;
    }

    /** Equal bits, or (for transcendental results) within {@code ulps} units in the last place. */
    private static void assertNear(float e, float a, int ulps, String what) {
        if (Float.isNaN(e) && Float.isNaN(a)) return;
        if (Float.floatToIntBits(e) == Float.floatToIntBits(a)) return;
        if (ulps > 0 && Math.abs(e - a) <= ulps * Math.ulp(e)) return;
        fail(what + ": scalar " + e + " vs panama " + a);
    }

    @Test void panamaIsTheDefaultWhenTheModuleIsPresent() {
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        boolean off = "false".equals(System.getProperty("voxelforge.vector"));
        assertEquals(module && !off, VectorKernels.get() instanceof PanamaVectorKernels, VectorKernels.get().name());
    }

    @Test void binaryOpsAgreeBitForBit() {
        try (Arena arena = Arena.ofConfined()) {
            for (int n : LENGTHS) for (BinaryOp op : BinaryOp.values()) {
                if (!VectorKernels.hasBinary(op)) continue;
                for (int aInc = 0; aInc <= 1; aInc++) for (int bInc = 0; bInc <= 1; bInc++) {
                    MemorySegment a = floats(arena, n), b = floats(arena, n), o1 = floats(arena, n), o2 = floats(arena, n);
                    scalar.binaryF32(op, a, OFF, aInc, b, 1, bInc, o1, OFF, n);
                    panama.binaryF32(op, a, OFF, aInc, b, 1, bInc, o2, OFF, n);
                    for (int i = 0; i < n; i++) assertNear(o1.getAtIndex(F, OFF + i), o2.getAtIndex(F, OFF + i), 0, op + " f32 n=" + n);
                    MemorySegment c = doubles(arena, n), d = doubles(arena, n), p1 = doubles(arena, n), p2 = doubles(arena, n);
                    scalar.binaryF64(op, c, 1, aInc, d, OFF, bInc, p1, 0, n);
                    panama.binaryF64(op, c, 1, aInc, d, OFF, bInc, p2, 0, n);
                    for (int i = 0; i < n; i++) {
                        double e = p1.getAtIndex(D, i), g = p2.getAtIndex(D, i);
                        assertTrue(Double.compare(e, g) == 0 || (Double.isNaN(e) && Double.isNaN(g)), op + " f64 n=" + n);
                    }
                }
            }
        }
    }

    @Test void unaryLeakyReluAndClampAgree() {
        try (Arena arena = Arena.ofConfined()) {
            for (int n : LENGTHS) {
                MemorySegment x = floats(arena, n), o1 = floats(arena, n), o2 = floats(arena, n);
                for (UnaryOp op : UnaryOp.values()) {
                    int ulps = switch (op) { case EXP, LOG, SIGMOID, TANH -> 4; default -> 0; };
                    scalar.unaryF32(op, x, OFF, o1, 0, n);
                    panama.unaryF32(op, x, OFF, o2, 0, n);
                    for (int i = 0; i < n; i++) assertNear(o1.getAtIndex(F, i), o2.getAtIndex(F, i), ulps, op + " of " + x.getAtIndex(F, OFF + i));
                }
                scalar.leakyReluF32(x, OFF, 0.01f, o1, 0, n);
                panama.leakyReluF32(x, OFF, 0.01f, o2, 0, n);
                for (int i = 0; i < n; i++) assertNear(o1.getAtIndex(F, i), o2.getAtIndex(F, i), 0, "leakyRelu");
                scalar.leakyReluGradF32(x, OFF, x, 0, 0.01f, o1, 0, n);
                panama.leakyReluGradF32(x, OFF, x, 0, 0.01f, o2, 0, n);
                for (int i = 0; i < n; i++) assertNear(o1.getAtIndex(F, i), o2.getAtIndex(F, i), 0, "leakyReluGrad");
                scalar.normalizeF32(x, OFF, 0.25f, 1.5f, -0.75f, o1, 0, n);
                panama.normalizeF32(x, OFF, 0.25f, 1.5f, -0.75f, o2, 0, n);
                for (int i = 0; i < n; i++) assertNear(o1.getAtIndex(F, i), o2.getAtIndex(F, i), 0, "normalize");
                scalar.normalizeGradF32(x, 0, x, OFF, 0.25f, 1.5f, -0.5f, 0.125f, o1, 0, n);
                panama.normalizeGradF32(x, 0, x, OFF, 0.25f, 1.5f, -0.5f, 0.125f, o2, 0, n);
                for (int i = 0; i < n; i++) assertNear(o1.getAtIndex(F, i), o2.getAtIndex(F, i), 0, "normalizeGrad");
                for (float[] b : new float[][] {{-1, 2}, {Float.NaN, 0.5f}, {0.5f, Float.NaN}, {Float.NaN, Float.NaN}}) {
                    scalar.clampF32(x, OFF, b[0], b[1], o1, 0, n);
                    panama.clampF32(x, OFF, b[0], b[1], o2, 0, n);
                    for (int i = 0; i < n; i++) assertNear(o1.getAtIndex(F, i), o2.getAtIndex(F, i), 0, "clamp");
                }
            }
        }
    }

    @Test void rowReductionsAgree() {
        try (Arena arena = Arena.ofConfined()) {
            for (int n : LENGTHS) for (boolean withNaN : new boolean[] {false, true}) {
                MemorySegment x = arena.allocate((n + OFF) * 8L), y = arena.allocate((n + OFF) * 8L);
                for (int i = 0; i < n + OFF; i++) {
                    x.setAtIndex(F, i, (float) rng.nextGaussian());
                    y.setAtIndex(F, i, (float) rng.nextGaussian());
                }
                if (withNaN && n > 0) x.setAtIndex(F, OFF + rng.nextInt(n), Float.NaN);
                double s1 = scalar.sumF32(x, OFF, n), s2 = panama.sumF32(x, OFF, n);
                assertTrue(withNaN && n > 0 ? Double.isNaN(s2) : Math.abs(s1 - s2) <= 1e-12 * (1 + n), "sum n=" + n);
                if (n > 0) {
                    assertNear(scalar.maxF32(x, OFF, n), panama.maxF32(x, OFF, n), 0, "max n=" + n);
                    assertNear(scalar.minF32(x, OFF, n), panama.minF32(x, OFF, n), 0, "min n=" + n);
                }
                if (!withNaN) {
                    assertEquals(scalar.dotF32(x, OFF, y, 1, n), panama.dotF32(x, OFF, y, 1, n), 1e-12 * (1 + n), "dot n=" + n);
                    MemorySegment xd = arena.allocate((n + 1) * 8L);
                    for (int i = 0; i < n; i++) xd.setAtIndex(D, i + 1, x.getAtIndex(F, OFF + i));
                    assertEquals(scalar.sumF64(xd, 1, n), panama.sumF64(xd, 1, n), 1e-12 * (1 + n), "sum f64 n=" + n);
                }
            }
        }
    }
}
