package org.voxelforge.core.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.voxelforge.core.cuda.EmulatorTests.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.BinaryOp;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.UnaryOp;

/**
 * The kernels of voxelforge.cu run by the host emulator through the same typed launchers as on a
 * GPU ({@link CudaKernels} over {@link EmulatedKernels}), against their CPU twins: every UnaryOp and
 * BinaryOp (also with a broadcast scalar b), fill, and the Philox fills bit for bit.
 *
 * <p>Tolerances. The reference is op.apply in double rounded once to float. Negation, abs, relu,
 * sign, square, reciprocal, sqrt, +, -, *, / and the comparisons must match exactly (IEEE float
 * arithmetic is correctly rounded, and double has enough bits that rounding the exact double
 * result to float gives the same float). The transcendental ops use the C library's float
 * functions (glibc under the emulator, CUDA's libdevice on a GPU, both within 2 ulp for expf,
 * logf, powf, tanhf, erff), so they may be a few ulp off: 4 ulp for sigmoid (expf plus a
 * division and an addition), 2 ulp for the rest. NaN must be NaN and infinities exact.
 * Sizes are larger than one grid (LaunchConfig caps it at 4 SMs * 32 blocks * 256 threads) so that
 * the grid-stride loop runs several rounds, and not a multiple of 256.
 */
class EmulatedElementwiseTest {
    private static final int N = 40_037;
    private EmulatedKernels emu;

    @BeforeEach void emulator() { emu = EmulatorTests.emulator(); }

    /** Values every op must get right (zeros, NaN, infinities, subnormals, overflow edges) then random ones of varied magnitude. */
    static float[] inputs(int n, long seed) {
        float[] special = {0f, -0f, 1f, -1f, 0.5f, -0.5f, 2f, -2f, 3f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 88.72f, 88.73f, -87.3f,
                -103.98f, 1e-20f, -1e-20f, 1e20f, 9.0f, 4.5f, -4.5f};
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i < special.length ? special[i]
                    : r.nextInt(20) == 0 ? special[r.nextInt(special.length)]
                    : (float) (r.nextGaussian() * Math.pow(10, r.nextDouble() * 5 - 3));
        }
        return x;
    }

    static long allowedUlps(UnaryOp op) {
        return switch (op) {
            case EXP, LOG, TANH, ERF -> 2;
            case SIGMOID -> 4;
            default -> 0;
        };
    }

    static long allowedUlps(BinaryOp op) { return op == BinaryOp.POW ? 2 : 0; }

    @Test void everyUnaryOpMatchesApply() {
        float[] x = inputs(N, 1);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment xs = floats(a, x), ys = a.allocate(4L * N);
            for (UnaryOp op : UnaryOp.values()) {
                ys.fill((byte) 0x7f); // not a value any op produces everywhere: unwritten elements show
                emu.kernels().unaryF32(op.ordinal(), xs.address(), ys.address(), N, 0);
                float[] y = floats(ys);
                long worst = 0;
                for (int i = 0; i < N; i++) {
                    float want = (float) op.apply(x[i]);
                    long d = ulps(want, y[i]);
                    if (d > allowedUlps(op)) fail(op + "(" + x[i] + ") at " + i + ": cpu " + want + " emulated kernel " + y[i] + " (" + d + " ulp)");
                    worst = Math.max(worst, d);
                }
                if (worst > 0) System.out.println("[emulator] unary " + op + ": worst " + worst + " ulp");
            }
        }
    }

    @Test void everyBinaryOpMatchesApplyWithFullAndBroadcastB() {
        float[] x = inputs(N, 2), z = inputs(N, 3);
        // Every special value against every other in the first 27 * 27 elements.
        for (int i = 0; i < 27 * 27; i++) {
            x[i] = x[i / 27];
            z[i] = inputs(27, 3)[i % 27];
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment xs = floats(a, x), zs = floats(a, z), ys = a.allocate(4L * N);
            for (BinaryOp op : BinaryOp.values()) {
                for (float scalar : new float[] {Float.NaN, -2.5f, 0.5f}) {
                    for (boolean broadcast : new boolean[] {false, true}) {
                        MemorySegment bs = broadcast ? floats(a, scalar) : zs;
                        ys.fill((byte) 0x7f);
                        emu.kernels().binaryF32(op.ordinal(), xs.address(), bs.address(), broadcast ? 0 : 1, ys.address(), N, 0);
                        float[] y = floats(ys);
                        for (int i = 0; i < N; i++) {
                            float b = broadcast ? scalar : z[i];
                            float want = (float) op.apply(x[i], b);
                            long d = ulps(want, y[i]);
                            if (d > allowedUlps(op)) {
                                fail(op + "(" + x[i] + ", " + b + ")" + (broadcast ? " broadcast" : "") + " at " + i + ": cpu " + want
                                        + " emulated kernel " + y[i] + " (" + d + " ulp)");
                            }
                        }
                        if (!broadcast) break; // the full operand does not depend on the scalar
                    }
                }
            }
        }
    }

    @Test void fillWritesEveryElementOfATensorsStorage() {
        try (Tensor t = Tensor.zeros(N)) {
            emu.kernels().fillF32(t.segment().address(), -3.75f, N, 0);
            float[] y = t.toFloatArray();
            for (int i = 0; i < N; i++) if (y[i] != -3.75f) fail("element " + i + " is " + y[i]);
        }
    }

    @Test void randomFillsEqualRandomGeneratorBitForBit() {
        long key = new RandomGenerator(1234).key(), counter = 987_654_321_012L;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ys = a.allocate(4L * N);
            int[] scratch = new int[4];
            for (RandomGenerator.Distribution dist : RandomGenerator.Distribution.values()) {
                double lo = dist == RandomGenerator.Distribution.BERNOULLI ? 0.3 : -1.5, hi = 2.0;
                emu.kernels().randomF32(ys.address(), dist.ordinal(), lo, hi, key, counter, N, 0);
                float[] y = floats(ys);
                for (int i = 0; i < N; i++) {
                    float want = (float) RandomGenerator.sample(dist, lo, hi, key, counter + i, DType.FLOAT32, scratch);
                    if (Float.floatToRawIntBits(want) != Float.floatToRawIntBits(y[i])) {
                        fail(dist + " element " + i + ": RandomGenerator " + want + ", emulated kernel " + y[i]);
                    }
                }
            }
        }
    }

    @Test void anUnknownKernelNameIsAClearError() {
        CudaException e = assertThrows(CudaException.class, () -> emu.kernels().launch("vf_nope_f32", 10, 0, k -> k.i64(10)));
        assertTrue(e.getMessage().contains("no kernel named \"vf_nope_f32\""), e.getMessage());
        assertEquals("VFEMU_ERROR_NOT_FOUND", e.statusName());
        UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class, () -> emu.kernels().function("vf_fill_f32"));
        assertTrue(u.getMessage().contains("real GPU only"), u.getMessage());
    }
}
