package org.voxelforge.cli.selftest;

import java.util.List;
import org.voxelforge.core.Backends;
import org.voxelforge.core.DType;
import org.voxelforge.core.RandomGenerator;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/**
 * The random generator: Philox4x32-10 against Random123's published known answers, and the
 * multithreaded CPU fill against the scalar per-element definition, bit for bit.
 */
final class PhiloxChecks {
    private PhiloxChecks() {}

    /**
     * Random123's kat_vectors for philox4x32_10 (counter, key, expected output), the same ones
     * engine-core's RandomGeneratorTest checks.
     */
    static final int[][][] KNOWN_ANSWERS = {
            {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
            {{-1, -1, -1, -1}, {-1, -1}, {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
            {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}, {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
    };

    static List<SelfTestCheck> all(int fillElements) {
        return List.of(SelfTestCheck.of("cpu philox4x32-10 known answers", PhiloxChecks::knownAnswers),
                SelfTestCheck.of("cpu random fill vs definition", () -> fillMatchesDefinition(fillElements)));
    }

    static SelfTestResult knownAnswers() {
        String name = "cpu philox4x32-10 known answers";
        for (int[][] kat : KNOWN_ANSWERS) {
            int[] got = RandomGenerator.philox4x32_10(kat[0], kat[1]);
            if (!java.util.Arrays.equals(got, kat[2])) {
                return SelfTestResult.fail(name, "counter " + hex(kat[0]) + " key " + hex(kat[1]) + ": expected " + hex(kat[2]) + ", got " + hex(got));
            }
        }
        return SelfTestResult.pass(name, KNOWN_ANSWERS.length + " Random123 vectors");
    }

    /** Every distribution, float32, from a counter that crosses into the high 32-bit word. */
    static SelfTestResult fillMatchesDefinition(int n) {
        String name = "cpu random fill vs definition";
        long key = new RandomGenerator(2024).key(), counter = (1L << 32) - n / 2;
        int[] scratch = new int[4];
        long mismatches = 0;
        String first = "";
        try (TensorScope scope = new TensorScope()) {
            for (RandomGenerator.Distribution dist : RandomGenerator.Distribution.values()) {
                double a = dist == RandomGenerator.Distribution.BERNOULLI ? 0.3 : -2, b = 3;
                Tensor t = Tensor.zeros(DType.FLOAT32, n);
                Backends.cpu().fillRandom(t, dist, a, b, key, counter);
                float[] got = t.toFloatArray();
                for (int i = 0; i < n; i++) {
                    float want = (float) RandomGenerator.sample(dist, a, b, key, counter + i, DType.FLOAT32, scratch);
                    if (Float.floatToRawIntBits(want) != Float.floatToRawIntBits(got[i]) && mismatches++ == 0) {
                        first = "; first: " + dist + " element " + i + " is " + got[i] + ", definition " + want;
                    }
                }
            }
        }
        String detail = 3L * n + " values, 3 distributions, bitwise";
        return mismatches == 0 ? SelfTestResult.pass(name, detail) : SelfTestResult.fail(name, mismatches + " of " + 3L * n + " values differ" + first);
    }

    static String hex(int[] words) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < words.length; i++) b.append(i > 0 ? " " : "").append(String.format("%08x", words[i]));
        return b.append(']').toString();
    }
}
