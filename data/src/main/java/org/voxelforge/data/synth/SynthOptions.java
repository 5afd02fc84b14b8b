package org.voxelforge.data.synth;

import java.util.Arrays;

/**
 * What {@link SynthDataset} generates: {@code cases} training cases, {@code testCases} test cases,
 * shapes near {@code shape} (voxels along i, j, k), all drawn from {@code seed}.
 */
public record SynthOptions(int cases, int testCases, int[] shape, long seed) {
    public static final int[] DEFAULT_SHAPE = {64, 64, 48};
    public static final int MAX_CASES = 10_000;
    public static final int MIN_SIZE = 16, MAX_SIZE = 512;

    public SynthOptions {
        if (cases < 1 || cases > MAX_CASES) {
            throw new IllegalArgumentException("synth: the number of training cases must be in 1.." + MAX_CASES + ", got " + cases);
        }
        if (testCases < 0 || testCases > MAX_CASES) {
            throw new IllegalArgumentException("synth: the number of test cases must be in 0.." + MAX_CASES + ", got " + testCases);
        }
        if (shape == null || shape.length != 3 || Arrays.stream(shape).anyMatch(s -> s < MIN_SIZE || s > MAX_SIZE)) {
            throw new IllegalArgumentException("synth: the image shape must be three sizes in " + MIN_SIZE + ".." + MAX_SIZE
                    + " (like 64,64,48), got " + (shape == null ? "none" : Arrays.toString(shape)));
        }
        shape = shape.clone();
    }

    @Override public int[] shape() { return shape.clone(); }
}
