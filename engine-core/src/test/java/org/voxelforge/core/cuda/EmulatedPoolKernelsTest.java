package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.core.cuda.EmulatorTests.floats;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.voxelforge.core.Backend;
import org.voxelforge.core.Backends;
import org.voxelforge.core.MaxPool3dResult;
import org.voxelforge.core.Pool3dParams;
import org.voxelforge.core.Shape;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;
import org.voxelforge.core.UpsampleMode;

/**
 * The pooling and resizing kernels (pool3d.cuh, upsample3d.cuh) run by the host emulator through
 * {@link PoolKernels}, against {@code Backends.cpu()} on the same float32 inputs. Every output
 * buffer is filled with 0x7f bytes first, so an element a kernel leaves unwritten shows.
 *
 * <p>Max pool values and indices must be bit-exact (the kernel makes the CPU's comparisons in the
 * CPU's order), and so must max pool backward: both add the same float gradients into each input
 * voxel in ascending output order, and the CPU's double sum of two floats rounded to float is the
 * float sum (double has more than 2 * 24 + 2 bits, so the double rounding is innocuous).
 *
 * <p>Average pooling and resizing are compared within a bound per element: the CPU sums in double
 * (its backwards round to float after each add) and uses double weights, the kernels sum, weigh and
 * divide in float. Both are within gamma_n = n * 2^-24 of the exact value relative to the sum of
 * the terms' magnitudes (n terms), so |kernel - cpu| <= 2 * (n + 4) * 2^-24 * (the same op applied
 * to |input|, which is that sum of magnitudes). A wrong or missing tap or window voxel is an error
 * of the size of one term, far above that bound.
 */
class EmulatedPoolKernelsTest {
    private static final Backend CPU = Backends.cpu();
    private static final double EPS = 0x1p-24;
    private final SplittableRandom rnd = new SplittableRandom(20240607);
    private PoolKernels pool;

    @BeforeEach void emulator() { pool = new PoolKernels(EmulatorTests.emulator()); }

    record PoolCase(String name, int[] x, Pool3dParams p) {}

    /** Padding, stride below, equal to and above the window, odd and unequal sizes (Pool3dParams has no dilation). */
    static final List<PoolCase> POOL_CASES = List.of(
            new PoolCase("k2 s2", new int[] {1, 2, 4, 4, 4}, Pool3dParams.of(2, 2, 0)),
            new PoolCase("k3 s2 p1 odd sizes", new int[] {2, 3, 5, 7, 6}, Pool3dParams.of(3, 2, 1)),
            new PoolCase("overlapping, per-axis windows", new int[] {1, 2, 6, 5, 7},
                    new Pool3dParams(new int[] {3, 2, 3}, new int[] {1, 2, 2}, new int[] {1, 1, 0})),
            new PoolCase("k3 s3 p1", new int[] {1, 1, 5, 5, 5}, Pool3dParams.of(3, 3, 1)),
            new PoolCase("stride above window, half-window padding", new int[] {1, 2, 3, 4, 5},
                    new Pool3dParams(new int[] {2, 3, 4}, new int[] {3, 1, 2}, new int[] {0, 1, 2})),
            new PoolCase("long thin windows", new int[] {1, 1, 7, 3, 3},
                    new Pool3dParams(new int[] {4, 1, 2}, new int[] {1, 1, 1}, new int[] {2, 0, 1})));

    // ---- inputs ------------------------------------------------------------------------------------

    /** Uniform in [-1, 1), never zero. */
    private float[] uniform(long n) {
        float[] a = new float[Math.toIntExact(n)];
        for (int i = 0; i < a.length; i++) {
            float v;
            do v = (float) (rnd.nextDouble() * 2 - 1); while (v == 0);
            a[i] = v;
        }
        return a;
    }

