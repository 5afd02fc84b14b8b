package org.voxelforge.data.sampling;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.voxelforge.core.RandomGenerator;

class AnnotationMasksTest {
    static final int[] D = {5, 6, 7};

    /** Which slices along axis are fully annotated; asserts each slice is all-or-nothing. */
    static Set<Integer> annotatedSlices(byte[] m, int axis) {
        Set<Integer> s = new TreeSet<>();
        int[] per = new int[D[axis]];
        int i = 0;
        for (int x = 0; x < D[0]; x++) for (int y = 0; y < D[1]; y++) for (int z = 0; z < D[2]; z++, i++) {
            int k = axis == 0 ? x : axis == 1 ? y : z;
            per[k] += m[i];
            assertTrue(m[i] == 0 || m[i] == 1);
        }
        int sliceSize = D[0] * D[1] * D[2] / D[axis];
        for (int k = 0; k < per.length; k++) {
            assertTrue(per[k] == 0 || per[k] == sliceSize, "slice " + k + " partly annotated");
            if (per[k] > 0) s.add(k);
        }
        return s;
    }

    @Test
    void interval() {
        assertEquals(Set.of(1, 4), annotatedSlices(AnnotationMasks.everyNth(D, 1, 3, 1), 1));
        assertEquals(Set.of(0, 2, 4, 6), annotatedSlices(AnnotationMasks.everyNth(D, 2, 2, 0), 2));
    }

    @Test
    void randomCountIsExactAndSeeded() {
        byte[] a = AnnotationMasks.random(D, 0, 3, new RandomGenerator(9));
        assertEquals(3, annotatedSlices(a, 0).size());
        assertArrayEquals(a, AnnotationMasks.random(D, 0, 3, new RandomGenerator(9)));
        assertEquals(7, annotatedSlices(AnnotationMasks.random(D, 2, 7, new RandomGenerator(1)), 2).size());
    }

    @Test
    void listed() {
        assertEquals(Set.of(0, 5), annotatedSlices(AnnotationMasks.listed(D, 1, 5, 0), 1));
        var e = assertThrows(IllegalArgumentException.class, () -> AnnotationMasks.listed(D, 1, 6));
        assertTrue(e.getMessage().contains("slice 6"));
    }
}
