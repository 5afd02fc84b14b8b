package org.voxelforge.core;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The in-place strided softmax (contiguous float32, non-last axis) against the permuted row path, bit for bit. */
class SoftmaxPathsTest {
    @Test void stridedPathEqualsRowPathExactly() {
        RandomGenerator rng = new RandomGenerator(11);
        int[][] shapes = {{2, 4, 5, 6, 7}, {3, 1300}, {2, 3, 2100}, {1, 5, 1, 1, 1}};
        try (TensorScope s = new TensorScope()) {
            for (int[] dims : shapes) {
                Tensor x = rng.normal(0, 4, dims);
                // the same values as a non-contiguous view: the row path runs on it
                int r = dims.length;
                Tensor nc = x.transpose(0, r - 1).contiguous().transpose(0, r - 1);
                assertFalse(nc.isContiguous() && dims[0] > 1 && dims[r - 1] > 1);
                for (int axis = 0; axis < r - 1; axis++) {
                    for (boolean log : new boolean[] {false, true}) {
                        float[] fast = (log ? x.logSoftmax(axis) : x.softmax(axis)).toFloatArray();
                        float[] ref = (log ? nc.logSoftmax(axis) : nc.softmax(axis)).toFloatArray();
                        assertArrayEquals(ref, fast, 0f, java.util.Arrays.toString(dims) + " axis " + axis + " log " + log);
                    }
                }
            }
        }
    }

    @Test void nanPropagatesAlongItsColumnOnly() {
        try (TensorScope s = new TensorScope()) {
            Tensor x = Tensor.of(new float[] {1, Float.NaN, 2, 3}, 2, 2); // softmax over axis 0: columns
            float[] y = x.softmax(0).toFloatArray();
            assertEquals((float) (1 / (1 + Math.E)), y[0], 1e-7f);
            assertTrue(Float.isNaN(y[1]) && Float.isNaN(y[3]));
        }
    }
}