    /**
     * Max pool input: eighths in [-1, 1] (so windows hold ties, -0 and +0 among them), ~3% NaN and
     * a few infinities; the last plane is all -inf, where the index must be the first real voxel.
     */
    private float[] maxPoolInput(int[] dims) {
        float[] a = new float[Math.toIntExact(Shape.of(dims).numel())];
        for (int i = 0; i < a.length; i++) {
            double u = rnd.nextDouble();
            a[i] = u < 0.03 ? Float.NaN : u < 0.04 ? Float.POSITIVE_INFINITY : u < 0.05 ? Float.NEGATIVE_INFINITY
                    : u < 0.08 ? -0f : (float) (rnd.nextInt(-8, 9) / 8.0);
        }
        int plane = dims[2] * dims[3] * dims[4];
        if (dims[0] * dims[1] > 1) Arrays.fill(a, a.length - plane, a.length, Float.NEGATIVE_INFINITY);
        return a;
    }

    private static float[] abs(float[] a) {
        float[] b = new float[a.length];
        for (int i = 0; i < a.length; i++) b[i] = Math.abs(a[i]);
        return b;
    }

    private static MemorySegment poisoned(Arena a, long bytes) {
        MemorySegment s = a.allocate(Math.max(1, bytes), 64);
        s.fill((byte) 0x7f);
        return s;
    }

    private static long numel(int[] dims) { return Shape.of(dims).numel(); }

    // ---- comparisons ----------------------------------------------------------------------------------

