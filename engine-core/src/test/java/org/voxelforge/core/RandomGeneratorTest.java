package org.voxelforge.core;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Philox4x32-10 against Random123's known answers, the CPU fill against the scalar definition, and the distributions. */
class RandomGeneratorTest {
    private static void assertWords(int[] expected, int[] actual) {
        assertArrayEquals(expected, actual, () -> String.format("expected %08x %08x %08x %08x, got %08x %08x %08x %08x",
                expected[0], expected[1], expected[2], expected[3], actual[0], actual[1], actual[2], actual[3]));
    }

    @Test void philoxReproducesRandom123KnownAnswers() {
        assertWords(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
                RandomGenerator.philox4x32_10(new int[] {0, 0, 0, 0}, new int[] {0, 0}));
        assertWords(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
                RandomGenerator.philox4x32_10(new int[] {-1, -1, -1, -1}, new int[] {-1, -1}));
        assertWords(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                RandomGenerator.philox4x32_10(new int[] {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
                        new int[] {0xa4093822, 0x299f31d0}));
        assertThrows(IllegalArgumentException.class, () -> RandomGenerator.philox4x32_10(new int[3], new int[2]));
    }

    @Test void longCounterVersionIsTheGeneralOneOnLowAndHighWords() {
        long key = 0x299f31d0a4093822L, c = 0x85a308d3243f6a88L;
        assertWords(RandomGenerator.philox4x32_10(new int[] {0x243f6a88, 0x85a308d3, 0, 0}, new int[] {0xa4093822, 0x299f31d0}),
                RandomGenerator.philox(key, c));
        int[] scratch = new int[4];
        RandomGenerator.philox4x32_10(0x243f6a88, 0x85a308d3, 0, 0, 0xa4093822, 0x299f31d0, scratch);
        assertWords(RandomGenerator.philox(key, c), scratch);
    }

    /** The CPU fill must equal the documented per-element definition bit for bit (the GPU reproduces the same). */
    @Test void fillEqualsTheScalarDefinitionForEveryDTypeAndDistribution() {
        try (TensorScope s = new TensorScope()) {
            long key = 0x1234_5678_9abc_def0L, counter = (1L << 32) - 5_000; // crosses into the high counter word
            for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.BFLOAT16, DType.FLOAT16, DType.INT32}) {
                for (RandomGenerator.Distribution dist : RandomGenerator.Distribution.values()) {
                    double a = dist == RandomGenerator.Distribution.BERNOULLI ? 0.3 : -2, b = 3;
                    Tensor t = Tensor.zeros(dt, 100, 200); // 20,000 elements: several threads
                    Backends.cpu().fillRandom(t, dist, a, b, key, counter);
                    Tensor ref = Tensor.zeros(dt, 100, 200);
                    for (int i = 0; i < 20_000; i++) {
                        dt.set(ref.segment(), i, RandomGenerator.sample(dist, a, b, key, counter + i, dt));
                    }
                    assertArrayEquals(ref.toLongArray(), t.toLongArray(), dist + " " + dt);
                    assertArrayEquals(ref.toDoubleArray(), t.toDoubleArray(), dist + " " + dt);
                }
            }
        }
    }

    private static double[] moments(Tensor t) {
        double[] v = t.toDoubleArray();
        double sum = 0, sq = 0;
        for (double x : v) sum += x;
        double mean = sum / v.length;
        for (double x : v) sq += (x - mean) * (x - mean);
        return new double[] {mean, sq / v.length};
    }

    @Test void uniformHasTheRightMeanAndVariance() {
        try (TensorScope s = new TensorScope()) {
            RandomGenerator g = new RandomGenerator(7);
            Tensor u = g.uniform(2, 5, 1_000_000);
            double[] m = moments(u);
            // sd of the mean is 3/sqrt(12)/1000 ~ 0.00087; of the variance ~ 0.0007
            assertEquals(3.5, m[0], 0.005);
            assertEquals(0.75, m[1], 0.005);
            // in float32, 2 + 3 * (1 - 2^-24) rounds up to 5: the definition gives [a, b] after rounding
            for (double v : u.toDoubleArray()) assertTrue(v >= 2 && v <= 5, "uniform value " + v + " outside [2, 5]");
            // on [0, 1) every 24-bit value is a float32, so 1 is never reached
            for (double v : g.uniform(0, 1, 100_000).toDoubleArray()) assertTrue(v >= 0 && v < 1, "uniform value " + v);
        }
    }

    @Test void normalHasMeanZeroAndUnitStd() {
        try (TensorScope s = new TensorScope()) {
            double[] m = moments(new RandomGenerator(8).normal(0, 1, 1_000_000));
            assertEquals(0, m[0], 0.005);
            assertEquals(1, Math.sqrt(m[1]), 0.005);
            double[] shifted = moments(new RandomGenerator(9).normal(10, 2, 1_000_000));
            assertEquals(10, shifted[0], 0.01);
            assertEquals(2, Math.sqrt(shifted[1]), 0.01);
        }
    }

    @Test void bernoulliHitsItsRate() {
        try (TensorScope s = new TensorScope()) {
            double[] v = new RandomGenerator(10).bernoulli(0.3, 1_000_000).toDoubleArray();
            double ones = 0;
            for (double x : v) {
                assertTrue(x == 0 || x == 1);
                ones += x;
            }
            assertEquals(0.3, ones / v.length, 0.003); // sd ~ 0.00046
            assertThrows(IllegalArgumentException.class, () -> new RandomGenerator(1).bernoulli(1.5, 3));
        }
    }

    @Test void sameSeedSameTensorAndSplitsDiffer() {
        try (TensorScope s = new TensorScope()) {
            float[] a = new RandomGenerator(42).uniform(0, 1, 1000).toFloatArray();
            float[] b = new RandomGenerator(42).uniform(0, 1, 1000).toFloatArray();
            float[] c = new RandomGenerator(43).uniform(0, 1, 1000).toFloatArray();
            assertArrayEquals(a, b);
            assertFalse(java.util.Arrays.equals(a, c));
            RandomGenerator g = new RandomGenerator(42);
            RandomGenerator s1 = g.split(), s2 = g.split();
            float[] x1 = s1.uniform(0, 1, 1000).toFloatArray(), x2 = s2.uniform(0, 1, 1000).toFloatArray();
            assertFalse(java.util.Arrays.equals(x1, x2), "two splits must give different streams");
            assertFalse(java.util.Arrays.equals(x1, a), "a split must differ from its parent");
            // splitting is itself deterministic
            RandomGenerator h = new RandomGenerator(42);
            assertArrayEquals(x1, h.split().uniform(0, 1, 1000).toFloatArray());
        }
    }

    @Test void float64UniformUses53BitsAndFloat32Uses24() {
        try (TensorScope s = new TensorScope()) {
            double[] d = new RandomGenerator(11).fill(RandomGenerator.Distribution.UNIFORM, 0, 1, DType.FLOAT64, 10_000).toDoubleArray();
            int finerThan24 = 0;
            for (double v : d) {
                double scaled = v * 0x1.0p53;
                assertEquals(Math.rint(scaled), scaled, "float64 uniform must be a multiple of 2^-53");
                if (v * 0x1.0p24 != Math.rint(v * 0x1.0p24)) finerThan24++;
            }
            assertTrue(finerThan24 > 9_900, "float64 uniforms should use bits below 2^-24, only " + finerThan24 + " of 10000 do");
            for (double v : new RandomGenerator(12).uniform(0, 1, 10_000).toDoubleArray()) {
                assertEquals(Math.rint(v * 0x1.0p24), v * 0x1.0p24, "float32 uniform must be a multiple of 2^-24");
            }
        }
    }

    @Test void oneFillOfAThousandEqualsTenFillsOfAHundred() {
        try (TensorScope s = new TensorScope()) {
            RandomGenerator one = new RandomGenerator(99), ten = new RandomGenerator(99);
            float[] whole = one.normal(0, 1, 1000).toFloatArray();
            float[] pieces = new float[1000];
            for (int k = 0; k < 10; k++) System.arraycopy(ten.normal(0, 1, 100).toFloatArray(), 0, pieces, k * 100, 100);
            assertArrayEquals(whole, pieces);
            assertEquals(1000, one.counter());
            assertEquals(one.counter(), ten.counter());
        }
    }

    @Test void fillRefusesStridedTensors() {
        try (TensorScope s = new TensorScope()) {
            Tensor t = Tensor.zeros(4, 4).transpose(0, 1);
            assertThrows(IllegalArgumentException.class, () -> new RandomGenerator(1).fill(t, RandomGenerator.Distribution.UNIFORM, 0, 1));
        }
    }
}