    private static void assertBitExact(String what, float[] want, float[] got) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            int i0 = i;
            assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]),
                    () -> what + ": element " + i0 + " is " + got[i0] + ", reference " + want[i0]);
        }
    }

    /** |got - want| <= 2 * (terms + 4) * 2^-24 * magnitude, element by element (see the class comment). */
    private static void assertWithin(String what, float[] want, float[] magnitude, int terms, float[] got) {
        assertEquals(want.length, got.length, what + ": length");
        double factor = 2.0 * (terms + 4) * EPS;
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs((double) want[i] - got[i]), bound = factor * magnitude[i];
            if (!(err <= bound)) {
                fail(what + ": element " + i + " is " + got[i] + ", reference " + want[i] + " (error " + err + " > bound " + bound + ")");
            }
        }
    }

    /** The CPU op on a float32 tensor of {@code data}, as a float array. */
    private static float[] cpu(float[] data, int[] dims, Function<Tensor, Tensor> op) {
        try (TensorScope s = new TensorScope()) {
            return op.apply(Tensor.of(data, dims)).toFloatArray();
        }
    }

    // ---- max pool -------------------------------------------------------------------------------------

    @Test void maxPoolForwardAndBackwardAreBitExact() {
        for (PoolCase c : POOL_CASES) {
            int[] yDims = PoolKernels.poolOutputDims("test", c.x(), c.p());
            float[] x = maxPoolInput(c.x()), gy = uniform(numel(yDims));
            float[] yRef, gxRef;
            long[] idxRef;
            try (TensorScope s = new TensorScope()) {
                MaxPool3dResult r = CPU.maxPool3d(Tensor.of(x, c.x()), c.p());
                assertArrayEquals(r.values().shape().dims(), yDims, c.name() + ": output dims");
                yRef = r.values().toFloatArray();
                idxRef = r.indices().toLongArray();
                gxRef = CPU.maxPool3dBackward(Tensor.of(gy, yDims), r.indices(), Shape.of(c.x()), c.p()).toFloatArray();
            }
            try (Arena a = Arena.ofConfined()) {
                long ny = numel(yDims), nx = numel(c.x());
                MemorySegment px = floats(a, x), py = poisoned(a, 4 * ny), pi = poisoned(a, 8 * ny);
                pool.maxPool3d(c.x(), c.p(), px.address(), py.address(), pi.address(), 0);
                String tag = c.name() + " x " + Arrays.toString(c.x()) + " " + c.p();
                assertBitExact(tag + " maxPool3d values", yRef, floats(py));
                assertArrayEquals(idxRef, pi.toArray(ValueLayout.JAVA_LONG), tag + " maxPool3d indices");

                MemorySegment pgy = floats(a, gy), pgx = poisoned(a, 4 * nx);
                pool.maxPool3dBackward(c.x(), yDims, c.p(), pgy.address(), pi.address(), pgx.address(), 0);
                assertBitExact(tag + " maxPool3dBackward", gxRef, floats(pgx));
            }
        }
    }

    // ---- average pool ------------------------------------------------------------------------------------

    @Test void avgPoolForwardAndBackwardMatchTheCpuBothPaddingCounts() {
        for (PoolCase c : POOL_CASES) {
            int[] yDims = PoolKernels.poolOutputDims("test", c.x(), c.p());
            int window = Arrays.stream(c.p().kernel()).reduce(1, (u, v) -> u * v);
            float[] x = uniform(numel(c.x())), gy = uniform(numel(yDims));
            for (boolean include : new boolean[] {true, false}) {
                String tag = c.name() + " x " + Arrays.toString(c.x()) + " " + c.p() + " countIncludePad=" + include;
                float[] yRef = cpu(x, c.x(), t -> CPU.avgPool3d(t, c.p(), include));
                float[] yMag = cpu(abs(x), c.x(), t -> CPU.avgPool3d(t, c.p(), include));
                float[] gxRef = cpu(gy, yDims, t -> CPU.avgPool3dBackward(t, Shape.of(c.x()), c.p(), include));
                float[] gxMag = cpu(abs(gy), yDims, t -> CPU.avgPool3dBackward(t, Shape.of(c.x()), c.p(), include));
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment px = floats(a, x), py = poisoned(a, 4 * numel(yDims));
                    pool.avgPool3d(c.x(), c.p(), include, px.address(), py.address(), 0);
                    assertWithin(tag + " avgPool3d", yRef, yMag, window, floats(py));
                    MemorySegment pgy = floats(a, gy), pgx = poisoned(a, 4 * numel(c.x()));
                    pool.avgPool3dBackward(c.x(), yDims, c.p(), include, pgy.address(), pgx.address(), 0);
                    assertWithin(tag + " avgPool3dBackward", gxRef, gxMag, window, floats(pgx));
                }
            }
        }
    }

    // ---- adaptive average pool ------------------------------------------------------------------------------

    @Test void adaptiveAvgPoolForwardAndBackwardMatchTheCpu() {
        int[][][] cases = {
                {{1, 2, 5, 7, 4}, {3, 2, 4}},   // shrink, one axis unchanged
                {{1, 2, 5, 7, 4}, {7, 9, 5}},   // grow: overlapping windows of 1-2 voxels
                {{2, 1, 6, 6, 6}, {4, 3, 5}},   // windows of uneven size
                {{1, 3, 3, 5, 2}, {1, 1, 1}},   // global average
        };
        for (int[][] c : cases) {
            int[] xDims = c[0], out = c[1];
            int[] yDims = PoolKernels.resizeOutputDims("test", xDims, out);
            int window = 1;
            for (int a = 0; a < 3; a++) window *= Math.ceilDiv(xDims[2 + a], out[a]) + 1;
            float[] x = uniform(numel(xDims)), gy = uniform(numel(yDims));
            float[] yRef = cpu(x, xDims, t -> CPU.adaptiveAvgPool3d(t, out));
            float[] yMag = cpu(abs(x), xDims, t -> CPU.adaptiveAvgPool3d(t, out));
            float[] gxRef = cpu(gy, yDims, t -> CPU.adaptiveAvgPool3dBackward(t, Shape.of(xDims)));
            float[] gxMag = cpu(abs(gy), yDims, t -> CPU.adaptiveAvgPool3dBackward(t, Shape.of(xDims)));
            String tag = Arrays.toString(xDims) + " -> " + Arrays.toString(out);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment px = floats(a, x), py = poisoned(a, 4 * numel(yDims));
                pool.adaptiveAvgPool3d(xDims, out, px.address(), py.address(), 0);
                assertWithin(tag + " adaptiveAvgPool3d", yRef, yMag, window, floats(py));
                MemorySegment pgy = floats(a, gy), pgx = poisoned(a, 4 * numel(xDims));
                pool.adaptiveAvgPool3dBackward(xDims, yDims, pgy.address(), pgx.address(), 0);
                assertWithin(tag + " adaptiveAvgPool3dBackward", gxRef, gxMag, window, floats(pgx));
            }
        }
    }

    // ---- resize ------------------------------------------------------------------------------------------------

    @Test void upsampleForwardAndBackwardMatchTheCpuInEveryMode() {
        int[][][] cases = {
                {{1, 2, 3, 4, 5}, {6, 8, 10}},   // x2: nearest's shift rule
                {{1, 2, 3, 4, 5}, {5, 7, 9}},    // non-integer up
                {{1, 1, 7, 5, 6}, {3, 2, 4}},    // non-integer down
                {{1, 2, 3, 4, 5}, {3, 4, 5}},    // same size
                {{1, 1, 1, 2, 3}, {4, 1, 7}},    // a size-1 input axis, a size-1 output axis
                {{2, 1, 4, 3, 2}, {9, 3, 7}},    // mixed: x2.25, same, x3.5
        };
        for (int[][] c : cases) {
            int[] xDims = c[0], out = c[1];
            int[] yDims = PoolKernels.resizeOutputDims("test", xDims, out);
            float[] x = uniform(numel(xDims)), gy = uniform(numel(yDims));
            // backward: each input voxel collects at most (2 * ceil(out / in) + 2) outputs per axis
            int readers = 1;
            for (int a = 0; a < 3; a++) readers *= 2 * Math.ceilDiv(out[a], xDims[2 + a]) + 2;
            for (UpsampleMode mode : UpsampleMode.values()) {
                for (boolean align : new boolean[] {false, true}) {
                    String tag = Arrays.toString(xDims) + " -> " + Arrays.toString(out) + " " + mode + " alignCorners=" + align;
                    float[] yRef = cpu(x, xDims, t -> CPU.upsample3d(t, out, mode, align));
                    float[] yMag = cpu(abs(x), xDims, t -> CPU.upsample3d(t, out, mode, align));
                    float[] gxRef = cpu(gy, yDims, t -> CPU.upsample3dBackward(t, Shape.of(xDims), mode, align));
                    float[] gxMag = cpu(abs(gy), yDims, t -> CPU.upsample3dBackward(t, Shape.of(xDims), mode, align));
                    try (Arena a = Arena.ofConfined()) {
                        MemorySegment px = floats(a, x), py = poisoned(a, 4 * numel(yDims));
                        pool.upsample3d(xDims, out, mode, align, px.address(), py.address(), 0);
                        assertWithin(tag + " upsample3d", yRef, yMag, 8, floats(py));
                        MemorySegment pgy = floats(a, gy), pgx = poisoned(a, 4 * numel(xDims));
                        pool.upsample3dBackward(xDims, yDims, mode, align, pgy.address(), pgx.address(), 0);
                        assertWithin(tag + " upsample3dBackward", gxRef, gxMag, readers, floats(pgx));
                    }
                }
            }
        }
    }

    /**
     * Nearest reads one voxel with weight 1, so forward and backward are bit-exact (the backward adds
     * the same floats in the same order as the CPU). The sizes are ones where PyTorch's float product
     * floor(dst * (float) (in / out)) falls on the other side of an integer than the exact quotient
     * (D: 2 -> 82 at dst 41, H: 6 -> 74 at dst 37), so the kernel must pick the CPU's float choice.
     */
    @Test void nearestIsBitExactAndFollowsTheFloatSourceRule() {
        int[] xDims = {1, 1, 2, 6, 2}, out = {82, 74, 3};
        int[] yDims = PoolKernels.resizeOutputDims("test", xDims, out);
        float[] x = uniform(numel(xDims)), gy = uniform(numel(yDims));
        float[] yRef = cpu(x, xDims, t -> CPU.upsample3d(t, out, UpsampleMode.NEAREST, false));
        float[] gxRef = cpu(gy, yDims, t -> CPU.upsample3dBackward(t, Shape.of(xDims), UpsampleMode.NEAREST, false));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment px = floats(a, x), py = poisoned(a, 4 * numel(yDims));
            pool.upsample3d(xDims, out, UpsampleMode.NEAREST, false, px.address(), py.address(), 0);
            assertBitExact("nearest " + Arrays.toString(xDims) + " -> " + Arrays.toString(out), yRef, floats(py));
            MemorySegment pgy = floats(a, gy), pgx = poisoned(a, 4 * numel(xDims));
            pool.upsample3dBackward(xDims, yDims, UpsampleMode.NEAREST, false, pgy.address(), pgx.address(), 0);
            assertBitExact("nearest backward " + Arrays.toString(xDims) + " -> " + Arrays.toString(out), gxRef, floats(pgx));
        }
    }

    // ---- bad input: the CPU's messages ------------------------------------------------------------------------

    private static void sameMessage(Executable onCpu, Executable onKernels) {
        Throwable want = assertThrows(IllegalArgumentException.class, onCpu);
        Throwable got = assertThrows(IllegalArgumentException.class, onKernels);
        assertEquals(want.getClass(), got.getClass(), want.getMessage());
        assertEquals(want.getMessage(), got.getMessage());
    }

    @Test void refusesWhatTheCpuRefusesWithItsMessages() {
        try (TensorScope s = new TensorScope()) {
            Pool3dParams k3 = Pool3dParams.of(3, 1, 0);
            int[] small = {1, 1, 2, 5, 5}, rank4 = {1, 2, 3, 4};
            sameMessage(() -> CPU.maxPool3d(Tensor.zeros(small), k3), () -> pool.maxPool3d(small, k3, 8, 8, 8, 0));
            sameMessage(() -> CPU.avgPool3d(Tensor.zeros(rank4), k3, true), () -> pool.avgPool3d(rank4, k3, true, 8, 8, 0));
            int[] x = {1, 2, 5, 5, 5}, wrongY = {1, 2, 2, 3, 3};
            sameMessage(() -> CPU.avgPool3dBackward(Tensor.zeros(wrongY), Shape.of(x), k3, false),
                    () -> pool.avgPool3dBackward(x, wrongY, k3, false, 8, 8, 0));
            sameMessage(() -> CPU.adaptiveAvgPool3d(Tensor.zeros(x), new int[] {2, 0, 2}),
                    () -> pool.adaptiveAvgPool3d(x, new int[] {2, 0, 2}, 8, 8, 0));
            sameMessage(() -> CPU.adaptiveAvgPool3d(Tensor.zeros(rank4), new int[] {2, 2, 2}),
                    () -> pool.adaptiveAvgPool3d(rank4, new int[] {2, 2, 2}, 8, 8, 0));
            int[] otherC = {1, 3, 4, 4, 4};
            sameMessage(() -> CPU.upsample3dBackward(Tensor.zeros(otherC), Shape.of(x), UpsampleMode.TRILINEAR, true),
                    () -> pool.upsample3dBackward(x, otherC, UpsampleMode.TRILINEAR, true, 8, 8, 0));
            sameMessage(() -> CPU.adaptiveAvgPool3dBackward(Tensor.zeros(otherC), Shape.of(x)),
                    () -> pool.adaptiveAvgPool3dBackward(x, otherC, 8, 8, 0));
            int[] empty = {1, 1, 0, 3, 3};
            sameMessage(() -> CPU.upsample3d(Tensor.zeros(empty), new int[] {2, 2, 2}, UpsampleMode.NEAREST, false),
                    () -> pool.upsample3d(empty, new int[] {2, 2, 2}, UpsampleMode.NEAREST, false, 8, 8, 0));
            sameMessage(() -> CPU.maxPool3dBackward(Tensor.zeros(otherC), Tensor.zeros(org.voxelforge.core.DType.INT64, otherC), Shape.of(x), k3),
                    () -> pool.maxPool3dBackward(x, otherC, k3, 8, 8, 8, 0));
        }
        var e = assertThrows(IllegalArgumentException.class,
                () -> pool.maxPool3dBackward(new int[] {1, 2, 5, 5, 5}, new int[] {1, 2, 2, 2, 2}, Pool3dParams.of(3, 1, 0), 8, 8, 8, 0));
        assertTrue(e.getMessage().contains("maxPool3dBackward") && e.getMessage().contains("[1, 2, 3, 3, 3]")
                && e.getMessage().contains("[1, 2, 2, 2, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pool.maxPool3d(new int[] {1, 1, 4, 4, 4}, Pool3dParams.of(2, 2, 0), 8, 8, 0, 0));
        assertTrue(e.getMessage().contains("vf_maxpool3d_fwd_f32") && e.getMessage().contains("indices is a null"), e.getMessage());
    }
}
